/**
 * Connections (seed 002): one model behind both entry points (R-INT-1). Settings > Integrations creates
 * partner-level integrations (select organization → type → credentials → Next → mapping); an organization's
 * Applications tab creates applications for that organization (category → application → who authorizes).
 * Either way the result is a connection routed to its selected organization, with the same telemetry
 * processing afterwards (R-INT-7). Every write is one transaction with its audit row (R-SEC-4); credentials
 * are encrypted and never returned (R-SEC-2).
 */
import { randomUUID } from "node:crypto";
import { and, asc, count, desc, eq, inArray, isNotNull, sql } from "drizzle-orm";
import { db, type Executor } from "@/db";
import { connectionMappings, connections, consentLinks, organizationApplications, organizations, telemetryEvents } from "@/db/schema";
import { diffChanges, REDACTED, writeAudit, type Changes } from "@/lib/audit";
import { actorOf } from "@/lib/auth/accounts";
import { assertRole, type Viewer } from "@/lib/auth/viewer";
import { decryptCredentials, encryptCredentials } from "@/lib/crypto/secrets";
import { ConflictError, ForbiddenError, isUniqueViolation, ValidationError } from "@/lib/errors";
import { getOrganization } from "@/lib/orgs/organizations";
import { appOf, canManageConnection, connectionHref, connectionHrefFor, loadConnection, organizationsInScope, type ConnectionRow, connectionLabel } from "./access";
import { credentialFields, findApplication, splitCredentials, type AppDefinition, type EntryPoint } from "./catalog";
import { emailConsentLink, insertConsentLink } from "./consent";
import { validateCredentials } from "./credentials";
import { instanceKeyFor } from "./instance";
import { buildAuthorizeUrl, isProviderConfigured, OAUTH_STATE_TTL_MS, providerNotConfiguredMessage } from "./oauth";
import {
  DUPLICATE_INSTANCE_MESSAGE,
  EXISTING_CONNECTION_MESSAGE,
  findDuplicateInstances,
  findExistingApplications,
  syncOrganizationApplications,
  type DuplicateInstance,
  type ExistingApplication,
} from "./org-apps";
import { INGEST_TOKEN_PREFIX, issueToken, OAUTH_STATE_PREFIX } from "./tokens";

export type ConnectionStatus = "pending" | "connected" | "disabled";
export type AuthMode = "credentials" | "oauth" | "consent_link";

function requireApp(appType: string, entryPoint: EntryPoint): AppDefinition {
  const app = findApplication(appType);
  if (!app) throw new ValidationError("Choose an application from the list.", { appType: ["Choose an application from the list."] });
  if (!app.entryPoints.includes(entryPoint)) {
    const where = entryPoint === "settings" ? "Settings > Integrations" : "an organization's Applications tab";
    const msg = `${app.name} cannot be added from ${where}.`;
    throw new ValidationError(msg, { appType: [msg] });
  }
  return app;
}

function assertMayCreate(viewer: Viewer, entryPoint: EntryPoint): void {
  if (entryPoint === "settings") {
    if (viewer.role !== "admin") throw new ForbiddenError("Only admins can create integrations in Settings > Integrations.");
  } else if (viewer.role === "support") {
    throw new ForbiddenError("Support users cannot add applications.");
  }
}

function existingConflict(existing: ExistingApplication): ConflictError {
  return new ConflictError(
    `${EXISTING_CONNECTION_MESSAGE}: ${existing.organizationName} already has ${existing.connectionName}. Each organization can have one connection per application type.`,
    "appType",
  );
}

function mapUniqueViolation(err: unknown): never {
  if (isUniqueViolation(err, "organization_applications_org_app_uq")) {
    throw new ConflictError(`${EXISTING_CONNECTION_MESSAGE}. Each organization can have one connection per application type.`, "appType");
  }
  throw err;
}

// ---------------------------------------------------------------------------------------------------------
// The "Next" check (R-INT-2, R-INT-4 warnings before the user commits)

export type NewConnectionCheck = { existing: ExistingApplication | null; duplicates: DuplicateInstance[] };

