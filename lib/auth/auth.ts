/**
 * Sessions and passwords through better-auth (a maintained auth library) on our PostgreSQL via the
 * Drizzle adapter: database sessions (revocable), scrypt password hashes, rate-limited sign-in.
 * Public sign-up is disabled: partners are created by first-run setup or the CLI, users by admins.
 */
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { db } from "@/db";
import * as schema from "@/db/schema";
import { env, publicUrl } from "@/lib/env";
import { readOrCreateLocalSecret } from "@/lib/local-state";
import { clearSignInFailures, recordSignInFailure, signInRetryAfter } from "./sign-in-throttle";

function signInEmailOf(ctx: { path?: string; body?: unknown }): string | null {
  if (ctx.path !== "/sign-in/email") return null;
  const email = (ctx.body as { email?: unknown } | undefined)?.email;
  return typeof email === "string" && email.trim() ? email : null;
}

function trustedOrigins(): string[] {
  const base = new URL(publicUrl());
  const port = base.port ? `:${base.port}` : "";
  return Array.from(
    new Set([base.origin, `${base.protocol}//localhost${port}`, `${base.protocol}//127.0.0.1${port}`]),
  );
}

function createAuth() {
  return betterAuth({
    appName: "Switchboard",
    baseURL: publicUrl(),
    secret: env.BETTER_AUTH_SECRET ?? readOrCreateLocalSecret("auth-secret"),
    trustedOrigins: trustedOrigins(),
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: {
        user: schema.user,
        session: schema.session,
        account: schema.account,
        verification: schema.verification,
        rateLimit: schema.rateLimit,
      },
    }),
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: 12,
      maxPasswordLength: 256,
      revokeSessionsOnPasswordReset: true,
    },
    session: {
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
    },
    rateLimit: {
      enabled: true,
      storage: "database",
      modelName: "rateLimit",
      window: 60,
      max: 100,
      customRules: {
        // Brute-force protection: 5 sign-in attempts per minute per client address.
        "/sign-in/email": { window: 60, max: env.SWITCHBOARD_SIGN_IN_PER_MINUTE },
        "/change-password": { window: 60, max: 5 },
      },
    },
    advanced: {
      useSecureCookies: publicUrl().startsWith("https://"),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
      ipAddress: { ipAddressHeaders: ["x-forwarded-for", "x-real-ip"] },
    },
    hooks: {
      // Per-account brute-force limit on top of the per-address one (lib/auth/sign-in-throttle.ts).
      before: createAuthMiddleware(async (ctx) => {
        const email = signInEmailOf(ctx);
        if (!email) return;
        const wait = await signInRetryAfter(email);
        if (wait !== null) {
          throw new APIError("TOO_MANY_REQUESTS", { message: "Too many failed sign-ins for this account. Wait a few minutes and try again." }, { "X-Retry-After": String(wait) });
        }
      }),
      after: createAuthMiddleware(async (ctx) => {
        const email = signInEmailOf(ctx);
        if (!email) return;
        const returned = ctx.context.returned;
        if (isAPIError(returned)) {
          if (returned.statusCode === 401) await recordSignInFailure(email);
        } else {
          await clearSignInFailures(email);
        }
      }),
    },
    plugins: [nextCookies()],
  });
}

type Auth = ReturnType<typeof createAuth>;
const holder = ((globalThis as Record<string, unknown>).__switchboardAuth ??= {}) as { auth?: Auth; url?: string };

export function getAuth(): Auth {
  const key = `${env.DATABASE_URL}|${publicUrl()}`;
  if (!holder.auth || holder.url !== key) {
    holder.auth = createAuth();
    holder.url = key;
  }
  return holder.auth;
}
