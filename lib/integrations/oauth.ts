/**
 * OAuth admin consent for Microsoft (tenant-wide admin consent) and Google Workspace (authorization code
 * with a super admin), whoever completes it: the MSP user ("I have the customer's admin credentials") or
 * the customer from a consent link. The `state` sent to the provider is a fresh 256-bit token bound to the
 * connection (MSP flow) or to the consent link (customer flow); only its hash is stored, and the callback
 * accepts it once, before it expires. Authorities and client ids are configuration (lib/env.ts), so tests
 * run a local authorization server on loopback (tests/support/oauth-server.ts).
 */
import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { db } from "@/db";
import { connections, consentLinks } from "@/db/schema";
import type { Actor } from "@/lib/audit";
import { actorOf } from "@/lib/auth/accounts";
import type { Viewer } from "@/lib/auth/viewer";
import { env, publicUrl } from "@/lib/env";
import { AppError, ValidationError } from "@/lib/errors";
import { outboundFetch, OutboundError } from "@/lib/http/outbound";
import { logger } from "@/lib/logger";
import { appOf, loadConnection, type ConnectionRow } from "./access";
import { recordAuthorization } from "./authorize";
import { findApplication, providerLabel, type AppDefinition, type OAuthProvider } from "./catalog";
import { hashToken, issueToken, looksLikeToken, OAUTH_STATE_PREFIX } from "./tokens";

/** How long an MSP user has to finish the provider's consent screen. */
export const OAUTH_STATE_TTL_MS = 30 * 60_000;

export const OAUTH_PROVIDERS: readonly OAuthProvider[] = ["microsoft", "google"];

export function isOAuthProvider(v: string): v is OAuthProvider {
  return (OAUTH_PROVIDERS as readonly string[]).includes(v);
}

export function isProviderConfigured(provider: OAuthProvider): boolean {
  return provider === "microsoft" ? Boolean(env.MICROSOFT_CLIENT_ID) : Boolean(env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET);
}

export function providerNotConfiguredMessage(provider: OAuthProvider): string {
  return provider === "microsoft"
    ? "Microsoft admin consent is not configured on this Switchboard server: set MICROSOFT_CLIENT_ID (and MICROSOFT_CLIENT_SECRET) to the app registration's values."
    : "Google consent is not configured on this Switchboard server: set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET to the OAuth client's values.";
}

export function oauthRedirectUri(provider: OAuthProvider): string {
  return `${publicUrl()}/api/oauth/callback/${provider}`;
}

function trimSlash(u: string): string {
  return u.replace(/\/+$/, "");
}

/** The provider URL the browser is sent to, carrying `state`. */
export function buildAuthorizeUrl(app: AppDefinition, state: string): string {
  if (app.authorization.kind !== "oauth") throw new ValidationError(`${app.name} is authorized with credentials, not OAuth.`);
  const provider = app.authorization.provider;
  if (!isProviderConfigured(provider)) throw new ValidationError(providerNotConfiguredMessage(provider));
  if (provider === "microsoft") {
    const url = new URL(`${trimSlash(env.MICROSOFT_AUTHORITY)}/common/adminconsent`);
    url.searchParams.set("client_id", env.MICROSOFT_CLIENT_ID!);
    url.searchParams.set("redirect_uri", oauthRedirectUri("microsoft"));
    url.searchParams.set("state", state);
    return url.toString();
  }
  const url = new URL(`${trimSlash(env.GOOGLE_AUTHORITY)}/o/oauth2/v2/auth`);
  url.searchParams.set("client_id", env.GOOGLE_CLIENT_ID!);
  url.searchParams.set("redirect_uri", oauthRedirectUri("google"));
  url.searchParams.set("response_type", "code");
  url.searchParams.set("scope", app.authorization.scopes.join(" "));
  url.searchParams.set("access_type", "offline");
  url.searchParams.set("prompt", "consent");
  url.searchParams.set("include_granted_scopes", "true");
  url.searchParams.set("state", state);
  return url.toString();
}

/** Binds a fresh state to a connection for the MSP's own consent, and returns where to send the browser. */
export async function startMspAuthorization(viewer: Viewer, input: { connectionId: string }): Promise<{ authorizeUrl: string }> {
  const conn = await loadConnection(db, viewer, input.connectionId, { manage: true });
  const app = appOf(conn);
  if (conn.status === "disabled") throw new ValidationError("Enable the connection before authorizing it.");
  const state = issueToken(OAUTH_STATE_PREFIX);
  const authorizeUrl = buildAuthorizeUrl(app, state.token);
  await db
    .update(connections)
    .set({ oauthStateHash: state.hash, oauthStateExpiresAt: new Date(Date.now() + OAUTH_STATE_TTL_MS) })
    .where(and(eq(connections.id, conn.id), eq(connections.partnerId, viewer.partnerId)));
  return { authorizeUrl };
}

// ---------------------------------------------------------------------------------------------------------
// Callback