export async function checkNewConnection(
  viewer: Viewer,
  input: { organizationId: string; appType: string; credentials?: Record<string, string>; entryPoint: EntryPoint },
): Promise<NewConnectionCheck> {
  assertMayCreate(viewer, input.entryPoint);
  const app = requireApp(input.appType, input.entryPoint);
  await organizationsInScope(db, viewer, [input.organizationId]);
  let instanceKey: string | null = null;
  if (app.authorization.kind === "credentials" && input.credentials) {
    instanceKey = instanceKeyFor(app, validateCredentials(app, input.credentials));
  }
  const [existing] = await findExistingApplications(db, viewer, [input.organizationId], app.type);
  const duplicates = await findDuplicateInstances(db, viewer, app.type, instanceKey);
  return { existing: existing ?? null, duplicates };
}

/** Applications an organization already has (by type) — the pickers grey them out with a link. */
export async function listExistingApplications(viewer: Viewer, organizationId: string): Promise<ExistingApplication[]> {
  await organizationsInScope(db, viewer, [organizationId]);
  return findExistingApplications(db, viewer, [organizationId]);
}

// ---------------------------------------------------------------------------------------------------------
// Create

type InsertInput = {
  viewer: Viewer;
  app: AppDefinition;
  entryPoint: EntryPoint;
  organizationId: string;
  organizationName: string;
  name?: string;
  /** Validated credential values, or null when authorization is still to come (OAuth, consent link). */
  values: Record<string, string> | null;
  authMode: AuthMode;
  acknowledgeDuplicate: boolean;
  mappings?: { externalSourceId: string; externalSourceName?: string; organizationId: string }[];
  note?: string;
  oauthStateHash?: string;
};

async function insertConnection(tx: Executor, input: InsertInput): Promise<{ row: ConnectionRow; ingestToken: string }> {
  const { viewer, app } = input;
  const [existing] = await findExistingApplications(tx, viewer, [input.organizationId], app.type);
  if (existing) throw existingConflict(existing);
  const id = randomUUID();
  const split = input.values ? splitCredentials(app, input.values) : { settings: {}, secrets: {} };
  const instanceKey = input.values ? instanceKeyFor(app, input.values) : null;
  if (instanceKey && !input.acknowledgeDuplicate) {
    const dups = await findDuplicateInstances(tx, viewer, app.type, instanceKey);
    if (dups.length) {
      const msg = `${DUPLICATE_INSTANCE_MESSAGE} Already connected to: ${dups.map((d) => d.organizationName).join(", ")}.`;
      throw new ValidationError(msg, { acknowledgeDuplicate: [msg] });
    }
  }
  const hasSecrets = Object.keys(split.secrets).length > 0;
  const token = issueToken(INGEST_TOKEN_PREFIX);
  const now = new Date();
  const [row] = await tx
    .insert(connections)
    .values({
      id,
      partnerId: viewer.partnerId,
      appType: app.type,
      entryPoint: input.entryPoint,
      organizationId: input.organizationId,
      name: input.name ?? app.name,
      instanceKey,
      credentialsCiphertext: hasSecrets ? encryptCredentials(split.secrets, { partnerId: viewer.partnerId, rowId: id }) : null,
      credentialsSetAt: hasSecrets ? now : null,
      settings: split.settings,
      authMode: input.authMode,
      status: input.values ? "connected" : "pending",
      ingestTokenHash: token.hash,
      ingestTokenPrefix: token.prefix,
      oauthStateHash: input.oauthStateHash ?? null,
      oauthStateExpiresAt: input.oauthStateHash ? new Date(now.getTime() + OAUTH_STATE_TTL_MS) : null,
      createdByUserId: viewer.userId,
    })
    .returning();
  const mappings = input.mappings ?? [];
  if (mappings.length) {
    await organizationsInScope(tx, viewer, mappings.map((m) => m.organizationId));
    await tx.insert(connectionMappings).values(
      mappings.map((m) => ({
        connectionId: id,
        externalSourceId: m.externalSourceId,
        externalSourceName: m.externalSourceName ?? null,
        organizationId: m.organizationId,
      })),
    );
  }
  await syncOrganizationApplications(tx, row);
  const changes: Changes = diffChanges(null, {
    application: app.name,
    name: row.name,
    organization: input.organizationName,
    createdFrom: input.entryPoint === "settings" ? "Settings > Integrations" : "Applications tab",
    authorization: input.authMode,
    status: row.status,
    ...split.settings,
  });
  if (hasSecrets) changes.credentials = { to: REDACTED };
  if (mappings.length) changes.mappedSources = { to: mappings.length };
  if (instanceKey && input.acknowledgeDuplicate) changes.duplicateInstanceAcknowledged = { to: true };
  await writeAudit(tx, actorOf(viewer), {
    action: input.entryPoint === "settings" ? "integration.created" : "application.created",
    entityType: "connection",
    entityId: id,
    entityLabel: connectionLabel(app.name, row.name),
    changes,
    note: input.note,
  });
  return { row, ingestToken: token.token };
}

