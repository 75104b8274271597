/**
 * Validating credential values against an application's own schema (catalog.ts). Errors come back keyed
 * `credentials.<field>` so forms show them under the right input; values are never echoed or logged.
 */
import { ValidationError } from "@/lib/errors";
import { credentialFields, type AppDefinition } from "./catalog";

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
  return parsed.data as Record<string, string>;
}
