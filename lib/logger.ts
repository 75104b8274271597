/**
 * Structured one-line JSON logs. Callers pass messages and small context objects; credentials are
 * never passed here (R-SEC-2), and values under secret-looking keys are masked as a second line of defence.
 */
import { env } from "@/lib/env";

const SECRET = /(secret|password|private|token|authorization|apikey|api_key|cookie)/i;

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET.test(k) ? "[redacted]" : scrub(v, depth + 1);
  return out;
}

function write(level: "debug" | "info" | "warn" | "error", msg: string, ctx?: Record<string, unknown>) {
  if (level === "debug" && env.LOG_LEVEL !== "debug") return;
  const line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...(scrub(ctx ?? {}) as object) });
  if (level === "error" || level === "warn") process.stderr.write(line + "\n");
  else process.stdout.write(line + "\n");
}

export const logger = {
  debug: (msg: string, ctx?: Record<string, unknown>) => write("debug", msg, ctx),
  info: (msg: string, ctx?: Record<string, unknown>) => write("info", msg, ctx),
  warn: (msg: string, ctx?: Record<string, unknown>) => write("warn", msg, ctx),
  error: (msg: string, ctx?: Record<string, unknown>) => write("error", msg, ctx),
};