export type CreatedConnection = {
  connectionId: string;
  href: string;
  /** Shown once: the Bearer token for POST /api/v1/telemetry/{connectionId}. */
  ingestToken: string;
  status: ConnectionStatus;
  /** OAuth applications the MSP authorizes: where to send the browser next. */
  authorizeUrl?: string;
  consent?: { url: string; expiresAt: Date; sentTo: string | null; emailed: boolean; emailError?: string };
};

/** Settings > Integrations > + New Integration (R-INT-1, R-INT-3, R-INT-5). */
export async function createIntegration(
  viewer: Viewer,
  input: {
    organizationId: string;
    appType: string;
    name?: string;
    credentials: Record<string, string>;
    mappings: { externalSourceId: string; externalSourceName?: string; organizationId: string }[];
    acknowledgeDuplicate: boolean;
    note?: string;
  },
): Promise<CreatedConnection> {
  assertMayCreate(viewer, "settings");
  const app = requireApp(input.appType, "settings");
  const names = await organizationsInScope(db, viewer, [input.organizationId]);
  const values = app.authorization.kind === "credentials" ? validateCredentials(app, input.credentials) : null;
  let state: ReturnType<typeof issueToken> | undefined;
  let authorizeUrl: string | undefined;
  if (app.authorization.kind === "oauth") {
    state = issueToken(OAUTH_STATE_PREFIX);
    authorizeUrl = buildAuthorizeUrl(app, state.token);
  }
  try {
    const created = await db.transaction((tx) =>
      insertConnection(tx, {
        viewer,
        app,
        entryPoint: "settings",
        organizationId: input.organizationId,
        organizationName: names.get(input.organizationId)!,
        name: input.name,
        values,
        authMode: app.authorization.kind === "oauth" ? "oauth" : "credentials",
        acknowledgeDuplicate: input.acknowledgeDuplicate,
        mappings: input.mappings,
        note: input.note,
        oauthStateHash: state?.hash,
      }),
    );
    return {
      connectionId: created.row.id,
      href: connectionHref(created.row),
      ingestToken: created.ingestToken,
      status: created.row.status,
      authorizeUrl,
    };
  } catch (err) {
    mapUniqueViolation(err);
  }
}

