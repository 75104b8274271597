/**
 * Customer consent links (R-INT-6): "I want my customer to create the connection". A link carries a 256-bit
 * token; only its SHA-256 is stored. It expires (7 days by default), is single use, and a resend issues a
 * new token and voids the old one. Opening the page (GET) never uses it up — mail scanners open links first
 * — it may only mark it "opened"; the customer's Authorize POST completes it atomically
 * (UPDATE ... WHERE state IN (sent, opened) AND expires_at > now() RETURNING). For OAuth applications that
 * POST binds a provider `state` to the link and the provider's callback completes it (lib/integrations/oauth).
 */
import { and, desc, eq, gt, inArray, sql } from "drizzle-orm";
import { db, type Executor } from "@/db";
import { connections, consentLinks, organizations, partners } from "@/db/schema";
import { writeAudit } from "@/lib/audit";
import { actorOf } from "@/lib/auth/accounts";
import { assertOrganizationScope, type Viewer } from "@/lib/auth/viewer";
import { publicUrl } from "@/lib/env";
import { AppError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { makeMessageId, MailSendError, sendMail } from "@/lib/mail/send";
import { canManageConnection, canViewConnection, appOf, connectionLabel } from "./access";
import { recordAuthorization } from "./authorize";
import { credentialFields, findApplication, splitCredentials, type AppDefinition, type CredentialField } from "./catalog";
import { buildAuthorizeUrl, isProviderConfigured } from "./oauth";
import { CONSENT_TOKEN_PREFIX, hashToken, issueToken, looksLikeToken, OAUTH_STATE_PREFIX } from "./tokens";
import { validateCredentials } from "./credentials";

export const CONSENT_LINK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type ConsentState = "sent" | "opened" | "completed" | "expired" | "revoked";

/** What the console shows: a sent or opened link past its expiry is "expired" (nothing needs to flip it). */
export function displayConsentState(state: ConsentState, expiresAt: Date, now: Date = new Date()): ConsentState {
  if ((state === "sent" || state === "opened") && expiresAt.getTime() <= now.getTime()) return "expired";
  return state;
}

export function consentUrl(token: string): string {
  return `${publicUrl()}/consent/${token}`;
}

export type IssuedConsentLink = { id: string; url: string; expiresAt: Date; sentTo: string | null };

/** Inserts a link for a pending connection inside the caller's transaction. */
export async function insertConsentLink(
  tx: Executor,
  input: { partnerId: string; connectionId: string; organizationId: string; sentTo: string | null; createdByUserId: string | null; ttlMs?: number },
): Promise<IssuedConsentLink> {
  const token = issueToken(CONSENT_TOKEN_PREFIX);
  const expiresAt = new Date(Date.now() + (input.ttlMs ?? CONSENT_LINK_TTL_MS));
  const [row] = await tx
    .insert(consentLinks)
    .values({
      partnerId: input.partnerId,
      connectionId: input.connectionId,
      organizationId: input.organizationId,
      tokenHash: token.hash,
      state: "sent",
      sentTo: input.sentTo,
      expiresAt,
      createdByUserId: input.createdByUserId,
    })
    .returning({ id: consentLinks.id });
  return { id: row.id, url: consentUrl(token.token), expiresAt, sentTo: input.sentTo };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function renderConsentEmail(input: { partnerName: string; organizationName: string; app: AppDefinition; url: string; expiresAt: Date }) {
  const { partnerName, organizationName, app, url, expiresAt } = input;
  const expires = expiresAt.toUTCString();
  const subject = `${partnerName} asks you to connect ${app.name} for ${organizationName}`;
  const how =
    app.authorization.kind === "oauth"
      ? `You will sign in to ${app.authorization.provider === "microsoft" ? "Microsoft" : "Google"} as an administrator and grant read access.`
      : `You will enter the ${app.name} API credentials on the page.`;
  const text = [
    `${partnerName} monitors security for ${organizationName} and asks you to connect ${app.name}.`,
    "",
    "Access requested:",
    ...app.access.map((a) => `- ${a}`),
    "",
    how,
    "",
    `Open this link to review and authorize: ${url}`,
    "",
    `The link works once and expires on ${expires}. If you did not expect this email, ignore it and tell ${partnerName}.`,
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#0f172a;line-height:1.5">
<p><strong>${escapeHtml(partnerName)}</strong> monitors security for <strong>${escapeHtml(organizationName)}</strong> and asks you to connect <strong>${escapeHtml(app.name)}</strong>.</p>
<p>Access requested:</p><ul>${app.access.map((a) => `<li>${escapeHtml(a)}</li>`).join("")}</ul>
<p>${escapeHtml(how)}</p>
<p><a href="${escapeHtml(url)}" style="display:inline-block;background:#2454e0;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">Review and authorize</a></p>
<p style="color:#475569;font-size:13px">The link works once and expires on ${escapeHtml(expires)}. If you did not expect this email, ignore it and tell ${escapeHtml(partnerName)}.</p>
</body></html>`;
  return { subject, text, html };
}

/** Emails a link; a mail failure is reported, not thrown: the link exists and can be copied instead. */
export async function emailConsentLink(link: IssuedConsentLink & { partnerId: string; connectionId: string }): Promise<{ emailed: boolean; emailError?: string }> {
  if (!link.sentTo) return { emailed: false };
  const [ctx] = await db
    .select({ partnerName: partners.name, organizationName: organizations.name, appType: connections.appType })
    .from(connections)
    .innerJoin(partners, eq(partners.id, connections.partnerId))
    .innerJoin(organizations, eq(organizations.id, connections.organizationId))
    .where(eq(connections.id, link.connectionId))
    .limit(1);
  const app = ctx && findApplication(ctx.appType);
  if (!ctx || !app) return { emailed: false, emailError: "The application no longer exists." };
  const mail = renderConsentEmail({ partnerName: ctx.partnerName, organizationName: ctx.organizationName, app, url: link.url, expiresAt: link.expiresAt });
  try {
    await sendMail({ partnerId: link.partnerId, to: link.sentTo, ...mail, messageId: makeMessageId(`consent.${link.id}`) });
    return { emailed: true };
  } catch (err) {
    logger.warn("consent link email failed", { linkId: link.id, error: err instanceof Error ? err.message : String(err) });
    const reason = err instanceof MailSendError ? err.message : "the mail server did not accept it";
    return { emailed: false, emailError: `The link was created but the email could not be sent (${reason}). Copy the link and send it yourself.` };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Console side

export type ConsentLinkRow = {
  id: string;
  connectionId: string;
  appType: string;
  appName: string;
  connectionName: string;
  sentTo: string | null;
  state: ConsentState;
  createdAt: Date;
  expiresAt: Date;
  openedAt: Date | null;
  completedAt: Date | null;
  canManage: boolean;
};

/** The latest link of each connection of an organization (older ones are in the audit log). */
export async function listConsentLinks(viewer: Viewer, organizationId: string): Promise<ConsentLinkRow[]> {
  assertOrganizationScope(viewer, organizationId);
  const rows = await db
    .selectDistinctOn([consentLinks.connectionId], {
      link: consentLinks,
      appType: connections.appType,
      connectionName: connections.name,
      entryPoint: connections.entryPoint,
      connectionOrganizationId: connections.organizationId,
    })
    .from(consentLinks)
    .innerJoin(connections, eq(connections.id, consentLinks.connectionId))
    .where(and(eq(consentLinks.partnerId, viewer.partnerId), eq(consentLinks.organizationId, organizationId)))
    .orderBy(consentLinks.connectionId, desc(consentLinks.createdAt))
    .limit(200);
  const now = new Date();
  return rows
    .filter((r) => canViewConnection(viewer, { entryPoint: r.entryPoint, organizationId: r.connectionOrganizationId }))
    .map((r) => ({
      id: r.link.id,
      connectionId: r.link.connectionId,
      appType: r.appType,
      appName: findApplication(r.appType)?.name ?? r.appType,
      connectionName: r.connectionName,
      sentTo: r.link.sentTo,
      state: displayConsentState(r.link.state, r.link.expiresAt, now),
      createdAt: r.link.createdAt,
      expiresAt: r.link.expiresAt,
      openedAt: r.link.openedAt,
      completedAt: r.link.completedAt,
      canManage: canManageConnection(viewer, { entryPoint: r.entryPoint, organizationId: r.connectionOrganizationId }),
    }))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

async function loadLinkForManage(tx: Executor, viewer: Viewer, linkId: string) {
  const [row] = await tx
    .select({ link: consentLinks, conn: connections })
    .from(consentLinks)
    .innerJoin(connections, eq(connections.id, consentLinks.connectionId))
    .where(and(eq(consentLinks.id, linkId), eq(consentLinks.partnerId, viewer.partnerId)))
    .limit(1)
    .for("update");
  if (!row) throw new NotFoundError("Consent link");
  if (!canViewConnection(viewer, row.conn)) throw new NotFoundError("Consent link");
  if (!canManageConnection(viewer, row.conn)) throw new ForbiddenError("You do not have permission to change this application.");
  return row;
}

/** Issues a new link for the same connection and voids every open one (R-INT-6 resend). */
export async function resendConsentLink(
  viewer: Viewer,
  input: { linkId: string; sentTo?: string; note?: string },
): Promise<IssuedConsentLink & { emailed: boolean; emailError?: string }> {
  const issued = await db.transaction(async (tx) => {
    const { link, conn } = await loadLinkForManage(tx, viewer, input.linkId);
    if (conn.status === "connected") throw new ValidationError("This application is already connected; there is nothing for the customer to authorize.");
    if (conn.status === "disabled") throw new ValidationError("Enable the application before sending a new consent link.");
    await tx
      .update(consentLinks)
      .set({ state: "revoked", oauthStateHash: null })
      .where(and(eq(consentLinks.connectionId, conn.id), inArray(consentLinks.state, ["sent", "opened"])));
    const sentTo = input.sentTo ?? link.sentTo;
    const fresh = await insertConsentLink(tx, {
      partnerId: viewer.partnerId,
      connectionId: conn.id,
      organizationId: link.organizationId,
      sentTo,
      createdByUserId: viewer.userId,
    });
    await writeAudit(tx, actorOf(viewer), {
      action: "consent_link.resent",
      entityType: "consent_link",
      entityId: fresh.id,
      entityLabel: connectionLabel(appOf(conn).name, conn.name),
      changes: { sentTo: { from: link.sentTo ?? undefined, to: sentTo ?? undefined }, previousLink: { from: link.id, to: "revoked" } },
      note: input.note,
    });
    return { ...fresh, partnerId: viewer.partnerId, connectionId: conn.id };
  });
  const mail = await emailConsentLink(issued);
  return { id: issued.id, url: issued.url, expiresAt: issued.expiresAt, sentTo: issued.sentTo, ...mail };
}

export async function revokeConsentLink(viewer: Viewer, input: { linkId: string; note?: string }): Promise<void> {
  await db.transaction(async (tx) => {
    const { link, conn } = await loadLinkForManage(tx, viewer, input.linkId);
    if (link.state !== "sent" && link.state !== "opened") {
      throw new ValidationError(`This link is already ${link.state}; there is nothing to revoke.`);
    }
    await tx.update(consentLinks).set({ state: "revoked", oauthStateHash: null }).where(eq(consentLinks.id, link.id));
    await writeAudit(tx, actorOf(viewer), {
      action: "consent_link.revoked",
      entityType: "consent_link",
      entityId: link.id,
      entityLabel: connectionLabel(appOf(conn).name, conn.name),
      changes: { state: { from: link.state, to: "revoked" } },
      note: input.note,
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Customer side (no login: the token is the credential)

export class ConsentLinkError extends AppError {
  override readonly status = 410;
  constructor(readonly reason: "expired" | "used" | "revoked" | "unknown") {
    super(
      reason === "expired"
        ? "This link has expired."
        : reason === "used"
          ? "This link has already been used."
          : reason === "revoked"
            ? "This link is no longer valid."
            : "This link is not valid.",
    );
  }
}

export type ConsentPage =
  | {
      status: "valid";
      partnerName: string;
      organizationName: string;
      app: { type: string; name: string; vendor: string; access: readonly string[]; setupHint?: string };
      authorization: { kind: "credentials"; fields: CredentialField[] } | { kind: "oauth"; provider: "microsoft" | "google"; configured: boolean };
      expiresAt: Date;
    }
  | { status: "expired" | "used" | "revoked" | "unknown"; partnerName?: string };

async function findLinkByToken(token: string) {
  if (!looksLikeToken(CONSENT_TOKEN_PREFIX, token)) return null;
  const [row] = await db
    .select({
      link: consentLinks,
      appType: connections.appType,
      connectionStatus: connections.status,
      organizationName: organizations.name,
      partnerName: partners.name,
    })
    .from(consentLinks)
    .innerJoin(connections, eq(connections.id, consentLinks.connectionId))
    .innerJoin(organizations, eq(organizations.id, consentLinks.organizationId))
    .innerJoin(partners, eq(partners.id, consentLinks.partnerId))
    .where(eq(consentLinks.tokenHash, hashToken(token)))
    .limit(1);
  return row ?? null;
}

function deadReason(state: ConsentState, expiresAt: Date): "expired" | "used" | "revoked" | null {
  const shown = displayConsentState(state, expiresAt);
  if (shown === "completed") return "used";
  if (shown === "expired") return "expired";
  if (shown === "revoked") return "revoked";
  return null;
}

/**
 * What the consent page shows for a token. GET-safe: the only write is marking a live link "opened";
 * nothing is used up (R-INT-6). Expired, used, revoked and unknown links change nothing.
 */
export async function openConsentLink(token: string): Promise<ConsentPage> {
  const row = await findLinkByToken(token);
  if (!row) return { status: "unknown" };
  const dead = deadReason(row.link.state, row.link.expiresAt);
  if (dead) return { status: dead, partnerName: row.partnerName };
  const app = findApplication(row.appType);
  if (!app) return { status: "unknown" };
  if (row.link.state === "sent") {
    await db
      .update(consentLinks)
      .set({ state: "opened", openedAt: new Date() })
      .where(and(eq(consentLinks.id, row.link.id), eq(consentLinks.state, "sent"), gt(consentLinks.expiresAt, sql`now()`)));
  }
  return {
    status: "valid",
    partnerName: row.partnerName,
    organizationName: row.organizationName,
    app: { type: app.type, name: app.name, vendor: app.vendor, access: app.access, setupHint: app.setupHint },
    authorization:
      app.authorization.kind === "oauth"
        ? { kind: "oauth", provider: app.authorization.provider, configured: isProviderConfigured(app.authorization.provider) }
        : { kind: "credentials", fields: credentialFields(app) },
    expiresAt: row.link.expiresAt,
  };
}

/** The atomic single-use claim: only a live link moves to "completed", and only once. */
async function claimLink(tx: Executor, tokenHash: string) {
  const [claimed] = await tx
    .update(consentLinks)
    .set({ state: "completed", completedAt: new Date(), oauthStateHash: null })
    .where(and(eq(consentLinks.tokenHash, tokenHash), inArray(consentLinks.state, ["sent", "opened"]), gt(consentLinks.expiresAt, sql`now()`)))
    .returning();
  return claimed ?? null;
}

async function refusal(token: string): Promise<ConsentLinkError> {
  const row = await findLinkByToken(token);
  if (!row) return new ConsentLinkError("unknown");
  return new ConsentLinkError(deadReason(row.link.state, row.link.expiresAt) ?? "used");
}

/**
 * The customer's Authorize POST for a credential application: validates the fields first (bad input uses
 * nothing up), then claims the link and connects the application exactly as the MSP would have (R-INT-7).
 */
export async function completeConsentWithCredentials(token: string, credentials: Record<string, string>): Promise<{ appName: string; organizationName: string }> {
  const row = await findLinkByToken(token);
  if (!row) throw new ConsentLinkError("unknown");
  const dead = deadReason(row.link.state, row.link.expiresAt);
  if (dead) throw new ConsentLinkError(dead);
  const app = findApplication(row.appType);
  if (!app) throw new ConsentLinkError("unknown");
  if (app.authorization.kind !== "credentials") throw new ValidationError(`${app.name} is authorized by signing in with the provider, not with credentials.`);
  const values = validateCredentials(app, credentials);
  await db.transaction(async (tx) => {
    const claimed = await claimLink(tx, hashToken(token));
    if (!claimed) throw await refusal(token);
    const [conn] = await tx.select().from(connections).where(eq(connections.id, claimed.connectionId)).for("update");
    const split = splitCredentials(app, values);
    await recordAuthorization(tx, conn, {
      settings: split.settings,
      secrets: split.secrets,
      authMode: "consent_link",
      actor: { partnerId: conn.partnerId, userId: null, label: `customer via consent link${claimed.sentTo ? ` (${claimed.sentTo})` : ""}` },
      via: "customer (credentials entered on a consent link)",
    });
  });
  return { appName: app.name, organizationName: row.organizationName };
}

/**
 * The customer's Authorize POST for an OAuth application: binds a fresh provider `state` to the live link
 * (atomically; a second press replaces the first state, so only the latest provider round trip can finish)
 * and returns the provider URL. The provider's callback completes the link.
 */
export async function beginConsentAuthorization(token: string): Promise<{ authorizeUrl: string }> {
  const row = await findLinkByToken(token);
  if (!row) throw new ConsentLinkError("unknown");
  const app = findApplication(row.appType);
  if (!app) throw new ConsentLinkError("unknown");
  if (app.authorization.kind !== "oauth") throw new ValidationError(`Enter the ${app.name} credentials to authorize it.`);
  const state = issueToken(OAUTH_STATE_PREFIX);
  const authorizeUrl = buildAuthorizeUrl(app, state.token);
  const [bound] = await db
    .update(consentLinks)
    .set({ oauthStateHash: state.hash, openedAt: row.link.openedAt ?? new Date(), state: "opened" })
    .where(and(eq(consentLinks.tokenHash, hashToken(token)), inArray(consentLinks.state, ["sent", "opened"]), gt(consentLinks.expiresAt, sql`now()`)))
    .returning({ id: consentLinks.id });
  if (!bound) throw await refusal(token);
  return { authorizeUrl };
}
