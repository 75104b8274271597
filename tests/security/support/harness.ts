/**
 * Calling discovered server actions and route handlers as a given login, and classifying the answer.
 * Requires the test file to mock next/headers with ./request-context (see there) and next/cache.
 */
import path from "node:path";
import { NextRequest } from "next/server";
import { ROOT } from "./discover";
import { useRequest } from "./request-context";
import { probeUrl, type RouteProbe } from "./route-registry";

export type ActionOutcome =
  | { kind: "ok"; result: { ok: true; data: unknown; message?: string } }
  | { kind: "refused"; message: string; fieldErrors?: Record<string, string[]> }
  | { kind: "redirect"; to: string };

const modules = new Map<string, Record<string, unknown>>();

export async function loadModule(file: string): Promise<Record<string, unknown>> {
  let mod = modules.get(file);
  if (!mod) {
    mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
    modules.set(file, mod);
  }
  return mod;
}

function digestOf(err: unknown): string {
  return typeof err === "object" && err && "digest" in err ? String((err as { digest: unknown }).digest) : "";
}

/** Runs `file#export` with `input` as the request carrying `cookie` (null: no session). */
export async function callAction(id: string, cookie: string | null, input: unknown): Promise<ActionOutcome> {
  const [file, name] = id.split("#");
  const fn = (await loadModule(file))[name] as (input: unknown) => Promise<unknown>;
  useRequest({ cookie });
  try {
    const result = (await fn(input)) as { ok: boolean; formError?: string; fieldErrors?: Record<string, string[]> } | undefined;
    if (result && result.ok === true) return { kind: "ok", result: result as { ok: true; data: unknown } };
    return { kind: "refused", message: result?.formError ?? "(no message)", fieldErrors: result?.fieldErrors };
  } catch (err) {
    const digest = digestOf(err);
    if (digest.startsWith("NEXT_REDIRECT")) return { kind: "redirect", to: digest.split(";")[2] ?? "" };
    // notFound() / forbidden() / unauthorized() from a guard: a refusal.
    if (digest.startsWith("NEXT_HTTP_ERROR_FALLBACK")) return { kind: "refused", message: digest };
    throw err;
  }
}

export type RouteAnswer = { status: number; body: string; headers: Headers };

/** Calls a route module's handler the way Next.js does: a NextRequest and a params promise. */
export async function callRoute(
  file: string,
  probe: RouteProbe,
  opts: { cookie?: string | null; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<RouteAnswer> {
  const mod = await loadModule(file);
  const handler = mod[probe.method] as (req: NextRequest, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
  if (typeof handler !== "function") throw new Error(`${file} exports no ${probe.method}`);
  const headers = new Headers({ host: "switchboard.test", ...(probe.headers ?? {}), ...(opts.headers ?? {}) });
  if (opts.cookie) headers.set("cookie", opts.cookie);
  let body: string | undefined = opts.rawBody;
  if (body === undefined && probe.body !== undefined) {
    body = JSON.stringify(probe.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  useRequest({ cookie: opts.cookie ?? null, headers });
  const req = new NextRequest(probeUrl("http://switchboard.test", probe), { method: probe.method, headers, body: probe.method === "GET" ? undefined : body });
  const res = await handler(req, { params: Promise.resolve(probe.params) });
  return { status: res.status, body: await res.text(), headers: res.headers };
}