/** Organizations > edit > Applications > + New Application (R-INT-1, R-INT-6). */
export async function createApplication(
  viewer: Viewer,
  input: {
    organizationId: string;
    appType: string;
    authorizer: "msp" | "customer";
    name?: string;
    credentials: Record<string, string>;
    customerEmail?: string;
    acknowledgeDuplicate: boolean;
    note?: string;
  },
): Promise<CreatedConnection> {
  assertMayCreate(viewer, "organization");
  const app = requireApp(input.appType, "organization");
  const org = await getOrganization(viewer, input.organizationId);
  let values: Record<string, string> | null = null;
  let state: ReturnType<typeof issueToken> | undefined;
  let authorizeUrl: string | undefined;
  if (input.authorizer === "msp") {
    if (app.authorization.kind === "credentials") {
      values = validateCredentials(app, input.credentials);
    } else {
      if (!isProviderConfigured(app.authorization.provider)) throw new ValidationError(providerNotConfiguredMessage(app.authorization.provider));
      state = issueToken(OAUTH_STATE_PREFIX);
      authorizeUrl = buildAuthorizeUrl(app, state.token);
    }
  } else if (app.authorization.kind === "oauth" && !isProviderConfigured(app.authorization.provider)) {
    throw new ValidationError(providerNotConfiguredMessage(app.authorization.provider));
  }
  try {
    const created = await db.transaction(async (tx) => {
      const inserted = await insertConnection(tx, {
        viewer,
        app,
        entryPoint: "organization",
        organizationId: org.id,
        organizationName: org.name,
        name: input.name,
        values,
        authMode: input.authorizer === "customer" ? "consent_link" : app.authorization.kind === "oauth" ? "oauth" : "credentials",
        acknowledgeDuplicate: input.acknowledgeDuplicate,
        note: input.note,
        oauthStateHash: state?.hash,
      });
      let link;
      if (input.authorizer === "customer") {
        link = await insertConsentLink(tx, {
          partnerId: viewer.partnerId,
          connectionId: inserted.row.id,
          organizationId: org.id,
          sentTo: input.customerEmail?.trim().toLowerCase() || null,
          createdByUserId: viewer.userId,
        });
        await writeAudit(tx, actorOf(viewer), {
          action: "consent_link.created",
          entityType: "consent_link",
          entityId: link.id,
          entityLabel: connectionLabel(app.name, inserted.row.name),
          changes: { sentTo: { to: link.sentTo ?? "(copied, not emailed)" }, expiresAt: { to: link.expiresAt.toISOString() } },
          note: input.note,
        });
      }
      return { ...inserted, link };
    });
    const result: CreatedConnection = {
      connectionId: created.row.id,
      href: connectionHref(created.row),
      ingestToken: created.ingestToken,
      status: created.row.status,
      authorizeUrl,
    };
    if (created.link) {
      const mail = await emailConsentLink({ ...created.link, partnerId: viewer.partnerId, connectionId: created.row.id });
      result.consent = { url: created.link.url, expiresAt: created.link.expiresAt, sentTo: created.link.sentTo, ...mail };
    }
    return result;
  } catch (err) {
    mapUniqueViolation(err);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Read

export const INTEGRATIONS_PAGE_SIZE = 25;

const events24h = (connectionId: typeof connections.id) =>
  sql<number>`(select count(*)::int from ${telemetryEvents} te where te.connection_id = ${connectionId} and te.received_at > now() - interval '24 hours')`;

/** Settings > Integrations: the partner-level integrations (created from Settings), admin only. */
export async function listSettingsIntegrations(viewer: Viewer, opts: { page?: number } = {}) {
  assertRole(viewer, ["admin"]);
  const page = Math.max(1, Math.min(opts.page ?? 1, 100_000));
  const where = and(eq(connections.partnerId, viewer.partnerId), eq(connections.entryPoint, "settings"));
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: connections.id,
        appType: connections.appType,
        name: connections.name,
        status: connections.status,
        organizationId: connections.organizationId,
        organizationName: organizations.name,
        lastTelemetryAt: connections.lastTelemetryAt,
        createdAt: connections.createdAt,
        mappedSources: sql<number>`(select count(*)::int from ${connectionMappings} cm where cm.connection_id = ${connections.id} and cm.organization_id is not null)`,
        unmappedSources: sql<number>`(select count(*)::int from ${connectionMappings} cm where cm.connection_id = ${connections.id} and cm.organization_id is null)`,
        events24h: events24h(connections.id),
      })
      .from(connections)
      .innerJoin(organizations, eq(organizations.id, connections.organizationId))
      .where(where)
      .orderBy(desc(connections.createdAt), asc(connections.id))
      .limit(INTEGRATIONS_PAGE_SIZE)
      .offset((page - 1) * INTEGRATIONS_PAGE_SIZE),
    db.select({ n: count() }).from(connections).where(where),
  ]);
  return {
    rows: rows.map((r) => ({ ...r, appName: findApplication(r.appType)?.name ?? r.appType, href: `/settings/integrations/${r.id}` })),
    total: total?.n ?? 0,
    page,
    pageSize: INTEGRATIONS_PAGE_SIZE,
  };
}

export type OrganizationApplicationRow = {
  connectionId: string;
  appType: string;
  appName: string;
  category: string;
  /** What the source calls the units it maps (site, tenant ...). */
  sourceNoun: string;
  name: string;
  entryPoint: EntryPoint;
  status: ConnectionStatus;
  authMode: AuthMode;
  /** The connection's selected organization (unmapped telemetry goes there). */
  routesToOrganizationId: string;
  routesToOrganizationName: string;
  /** true: this organization is where the connection was created / routes unmapped data; false: mapped here. */
  isSelectedOrganization: boolean;
  lastTelemetryAt: Date | null;
  events24h: number;
  href: string | null;
  canManage: boolean;
};

