/**
 * The one place that reads process.env (house style 16). Everything else imports `env`.
 * Values are parsed lazily so scripts can set process.env (e.g. DATABASE_URL chosen by the
 * embedded-PostgreSQL bootstrap) before the first read.
 */
import { z } from "zod";

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Public base URL of the console (links in emails, OAuth redirects). Defaults to http://localhost:PORT. */
  SWITCHBOARD_URL: z.string().url().optional(),
  /** Folder for local state of the embedded default (PostgreSQL data, generated secrets). */
  SWITCHBOARD_HOME: z.string().default(".switchboard"),
  /** Base64 32-byte key(s) for credential encryption: "keyId:base64,keyId2:base64"; first is current. */
  SWITCHBOARD_SECRET_KEYS: z.string().optional(),
  BETTER_AUTH_SECRET: z.string().min(32).optional(),
  /** Hosts/IPs that outbound calls may reach even though they are private/loopback (R-SEC-3). */
  SWITCHBOARD_ALLOW_PRIVATE_TARGETS: list,
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default("Switchboard <alerts@switchboard.local>"),
  SWITCHBOARD_ADMIN_EMAIL: z.string().email().optional(),
  SWITCHBOARD_ADMIN_PASSWORD: z.string().min(12).optional(),
  SWITCHBOARD_PARTNER_NAME: z.string().min(1).optional(),
  /** OAuth authorities for customer consent (public defaults; tests point them at a loopback server). */
  MICROSOFT_AUTHORITY: z.string().url().default("https://login.microsoftonline.com"),
  MICROSOFT_CLIENT_ID: z.string().optional(),
  MICROSOFT_CLIENT_SECRET: z.string().optional(),
  GOOGLE_AUTHORITY: z.string().url().default("https://accounts.google.com"),
  GOOGLE_TOKEN_URL: z.string().url().default("https://oauth2.googleapis.com/token"),
  GOOGLE_CLIENT_ID: z.string().optional(),
  GOOGLE_CLIENT_SECRET: z.string().optional(),
  /** Disable the worker that `npm start` runs beside the web server. */
  SWITCHBOARD_NO_WORKER: z.stringbool().default(false),
  /** Retry delays after each failed attempt, e.g. "5s,5m,30m,2h,5h,10h,10h" (the default). Tests shorten it. */
  SWITCHBOARD_RETRY_SCHEDULE: z.string().optional(),
  /** Multiplies the PSA vendors' request budgets (benchmarks against the fake PSAs raise it). */
  SWITCHBOARD_PSA_RATE_SCALE: z.coerce.number().positive().default(1),
  /** Deliveries one worker process sends at the same time. */
  SWITCHBOARD_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
  /** How long a claimed delivery stays leased to one worker (renewed while it sends). */
  SWITCHBOARD_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  /** How long a failing PSA destination is parked before a probe (circuit breaker). */
  SWITCHBOARD_BREAKER_OPEN_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** How many worker processes share the PSA budgets (each takes its share). */
  SWITCHBOARD_WORKERS: z.coerce.number().int().min(1).max(100).default(1),
  /** Sign-in attempts allowed per client address per minute (brute-force limit; the e2e suite, which signs in
   *  many test users from one address, raises it — the security suite proves the default). */
  SWITCHBOARD_SIGN_IN_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(5),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

/** Forget the parsed environment (tests and scripts that change process.env after startup). */
export function resetEnvCache(): void {
  cached = undefined;
}

function read(): Env {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid environment: ${issues}`);
  }
  cached = parsed.data;
  return cached;
}

export const env: Env = new Proxy({} as Env, {
  get: (_t, prop: string) => read()[prop as keyof Env],
});

export function publicUrl(): string {
  return (env.SWITCHBOARD_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, "");
}
