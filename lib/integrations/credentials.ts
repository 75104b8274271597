/**
 * Validating credential values against an application's own schema (catalog.ts). Errors come back keyed
 * `credentials.<field>` so forms show them under the right input; values are never echoed or logged.
 */
import { ValidationError } from "@/lib/errors";
import { refusedLiteralAddress } from "@/lib/http/outbound";
import { credentialFields, type AppDefinition } from "./catalog";

/** The host of a URL or host field as a URL parser sees it (decimal, octal and hex IPv4 are normalised). */
function hostOf(value: string): string | null {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`).hostname;
  } catch {
    return null;
  }
}

export function validateCredentials(
  app: AppDefinition,
  raw: Record<string, string> | undefined,
  opts: { only?: "secret" | "plain"; prefix?: string } = {},
): Record<string, string> {
  const prefix = opts.prefix ?? "credentials";
  const keys = credentialFields(app)
    .filter((f) => (opts.only === "secret" ? f.secret : opts.only === "plain" ? !f.secret : true))
    .map((f) => f.key);
  if (!keys.length) return {};
  const schema = app.credentials.pick(Object.fromEntries(keys.map((k) => [k, true])) as Record<string, true>);
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const key = [prefix, ...issue.path.map(String)].join(".");
      (fieldErrors[key] ??= []).push(issue.message);
    }
    throw new ValidationError("Check the highlighted fields.", fieldErrors);
  }
  // R-SEC-3: an address field may not name a private, loopback or link-local address unless allow-listed.
  const fieldErrors: Record<string, string[]> = {};
  for (const field of credentialFields(app).filter((f) => keys.includes(f.key) && (f.kind === "url" || f.kind === "host"))) {
    const value = (parsed.data as Record<string, string>)[field.key];
    const host = value ? hostOf(value) : null;
    const refused = host ? refusedLiteralAddress(host) : null;
    if (refused) fieldErrors[[prefix, field.key].join(".")] = [`Enter a public address for the ${field.label}: ${refused}.`];
  }
  if (Object.keys(fieldErrors).length) throw new ValidationError("Check the highlighted fields.", fieldErrors);
  return parsed.data as Record<string, string>;
}