/** Organizations > edit > Applications: the organization's applications, created here or mapped from Settings. */
export async function listOrganizationApplications(viewer: Viewer, organizationId: string): Promise<OrganizationApplicationRow[]> {
  await getOrganization(viewer, organizationId);
  const rows = await db
    .select({
      connectionId: connections.id,
      appType: connections.appType,
      name: connections.name,
      entryPoint: connections.entryPoint,
      status: connections.status,
      authMode: connections.authMode,
      organizationId: connections.organizationId,
      organizationName: organizations.name,
      lastTelemetryAt: connections.lastTelemetryAt,
      events24h: sql<number>`(select count(*)::int from ${telemetryEvents} te where te.connection_id = ${connections.id} and te.organization_id = ${organizationId} and te.received_at > now() - interval '24 hours')`,
    })
    .from(organizationApplications)
    .innerJoin(connections, eq(connections.id, organizationApplications.connectionId))
    .innerJoin(organizations, eq(organizations.id, connections.organizationId))
    .where(and(eq(organizationApplications.partnerId, viewer.partnerId), eq(organizationApplications.organizationId, organizationId)))
    .orderBy(asc(connections.name), asc(connections.id));
  return rows.map((r) => {
    const app = findApplication(r.appType);
    const c = { id: r.connectionId, entryPoint: r.entryPoint, organizationId: r.organizationId };
    return {
      connectionId: r.connectionId,
      appType: r.appType,
      appName: app?.name ?? r.appType,
      category: app?.category ?? "msp_tools",
      sourceNoun: app?.sourceNoun ?? "source",
      name: r.name,
      entryPoint: r.entryPoint,
      status: r.status,
      authMode: r.authMode,
      routesToOrganizationId: r.organizationId,
      routesToOrganizationName: r.organizationName,
      isSelectedOrganization: r.organizationId === organizationId,
      lastTelemetryAt: r.lastTelemetryAt,
      events24h: r.events24h,
      href: connectionHrefFor(viewer, c),
      canManage: canManageConnection(viewer, c),
    };
  });
}

export type ConnectionDetail = {
  id: string;
  app: { type: string; name: string; category: string; authorization: AppDefinition["authorization"]; sourceNoun: string };
  name: string;
  entryPoint: EntryPoint;
  status: ConnectionStatus;
  authMode: AuthMode;
  organizationId: string;
  organizationName: string;
  /** Non-secret credential fields with their values; secret ones only say whether/when they were set. */
  fields: { key: string; label: string; secret: boolean; kind: string; hint?: string; placeholder?: string; value: string | null }[];
  /** Values recorded at authorization (tenant id, Google domain, granted scopes). */
  grantedSettings: { key: string; label: string; value: string }[];
  credentialsSetAt: Date | null;
  ingestTokenPrefix: string | null;
  lastTelemetryAt: Date | null;
  createdAt: Date;
  duplicates: DuplicateInstance[];
  pendingConsent: boolean;
  canManage: boolean;
};

const GRANTED_LABELS: Record<string, string> = {
  tenantId: "Microsoft tenant id",
  googleDomain: "Google Workspace domain",
  grantedScopes: "Granted scopes",
  grantedBy: "Granted by",
};

/** One connection for its page. Never includes credentials or token hashes (R-SEC-2). */
export async function getConnectionDetail(viewer: Viewer, id: string): Promise<ConnectionDetail> {
  const conn = await loadConnection(db, viewer, id);
  const app = appOf(conn);
  const [[org], duplicates, [openLink]] = await Promise.all([
    db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, conn.organizationId)).limit(1),
    findDuplicateInstances(db, viewer, conn.appType, conn.instanceKey, conn.id),
    db
      .select({ id: consentLinks.id })
      .from(consentLinks)
      .where(and(eq(consentLinks.connectionId, conn.id), inArray(consentLinks.state, ["sent", "opened"]), sql`${consentLinks.expiresAt} > now()`))
      .limit(1),
  ]);
  const fields = credentialFields(app).map((f) => ({
    key: f.key,
    label: f.label,
    secret: f.secret,
    kind: f.kind,
    hint: f.hint,
    placeholder: f.placeholder,
    value: f.secret ? null : (conn.settings[f.key] ?? null),
  }));
  const grantedSettings = Object.entries(GRANTED_LABELS)
    .filter(([k]) => conn.settings[k])
    .map(([key, label]) => ({ key, label, value: conn.settings[key] }));
  return {
    id: conn.id,
    app: { type: app.type, name: app.name, category: app.category, authorization: app.authorization, sourceNoun: app.sourceNoun },
    name: conn.name,
    entryPoint: conn.entryPoint,
    status: conn.status,
    authMode: conn.authMode,
    organizationId: conn.organizationId,
    organizationName: org?.name ?? "",
    fields,
    grantedSettings,
    credentialsSetAt: conn.credentialsSetAt,
    ingestTokenPrefix: conn.ingestTokenPrefix,
    lastTelemetryAt: conn.lastTelemetryAt,
    createdAt: conn.createdAt,
    duplicates,
    pendingConsent: Boolean(openLink),
    canManage: canManageConnection(viewer, conn),
  };
}