export type OAuthCallbackErrorCode = "unknown_provider" | "invalid_state" | "expired" | "provider_error" | "invalid_response";

export class OAuthCallbackError extends AppError {
  override readonly status: number;
  constructor(
    readonly code: OAuthCallbackErrorCode,
    message: string,
  ) {
    super(message);
    this.status = code === "unknown_provider" ? 404 : code === "provider_error" ? 502 : 400;
  }
}

export type OAuthCallbackResult = {
  flow: "consent" | "msp";
  outcome: "connected" | "denied";
  /** Shown to the person who came back from the provider. */
  message: string;
  appType: string;
  appName: string;
  connectionId: string;
  organizationId: string;
  entryPoint: "settings" | "organization";
};

type Pending =
  | { flow: "consent"; conn: ConnectionRow; linkId: string; sentTo: string | null }
  | { flow: "msp"; conn: ConnectionRow };

async function findPending(stateHash: string): Promise<Pending> {
  const [link] = await db
    .select({ link: consentLinks, conn: connections })
    .from(consentLinks)
    .innerJoin(connections, eq(connections.id, consentLinks.connectionId))
    .where(eq(consentLinks.oauthStateHash, stateHash))
    .limit(1);
  if (link) {
    const live = (link.link.state === "sent" || link.link.state === "opened") && link.link.expiresAt.getTime() > Date.now();
    if (!live) throw new OAuthCallbackError("expired", "This consent link has expired or has already been used. Ask your MSP for a new link.");
    return { flow: "consent", conn: link.conn, linkId: link.link.id, sentTo: link.link.sentTo };
  }
  const [conn] = await db.select().from(connections).where(eq(connections.oauthStateHash, stateHash)).limit(1);
  if (conn) {
    if (!conn.oauthStateExpiresAt || conn.oauthStateExpiresAt.getTime() <= Date.now()) {
      throw new OAuthCallbackError("expired", "This authorization request has expired. Start the connection again.");
    }
    return { flow: "msp", conn };
  }
  throw new OAuthCallbackError("invalid_state", "This authorization response does not match a request from Switchboard, or it was already used.");
}

const TENANT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

function decodeJwtPayload(jwt: string): Record<string, unknown> | null {
  const parts = jwt.split(".");
  if (parts.length < 2) return null;
  try {
    return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * Exchanges Google's code at the token endpoint (through the guarded outbound client). The ID token comes
 * straight from the token endpoint over TLS, so its claims are read without a signature check (OIDC Core
 * 3.1.3.7). Tokens are returned to be encrypted, never stored or logged in plaintext.
 */
async function exchangeGoogleCode(code: string): Promise<{ settings: Record<string, string>; secrets: Record<string, string> }> {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    client_id: env.GOOGLE_CLIENT_ID ?? "",
    client_secret: env.GOOGLE_CLIENT_SECRET ?? "",
    redirect_uri: oauthRedirectUri("google"),
  });
  let res;
  try {
    res = await outboundFetch(env.GOOGLE_TOKEN_URL, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: body.toString(),
      timeoutMs: 15_000,
      maxBytes: 256 * 1024,
    });
  } catch (err) {
    logger.warn("google token exchange failed", { error: err instanceof OutboundError ? `${err.kind}: ${err.message}` : String(err) });
    throw new OAuthCallbackError("provider_error", "Google could not be reached to finish the authorization. Try again.");
  }
  if (!res.ok) {
    logger.warn("google token exchange refused", { status: res.status });
    throw new OAuthCallbackError("provider_error", `Google refused the authorization (HTTP ${res.status}). Try again.`);
  }
  let json: Record<string, unknown>;
  try {
    json = res.json<Record<string, unknown>>();
  } catch {
    throw new OAuthCallbackError("invalid_response", "Google answered with something that is not a token response.");
  }
  if (typeof json.access_token !== "string" || !json.access_token) {
    throw new OAuthCallbackError("invalid_response", "Google's answer carried no access token.");
  }
  const claims = typeof json.id_token === "string" ? decodeJwtPayload(json.id_token) : null;
  const email = typeof claims?.email === "string" ? claims.email : undefined;
  const domain = typeof claims?.hd === "string" ? claims.hd : email?.split("@")[1];
  if (!domain) throw new OAuthCallbackError("invalid_response", "Google did not say which Workspace domain granted access.");
  const secrets: Record<string, string> = { accessToken: json.access_token };
  if (typeof json.refresh_token === "string") secrets.refreshToken = json.refresh_token;
  if (typeof json.expires_in === "number") secrets.accessTokenExpiresAt = new Date(Date.now() + json.expires_in * 1000).toISOString();
  const settings: Record<string, string> = { googleDomain: domain.toLowerCase() };
  if (typeof json.scope === "string") settings.grantedScopes = json.scope.slice(0, 1000);
  if (email) settings.grantedBy = email.toLowerCase();
  return { settings, secrets };
}

