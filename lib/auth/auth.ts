/**
 * Sessions and passwords through better-auth (a maintained auth library) on our PostgreSQL via the
 * Drizzle adapter: database sessions (revocable), scrypt password hashes, rate-limited sign-in.
 * Public sign-up is disabled: partners are created by first-run setup or the CLI, users by admins.
 */
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { nextCookies } from "better-auth/next-js";
import { db } from "@/db";
import * as schema from "@/db/schema";
import { env, publicUrl } from "@/lib/env";
import { readOrCreateLocalSecret } from "@/lib/local-state";

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
        "/sign-in/email": { window: 60, max: 5 },
        "/change-password": { window: 60, max: 5 },
      },
    },
    advanced: {
      useSecureCookies: publicUrl().startsWith("https://"),
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax" },
      ipAddress: { ipAddressHeaders: ["x-forwarded-for", "x-real-ip"] },
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