/** Telemetry of a connection received in the last 24 hours, per organization it was stored under. */
export async function telemetryByOrganization(viewer: Viewer, connectionId: string) {
  const conn = await loadConnection(db, viewer, connectionId);
  return db
    .select({ organizationId: telemetryEvents.organizationId, organizationName: organizations.name, events: sql<number>`count(*)::int` })
    .from(telemetryEvents)
    .innerJoin(organizations, eq(organizations.id, telemetryEvents.organizationId))
    .where(
      and(
        eq(telemetryEvents.connectionId, conn.id),
        eq(telemetryEvents.partnerId, viewer.partnerId),
        sql`${telemetryEvents.receivedAt} > now() - interval '24 hours'`,
      ),
    )
    .groupBy(telemetryEvents.organizationId, organizations.name)
    .orderBy(asc(organizations.name));
}

// ---------------------------------------------------------------------------------------------------------
// Change

/**
 * Edits a connection: name, non-secret fields, and (only when the user typed new values) the secrets
 * (R-SEC-2: replaced, never shown). A changed instance identity is checked for duplicates again (R-INT-4).
 */
export async function updateConnection(
  viewer: Viewer,
  input: { connectionId: string; name: string; settings: Record<string, string>; secrets?: Record<string, string>; acknowledgeDuplicate: boolean; note?: string },
): Promise<void> {
  await db.transaction(async (tx) => {
    const conn = await loadConnection(tx, viewer, input.connectionId, { manage: true, forUpdate: true });
    const app = appOf(conn);
    const hasFields = credentialFields(app).length > 0;
    const plain = hasFields ? validateCredentials(app, input.settings, { only: "plain", prefix: "settings" }) : {};
    const secrets = input.secrets && hasFields ? validateCredentials(app, input.secrets, { only: "secret", prefix: "secrets" }) : undefined;
    const settings = { ...conn.settings, ...plain };
    const identityChanged = app.identity.some((k) => settings[k] !== conn.settings[k]) || Boolean(secrets);
    let instanceKey = conn.instanceKey;
    if (identityChanged && app.authorization.kind === "credentials") {
      const current = secrets ?? (conn.credentialsCiphertext ? decryptCredentials(conn.credentialsCiphertext, { partnerId: conn.partnerId, rowId: conn.id }) : {});
      instanceKey = instanceKeyFor(app, { ...settings, ...current });
      if (instanceKey !== conn.instanceKey && !input.acknowledgeDuplicate) {
        const dups = await findDuplicateInstances(tx, viewer, app.type, instanceKey, conn.id);
        if (dups.length) {
          const msg = `${DUPLICATE_INSTANCE_MESSAGE} Already connected to: ${dups.map((d) => d.organizationName).join(", ")}.`;
          throw new ValidationError(msg, { acknowledgeDuplicate: [msg] });
        }
      }
    }
    const now = new Date();
    // Typing the customer's credentials into a connection still waiting for consent completes it (R-INT-7).
    const completes = conn.status === "pending" && app.authorization.kind === "credentials" && Boolean(secrets);
    await tx
      .update(connections)
      .set({
        name: input.name,
        settings,
        instanceKey,
        ...(secrets
          ? { credentialsCiphertext: encryptCredentials(secrets, { partnerId: conn.partnerId, rowId: conn.id }), credentialsSetAt: now }
          : {}),
        ...(completes ? { status: "connected" as const, authMode: "credentials" as const } : {}),
        updatedAt: now,
      })
      .where(eq(connections.id, conn.id));
    if (completes) {
      await tx
        .update(consentLinks)
        .set({ state: "revoked", oauthStateHash: null })
        .where(and(eq(consentLinks.connectionId, conn.id), inArray(consentLinks.state, ["sent", "opened"])));
    }
    const changes = diffChanges({ name: conn.name, ...conn.settings }, { name: input.name, ...settings }, { secretKeys: credentialFields(app).filter((f) => f.secret).map((f) => f.key) });
    if (secrets) changes.credentials = { from: conn.credentialsCiphertext ? REDACTED : undefined, to: REDACTED };
    if (completes) changes.status = { from: "pending", to: "connected" };
    if (!Object.keys(changes).length) return;
    await writeAudit(tx, actorOf(viewer), {
      action: "connection.updated",
      entityType: "connection",
      entityId: conn.id,
      entityLabel: connectionLabel(app.name, input.name),
      changes,
      note: input.note,
    });
  });
}