/**
 * Handles the provider's redirect back. Verifies `state` (unknown, used, expired or mismatched ⇒ refused,
 * nothing changed), records the tenant (Microsoft `tenant` + `admin_consent=True`) or the Google domain and
 * encrypted tokens, and marks the application connected. `mspActor` is the signed-in user, when there is one.
 */
export async function completeOAuthCallback(
  providerParam: string,
  params: URLSearchParams,
  mspActor?: Viewer | null,
): Promise<OAuthCallbackResult> {
  if (!isOAuthProvider(providerParam)) throw new OAuthCallbackError("unknown_provider", "Unknown authorization provider.");
  const provider = providerParam;
  const state = params.get("state");
  if (!looksLikeToken(OAUTH_STATE_PREFIX, state)) {
    throw new OAuthCallbackError("invalid_state", "This authorization response does not match a request from Switchboard.");
  }
  const stateHash = hashToken(state);
  const pending = await findPending(stateHash);
  const app = findApplication(pending.conn.appType);
  if (!app || app.authorization.kind !== "oauth" || app.authorization.provider !== provider) {
    throw new OAuthCallbackError("invalid_state", "This authorization response does not match a request from Switchboard.");
  }
  const base = {
    flow: pending.flow,
    appType: app.type,
    appName: app.name,
    connectionId: pending.conn.id,
    organizationId: pending.conn.organizationId,
    entryPoint: pending.conn.entryPoint,
  } as const;

  const providerError = params.get("error");
  if (providerError) {
    // Consent not granted: forget this state (the link itself stays usable for another try).
    if (pending.flow === "consent") {
      await db.update(consentLinks).set({ oauthStateHash: null }).where(eq(consentLinks.id, pending.linkId));
    } else {
      await db.update(connections).set({ oauthStateHash: null, oauthStateExpiresAt: null }).where(eq(connections.id, pending.conn.id));
    }
    const reason = providerError === "access_denied" ? "consent was declined" : `the provider answered "${providerError.slice(0, 60)}"`;
    return { ...base, outcome: "denied", message: `${app.name} was not connected: ${reason}.` };
  }

  let granted: { settings: Record<string, string>; secrets?: Record<string, string> };
  if (provider === "microsoft") {
    const tenant = params.get("tenant") ?? "";
    if (!/^true$/i.test(params.get("admin_consent") ?? "") || !TENANT.test(tenant)) {
      throw new OAuthCallbackError("invalid_response", "Microsoft did not confirm admin consent for a tenant.");
    }
    granted = { settings: { tenantId: tenant.toLowerCase() } };
  } else {
    const code = params.get("code");
    if (!code || code.length > 2000) throw new OAuthCallbackError("invalid_response", "Google did not return an authorization code.");
    granted = await exchangeGoogleCode(code);
  }

  await db.transaction(async (tx) => {
    let actor: Actor;
    let authMode: "oauth" | "consent_link";
    let via: string;
    if (pending.flow === "consent") {
      // Single use, atomically: only a live link still bound to this state completes.
      const [used] = await tx
        .update(consentLinks)
        .set({ state: "completed", completedAt: new Date(), oauthStateHash: null })
        .where(
          and(
            eq(consentLinks.id, pending.linkId),
            eq(consentLinks.oauthStateHash, stateHash),
            inArray(consentLinks.state, ["sent", "opened"]),
            gt(consentLinks.expiresAt, sql`now()`),
          ),
        )
        .returning({ id: consentLinks.id });
      if (!used) throw new OAuthCallbackError("expired", "This consent link has expired or has already been used. Ask your MSP for a new link.");
      actor = { partnerId: pending.conn.partnerId, userId: null, label: `customer via consent link${pending.sentTo ? ` (${pending.sentTo})` : ""}` };
      authMode = "consent_link";
      via = `customer (${providerLabel(provider)} admin consent from a consent link)`;
    } else {
      const [claimed] = await tx
        .update(connections)
        .set({ oauthStateHash: null, oauthStateExpiresAt: null })
        .where(and(eq(connections.id, pending.conn.id), eq(connections.oauthStateHash, stateHash), gt(connections.oauthStateExpiresAt, sql`now()`)))
        .returning({ id: connections.id });
      if (!claimed) throw new OAuthCallbackError("expired", "This authorization request has expired or was already used. Start the connection again.");
      actor =
        mspActor && mspActor.partnerId === pending.conn.partnerId
          ? actorOf(mspActor)
          : { partnerId: pending.conn.partnerId, userId: null, label: `${providerLabel(provider)} admin consent` };
      authMode = "oauth";
      via = `MSP (${providerLabel(provider)} admin consent)`;
    }
    const [fresh] = await tx.select().from(connections).where(eq(connections.id, pending.conn.id)).for("update");
    await recordAuthorization(tx, fresh, { ...granted, authMode, actor, via });
  });
  return { ...base, outcome: "connected", message: `${app.name} is connected.` };
}