/** Disable stops accepting telemetry (the API answers 403) and keeps everything else; enable resumes it. */
export async function setConnectionEnabled(viewer: Viewer, input: { connectionId: string; enabled: boolean; note?: string }): Promise<ConnectionStatus> {
  return db.transaction(async (tx) => {
    const conn = await loadConnection(tx, viewer, input.connectionId, { manage: true, forUpdate: true });
    const app = appOf(conn);
    const authorized = app.authorization.kind === "credentials" ? Boolean(conn.credentialsCiphertext) || credentialFields(app).every((f) => !f.secret) : Boolean(conn.instanceKey);
    const status: ConnectionStatus = input.enabled ? (authorized ? "connected" : "pending") : "disabled";
    if (status === conn.status) return status;
    await tx.update(connections).set({ status, updatedAt: new Date() }).where(eq(connections.id, conn.id));
    await writeAudit(tx, actorOf(viewer), {
      action: input.enabled ? "connection.enabled" : "connection.disabled",
      entityType: "connection",
      entityId: conn.id,
      entityLabel: connectionLabel(app.name, conn.name),
      changes: { status: { from: conn.status, to: status } },
      note: input.note,
    });
    return status;
  });
}

/** Deletes the connection, its mappings, consent links and organization applications. Stored telemetry stays. */
export async function deleteConnection(viewer: Viewer, input: { connectionId: string; note?: string }): Promise<{ entryPoint: EntryPoint; organizationId: string }> {
  return db.transaction(async (tx) => {
    const conn = await loadConnection(tx, viewer, input.connectionId, { manage: true, forUpdate: true });
    const app = appOf(conn);
    const [mapped] = await tx
      .select({ n: count() })
      .from(connectionMappings)
      .where(and(eq(connectionMappings.connectionId, conn.id), isNotNull(connectionMappings.organizationId)));
    await tx.delete(connections).where(and(eq(connections.id, conn.id), eq(connections.partnerId, viewer.partnerId)));
    await writeAudit(tx, actorOf(viewer), {
      action: "connection.deleted",
      entityType: "connection",
      entityId: conn.id,
      entityLabel: connectionLabel(app.name, conn.name),
      changes: { application: { from: app.name }, status: { from: conn.status }, mappedSources: { from: mapped?.n ?? 0 } },
      note: input.note,
    });
    return { entryPoint: conn.entryPoint, organizationId: conn.organizationId };
  });
}

/** A new ingest token; the old one stops working at once. Shown once. */
export async function rotateIngestToken(viewer: Viewer, input: { connectionId: string; note?: string }): Promise<{ token: string; prefix: string }> {
  return db.transaction(async (tx) => {
    const conn = await loadConnection(tx, viewer, input.connectionId, { manage: true, forUpdate: true });
    const token = issueToken(INGEST_TOKEN_PREFIX);
    await tx
      .update(connections)
      .set({ ingestTokenHash: token.hash, ingestTokenPrefix: token.prefix, updatedAt: new Date() })
      .where(eq(connections.id, conn.id));
    await writeAudit(tx, actorOf(viewer), {
      action: "connection.ingest_token_rotated",
      entityType: "connection",
      entityId: conn.id,
      entityLabel: connectionLabel(appOf(conn).name, conn.name),
      changes: { ingestToken: { from: REDACTED, to: REDACTED }, tokenPrefix: { from: conn.ingestTokenPrefix ?? undefined, to: token.prefix } },
      note: input.note,
    });
    return { token: token.token, prefix: token.prefix };
  });
}

