/**
 * PSA integrations (Settings > PSA & Email, seed 000 "PSA integrations"): the + Add PSA wizard's steps,
 * the integration page's edits, the Active/Paused Status control, the PSA look-ups behind the mapping UI,
 * and Send test ticket.
 *
 * Rules kept here, not in pages:
 * - every query filters by the viewer's partner (R-SEC-1); changes are admin-only;
 * - credentials are validated with the vendor's schema, tested against the PSA before they are stored, and
 *   stored only as an AES-GCM envelope bound to the row (R-SEC-2); no function here returns them;
 * - pausing keeps every setting, reactivating needs nothing re-entered (R-DEL-3);
 * - every change is one transaction with its audit row, secrets redacted (R-SEC-4).
 */
import { randomUUID } from "node:crypto";
import { and, asc, count, eq, inArray, ne, notInArray, sql } from "drizzle-orm";
import { db, type Executor } from "@/db";
import { organizations, psaCompanyMappings, psaIntegrations } from "@/db/schema";
import { diffChanges, REDACTED, writeAudit, type Changes } from "@/lib/audit";
import { actorOf } from "@/lib/auth/accounts";
import type { Viewer } from "@/lib/auth/viewer";
import { encryptCredentials } from "@/lib/crypto/secrets";
import { planDelivery } from "@/lib/delivery/plan";
import { sendPsaDelivery } from "@/lib/delivery/channels/psa";
import { DEFAULT_GLOBAL_SUBJECT_FORMAT, DEFAULT_ORGANIZATION_SUBJECT_FORMAT } from "@/lib/delivery/render/subject";
import { PRIORITIES, PRIORITY_LABELS, type AlertForDelivery, type Priority } from "@/lib/delivery/types";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/lib/errors";
import { listOrganizationOptions } from "@/lib/orgs/organizations";
import { createPsaClient, getPsaDescriptor, isPsaError, type CompanyPage, type PsaRef, type PsaVendor } from "@/lib/psa";
import { overrideFieldKeys, psaConfigIssues } from "@/lib/validations/psa-integrations";
import { forgetPsaClient, psaClientFor } from "./clients";
import { isSetupUnfinished, SETUP_KEY, SETUP_UNFINISHED } from "./setup-state";
import { loadPsaSnapshots } from "./snapshots";

type IntegrationRow = typeof psaIntegrations.$inferSelect;

const ENTITY = "psa_integration";

// ---------------------------------------------------------------------------------------------------------
// Shapes returned to pages (never the ciphertext, never a credential value)

export type PsaIntegrationSummary = {
  id: string;
  vendor: PsaVendor;
  name: string;
  status: "active" | "paused";
  /** False while the + Add PSA wizard has not been saved: the integration plans no tickets yet. */
  setupComplete: boolean;
  /** Where the PSA is (the vendor's URL or subdomain field) — location, not a credential. */
  address: string | null;
  mappedOrganizations: number;
  credentialsSetAt: Date;
  lastTestAt: Date | null;
  lastTestOk: boolean | null;
  lastTestMessage: string | null;
  /**
   * What the delivery workers last saw (their circuit breaker, ARCHITECTURE "the PSA card shows it"):
   * "failing" = deliveries are held until a probe succeeds; "auth_failed" = the PSA rejected the credentials.
   */
  deliveryHealth: { state: "ok" | "failing" | "auth_failed"; lastError: string | null; since: string | null };
  createdAt: Date;
};

export type PsaMappingDetail = {
  organizationId: string;
  organizationName: string;
  companyId: string;
  companyName: string;
  contactId: string | null;
  siteId: string | null;
  overrides: Record<string, string>;
};

/** What Save stores (the wizard's last step and the integration page): everything but credentials and Status. */
export type PsaConfigurationInput = {
  id: string;
  name: string;
  defaults: Record<string, string>;
  priorityMap: Partial<Record<Priority, string>>;
  fallback: { companyId: string; companyName: string; contactId?: string | null } | null;
  mappings: {
    organizationId: string;
    companyId: string;
    companyName: string;
    contactId?: string | null;
    siteId?: string | null;
    overrides: Record<string, string>;
  }[];
  note?: string;
};

export type PsaIntegrationDetail = PsaIntegrationSummary & {
  defaults: Record<string, string>;
  priorityMap: Partial<Record<Priority, string>>;
  fallback: { companyId: string; companyName: string; contactId: string | null } | null;
  mappings: PsaMappingDetail[];
};

// ---------------------------------------------------------------------------------------------------------
// Helpers

function assertAdmin(viewer: Viewer): void {
  if (viewer.role !== "admin") throw new ForbiddenError("Only admins can change PSA integrations.");
}

function assertReader(viewer: Viewer): void {
  if (viewer.role !== "admin" && viewer.role !== "support") throw new ForbiddenError();
}

async function loadRow(viewer: Viewer, id: string, executor: Executor = db, forUpdate = false): Promise<IntegrationRow> {
  const query = executor
    .select()
    .from(psaIntegrations)
    .where(and(eq(psaIntegrations.id, id), eq(psaIntegrations.partnerId, viewer.partnerId)))
    .limit(1);
  const [row] = forUpdate ? await query.for("update") : await query;
  if (!row) throw new NotFoundError("PSA integration");
  return row;
}

function vendorName(vendor: PsaVendor): string {
  return getPsaDescriptor(vendor).displayName;
}

/** The vendor's credentials, validated with its own schema; field errors keyed "credentials.<field>". */
function parseCredentials(vendor: PsaVendor, raw: Record<string, string>): Record<string, string> {
  const parsed = getPsaDescriptor(vendor).credentialsSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const key = ["credentials", ...issue.path.map(String)].join(".");
      (fieldErrors[key] ??= []).push(issue.message);
    }
    throw new ValidationError("Check the highlighted fields.", fieldErrors);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.data)) if (typeof v === "string" && v !== "") out[k] = v;
  return out;
}

/** The location part of the credentials (URL, or Syncro's subdomain), kept in `connection` for display. */
function addressOf(vendor: PsaVendor, credentials: Record<string, string>): string | null {
  const descriptor = getPsaDescriptor(vendor);
  const field =
    descriptor.credentialFields.find((f) => f.input === "url" && !f.secret && credentials[f.name]) ??
    descriptor.credentialFields.find((f) => f.name === "subdomain" && credentials[f.name]);
  return field ? credentials[field.name] : null;
}

async function assertNameFree(executor: Executor, partnerId: string, name: string, exceptId?: string): Promise<void> {
  const where = [eq(psaIntegrations.partnerId, partnerId), sql`lower(${psaIntegrations.name}) = lower(${name})`];
  if (exceptId) where.push(ne(psaIntegrations.id, exceptId));
  const [clash] = await executor.select({ id: psaIntegrations.id }).from(psaIntegrations).where(and(...where)).limit(1);
  if (clash) throw new ConflictError("Another PSA integration already has this name. Name each connection so you can tell them apart.", "name");
}

/** Tests credentials against the PSA. Throws the PsaError (vendor's own text) when the test fails. */
async function testCredentials(vendor: PsaVendor, credentials: Record<string, string>): Promise<string> {
  const client = createPsaClient(vendor, credentials);
  const { detail } = await client.testConnection();
  return detail;
}

function toSummary(row: IntegrationRow, mappedOrganizations: number): PsaIntegrationSummary {
  return {
    id: row.id,
    vendor: row.vendor,
    name: row.name,
    status: row.status,
    setupComplete: !isSetupUnfinished(row.connection),
    address: row.connection?.address ?? null,
    mappedOrganizations,
    credentialsSetAt: row.credentialsSetAt,
    lastTestAt: row.lastTestAt,
    lastTestOk: row.lastTestOk,
    lastTestMessage: row.lastTestMessage,
    deliveryHealth: healthOf(row.health),
    createdAt: row.createdAt,
  };
}

function healthOf(health: Record<string, unknown> | null | undefined): PsaIntegrationSummary["deliveryHealth"] {
  const state = health?.state === "open" ? "failing" : health?.state === "auth_failed" ? "auth_failed" : "ok";
  return {
    state,
    lastError: state !== "ok" && typeof health?.lastError === "string" ? health.lastError : null,
    since: state !== "ok" && typeof health?.changedAt === "string" ? health.changedAt : null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Reads

export async function listPsaIntegrations(viewer: Viewer): Promise<PsaIntegrationSummary[]> {
  assertReader(viewer);
  const mapped = db
    .select({ integrationId: psaCompanyMappings.integrationId, n: count().as("n") })
    .from(psaCompanyMappings)
    .where(eq(psaCompanyMappings.partnerId, viewer.partnerId))
    .groupBy(psaCompanyMappings.integrationId)
    .as("mapped");
  const rows = await db
    .select({ row: psaIntegrations, n: mapped.n })
    .from(psaIntegrations)
    .leftJoin(mapped, eq(mapped.integrationId, psaIntegrations.id))
    .where(eq(psaIntegrations.partnerId, viewer.partnerId))
    .orderBy(asc(psaIntegrations.name), asc(psaIntegrations.id));
  return rows.map((r) => toSummary(r.row, Number(r.n ?? 0)));
}

export async function getPsaIntegration(viewer: Viewer, id: string): Promise<PsaIntegrationDetail> {
  assertReader(viewer);
  const row = await loadRow(viewer, id);
  const mappings = await db
    .select({
      organizationId: psaCompanyMappings.organizationId,
      organizationName: organizations.name,
      companyId: psaCompanyMappings.companyId,
      companyName: psaCompanyMappings.companyName,
      contactId: psaCompanyMappings.contactId,
      siteId: psaCompanyMappings.siteId,
      overrides: psaCompanyMappings.overrides,
    })
    .from(psaCompanyMappings)
    .innerJoin(organizations, eq(organizations.id, psaCompanyMappings.organizationId))
    .where(and(eq(psaCompanyMappings.integrationId, row.id), eq(psaCompanyMappings.partnerId, viewer.partnerId)))
    .orderBy(asc(organizations.name));
  return {
    ...toSummary(row, mappings.length),
    defaults: { ...row.defaults },
    priorityMap: { ...row.priorityMap },
    fallback: row.fallbackCompanyId
      ? { companyId: row.fallbackCompanyId, companyName: row.fallbackCompanyName ?? row.fallbackCompanyId, contactId: row.fallbackContactId }
      : null,
    mappings: mappings.map((m) => ({ ...m, overrides: { ...m.overrides } })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// + Add PSA: Test connection creates the unfinished integration

/**
 * The wizard's Test connection. Validates the credentials with the vendor's schema and tests them against the
 * PSA; only when the test passes does it store them (encrypted, bound to the row) in a paused integration
 * marked unfinished, so the look-ups that follow use them by id and they never go back to the browser. Called
 * again with `integrationId` (the admin went back and corrected something), it replaces the unfinished row's
 * credentials. A failed test changes nothing and throws the PsaError with the vendor's own words.
 */
export async function startPsaIntegration(
  viewer: Viewer,
  input: { vendor: PsaVendor; integrationId?: string; name: string; credentials: Record<string, string>; note?: string },
): Promise<{ id: string; detail: string; testedAt: Date }> {
  assertAdmin(viewer);
  const credentials = parseCredentials(input.vendor, input.credentials);
  let existing: IntegrationRow | undefined;
  if (input.integrationId) {
    existing = await loadRow(viewer, input.integrationId);
    if (!isSetupUnfinished(existing.connection)) {
      throw new ValidationError("This PSA integration is already set up. Replace its credentials on its own page.");
    }
    if (existing.vendor !== input.vendor) {
      throw new ValidationError("The PSA of an unfinished integration cannot change. Delete it and start again.");
    }
  }
  await assertNameFree(db, viewer.partnerId, input.name, existing?.id);
  const detail = await testCredentials(input.vendor, credentials);
  const testedAt = new Date();
  const id = existing?.id ?? randomUUID();
  // The row id is fixed before encrypting: the envelope's authenticated data binds it to this row.
  const ciphertext = encryptCredentials(credentials, { partnerId: viewer.partnerId, rowId: id });
  const address = addressOf(input.vendor, credentials);
  const connection: Record<string, string> = { [SETUP_KEY]: SETUP_UNFINISHED, ...(address ? { address } : {}) };

  await db.transaction(async (tx) => {
    if (existing) {
      await tx
        .update(psaIntegrations)
        .set({
          name: input.name,
          credentialsCiphertext: ciphertext,
          credentialsSetAt: testedAt,
          connection,
          lastTestAt: testedAt,
          lastTestOk: true,
          lastTestMessage: detail,
          updatedAt: testedAt,
        })
        .where(and(eq(psaIntegrations.id, id), eq(psaIntegrations.partnerId, viewer.partnerId)));
      await writeAudit(tx, actorOf(viewer), {
        action: "psa_integration.credentials_replaced",
        entityType: ENTITY,
        entityId: id,
        entityLabel: input.name,
        changes: {
          ...diffChanges({ name: existing.name, address: existing.connection?.address }, { name: input.name, address }),
          credentials: { from: REDACTED, to: REDACTED },
        },
        note: input.note,
      });
    } else {
      await tx.insert(psaIntegrations).values({
        id,
        partnerId: viewer.partnerId,
        vendor: input.vendor,
        name: input.name,
        // Paused until the wizard's Save: an unfinished integration must never create a ticket.
        status: "paused",
        credentialsCiphertext: ciphertext,
        credentialsSetAt: testedAt,
        connection,
        lastTestAt: testedAt,
        lastTestOk: true,
        lastTestMessage: detail,
      });
      await writeAudit(tx, actorOf(viewer), {
        action: "psa_integration.created",
        entityType: ENTITY,
        entityId: id,
        entityLabel: input.name,
        changes: {
          ...diffChanges(null, { vendor: vendorName(input.vendor), name: input.name, address, status: "paused (setup not finished)" }),
          credentials: { to: REDACTED },
        },
        note: input.note,
      });
    }
  });
  return { id, detail, testedAt };
}

/** Replace credentials on the integration page: tested first; a failing set is refused and nothing changes. */
export async function replacePsaCredentials(
  viewer: Viewer,
  input: { id: string; credentials: Record<string, string>; note?: string },
): Promise<{ detail: string; credentialsSetAt: Date }> {
  assertAdmin(viewer);
  const row = await loadRow(viewer, input.id);
  const credentials = parseCredentials(row.vendor, input.credentials);
  const detail = await testCredentials(row.vendor, credentials);
  const now = new Date();
  const ciphertext = encryptCredentials(credentials, { partnerId: viewer.partnerId, rowId: row.id });
  const address = addressOf(row.vendor, credentials);
  const connection = { ...row.connection };
  if (address) connection.address = address;
  else delete connection.address;
  await db.transaction(async (tx) => {
    await tx
      .update(psaIntegrations)
      .set({
        credentialsCiphertext: ciphertext,
        credentialsSetAt: now,
        connection,
        lastTestAt: now,
        lastTestOk: true,
        lastTestMessage: detail,
        updatedAt: now,
      })
      .where(and(eq(psaIntegrations.id, row.id), eq(psaIntegrations.partnerId, viewer.partnerId)));
    await writeAudit(tx, actorOf(viewer), {
      action: "psa_integration.credentials_replaced",
      entityType: ENTITY,
      entityId: row.id,
      entityLabel: row.name,
      changes: {
        ...diffChanges({ address: row.connection?.address }, { address }),
        credentials: { from: REDACTED, to: REDACTED },
      },
      note: input.note,
    });
  });
  return { detail, credentialsSetAt: now };
}

/** Test connection with the stored credentials; records the result on the row (a check, not a settings change). */
export async function testPsaIntegration(
  viewer: Viewer,
  id: string,
): Promise<{ ok: boolean; message: string; testedAt: Date; retryable?: boolean }> {
  assertAdmin(viewer);
  const row = await loadRow(viewer, id);
  let ok: boolean;
  let message: string;
  let retryable: boolean | undefined;
  try {
    ok = true;
    message = (await psaClientFor(row).testConnection()).detail;
  } catch (err) {
    if (!isPsaError(err)) throw err;
    ok = false;
    message = err.message;
    retryable = err.retryable;
  }
  const testedAt = new Date();
  await db
    .update(psaIntegrations)
    .set({ lastTestAt: testedAt, lastTestOk: ok, lastTestMessage: message })
    .where(and(eq(psaIntegrations.id, row.id), eq(psaIntegrations.partnerId, viewer.partnerId)));
  return { ok, message, testedAt, ...(retryable === undefined ? {} : { retryable }) };
}

// ---------------------------------------------------------------------------------------------------------
// Configuration: mapping, catch-all, defaults, priority map, overrides

async function assertOrganizationsOfPartner(executor: Executor, partnerId: string, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  const names = new Map<string, string>();
  for (let i = 0; i < unique.length; i += 1000) {
    const chunk = unique.slice(i, i + 1000);
    const rows = await executor
      .select({ id: organizations.id, name: organizations.name })
      .from(organizations)
      .where(and(eq(organizations.partnerId, partnerId), inArray(organizations.id, chunk)));
    for (const r of rows) names.set(r.id, r.name);
  }
  if (names.size !== unique.length) {
    throw new ValidationError("An organization in the mapping does not exist (it may have been deleted). Reload the page.", {
      mappings: ["Unknown organization in the mapping."],
    });
  }
  return names;
}

function configIssuesOrThrow(vendor: PsaVendor, config: Pick<PsaConfigurationInput, "defaults" | "priorityMap" | "mappings">): void {
  const issues = psaConfigIssues(vendor, config);
  const keys = Object.keys(issues);
  if (keys.length) {
    throw new ValidationError(issues[keys[0]], Object.fromEntries(keys.map((k) => [k, [issues[k]]])));
  }
}

function flatConfig(row: Pick<IntegrationRow, "name" | "status" | "defaults" | "priorityMap" | "fallbackCompanyName" | "fallbackCompanyId" | "fallbackContactId">) {
  const flat: Record<string, unknown> = { name: row.name, status: row.status };
  for (const [k, v] of Object.entries(row.defaults ?? {})) flat[`default ${k}`] = v;
  for (const p of PRIORITIES) flat[`priority for ${PRIORITY_LABELS[p]}`] = row.priorityMap?.[p];
  flat["catch-all company"] = row.fallbackCompanyId ? `${row.fallbackCompanyName ?? ""} (#${row.fallbackCompanyId})` : undefined;
  flat["catch-all contact"] = row.fallbackContactId ?? undefined;
  return flat;
}

type MappingLike = { organizationId: string; companyId: string; companyName: string; contactId?: string | null; siteId?: string | null; overrides: Record<string, string> };

function describeMapping(m: MappingLike): string {
  const extras = [
    m.contactId ? `contact #${m.contactId}` : null,
    m.siteId ? `site #${m.siteId}` : null,
    ...Object.entries(m.overrides).map(([k, v]) => `${k}=${v}`),
  ].filter(Boolean);
  return `${m.companyName || m.companyId} (#${m.companyId})${extras.length ? `; ${extras.join(", ")}` : ""}`;
}

const MAX_AUDITED_MAPPINGS = 50;

function mappingChanges(before: MappingLike[], after: MappingLike[], names: Map<string, string>): Changes {
  const prior = new Map(before.map((m) => [m.organizationId, describeMapping(m)]));
  const next = new Map(after.map((m) => [m.organizationId, describeMapping(m)]));
  const changes: Changes = {};
  let listed = 0;
  let unlisted = 0;
  for (const orgId of new Set([...prior.keys(), ...next.keys()])) {
    const from = prior.get(orgId);
    const to = next.get(orgId);
    if (from === to) continue;
    if (listed >= MAX_AUDITED_MAPPINGS) {
      unlisted++;
      continue;
    }
    listed++;
    changes[`mapping of ${names.get(orgId) ?? orgId}`] = { from, to };
  }
  if (unlisted) changes["other mapping changes"] = { to: unlisted };
  if (before.length !== after.length) changes["mapped organizations"] = { from: before.length, to: after.length };
  return changes;
}

function mappingValues(partnerId: string, integrationId: string, m: PsaConfigurationInput["mappings"][number]) {
  return {
    partnerId,
    integrationId,
    organizationId: m.organizationId,
    companyId: m.companyId,
    companyName: m.companyName || m.companyId,
    contactId: m.contactId ?? null,
    siteId: m.siteId ?? null,
    overrides: m.overrides,
  };
}

/**
 * Saves the whole configuration of an integration (the wizard's Save and the integration page's Save
 * changes): name, ticket defaults, priority map, catch-all company/contact and the organization mappings
 * with their overrides. Mappings not in `mappings` are removed. An unfinished integration becomes Active
 * here — Save is what enables ticket creation (seed 000); later saves leave Status alone (R-DEL-3).
 */
export async function savePsaConfiguration(
  viewer: Viewer,
  input: PsaConfigurationInput,
): Promise<{ id: string; status: "active" | "paused"; setupCompleted: boolean }> {
  assertAdmin(viewer);
  return db.transaction(async (tx) => {
    const row = await loadRow(viewer, input.id, tx, true);
    configIssuesOrThrow(row.vendor, input);
    await assertNameFree(tx, viewer.partnerId, input.name, row.id);
    const ids = [...input.mappings.map((m) => m.organizationId)];
    const names = await assertOrganizationsOfPartner(tx, viewer.partnerId, ids);
    const unfinished = isSetupUnfinished(row.connection);

    const before = await tx
      .select()
      .from(psaCompanyMappings)
      .where(and(eq(psaCompanyMappings.integrationId, row.id), eq(psaCompanyMappings.partnerId, viewer.partnerId)));
    if (before.length) {
      const missing = before.map((m) => m.organizationId).filter((o) => !names.has(o));
      if (missing.length) {
        for (const o of await tx
          .select({ id: organizations.id, name: organizations.name })
          .from(organizations)
          .where(inArray(organizations.id, missing))) {
          names.set(o.id, o.name);
        }
      }
    }

    const connection = { ...row.connection };
    delete connection[SETUP_KEY];
    const status = unfinished ? ("active" as const) : row.status;
    const [after] = await tx
      .update(psaIntegrations)
      .set({
        name: input.name,
        status,
        connection,
        defaults: input.defaults,
        priorityMap: input.priorityMap,
        fallbackCompanyId: input.fallback?.companyId ?? null,
        fallbackCompanyName: input.fallback ? input.fallback.companyName || input.fallback.companyId : null,
        fallbackContactId: input.fallback?.contactId ?? null,
        updatedAt: new Date(),
      })
      .where(and(eq(psaIntegrations.id, row.id), eq(psaIntegrations.partnerId, viewer.partnerId)))
      .returning();

    const keep = input.mappings.map((m) => m.organizationId);
    await tx
      .delete(psaCompanyMappings)
      .where(
        and(
          eq(psaCompanyMappings.integrationId, row.id),
          eq(psaCompanyMappings.partnerId, viewer.partnerId),
          ...(keep.length ? [notInArray(psaCompanyMappings.organizationId, keep)] : []),
        ),
      );
    for (let i = 0; i < input.mappings.length; i += 500) {
      const chunk = input.mappings.slice(i, i + 500).map((m) => mappingValues(viewer.partnerId, row.id, m));
      await tx
        .insert(psaCompanyMappings)
        .values(chunk)
        .onConflictDoUpdate({
          target: [psaCompanyMappings.integrationId, psaCompanyMappings.organizationId],
          set: {
            companyId: sql`excluded.company_id`,
            companyName: sql`excluded.company_name`,
            contactId: sql`excluded.contact_id`,
            siteId: sql`excluded.site_id`,
            overrides: sql`excluded.overrides`,
          },
        });
    }

    const changes: Changes = {
      ...diffChanges(flatConfig(row), flatConfig(after)),
      ...mappingChanges(before, input.mappings.map((m) => mappingValues(viewer.partnerId, row.id, m)), names),
    };
    if (unfinished || Object.keys(changes).length) {
      await writeAudit(tx, actorOf(viewer), {
        action: unfinished ? "psa_integration.setup_completed" : "psa_integration.updated",
        entityType: ENTITY,
        entityId: row.id,
        entityLabel: after.name,
        changes,
        note: input.note,
      });
    }
    return { id: row.id, status, setupCompleted: unfinished };
  });
}

/** Maps (or re-maps) one organization to a PSA company, with its contact, site and overrides. */
export async function upsertPsaMapping(
  viewer: Viewer,
  input: {
    integrationId: string;
    organizationId: string;
    companyId: string;
    companyName: string;
    contactId?: string | null;
    siteId?: string | null;
    overrides?: Record<string, string>;
    note?: string;
  },
): Promise<PsaMappingDetail> {
  assertAdmin(viewer);
  return db.transaction(async (tx) => {
    const row = await loadRow(viewer, input.integrationId, tx, true);
    const overrides = input.overrides ?? {};
    const allowed = new Set(overrideFieldKeys(getPsaDescriptor(row.vendor)));
    for (const key of Object.keys(overrides)) {
      if (!allowed.has(key)) {
        throw new ValidationError(`${vendorName(row.vendor)} has no ticket field called "${key}".`, { [`overrides.${key}`]: ["Unknown field."] });
      }
    }
    const names = await assertOrganizationsOfPartner(tx, viewer.partnerId, [input.organizationId]);
    const [before] = await tx
      .select()
      .from(psaCompanyMappings)
      .where(and(eq(psaCompanyMappings.integrationId, row.id), eq(psaCompanyMappings.organizationId, input.organizationId)));
    const values = mappingValues(viewer.partnerId, row.id, {
      organizationId: input.organizationId,
      companyId: input.companyId,
      companyName: input.companyName,
      contactId: input.contactId ?? undefined,
      siteId: input.siteId ?? undefined,
      overrides,
    });
    await tx
      .insert(psaCompanyMappings)
      .values(values)
      .onConflictDoUpdate({
        target: [psaCompanyMappings.integrationId, psaCompanyMappings.organizationId],
        set: { companyId: values.companyId, companyName: values.companyName, contactId: values.contactId, siteId: values.siteId, overrides },
      });
    const changes = mappingChanges(before ? [before] : [], [values], names);
    if (Object.keys(changes).length) {
      await writeAudit(tx, actorOf(viewer), {
        action: "psa_integration.mapping_saved",
        entityType: ENTITY,
        entityId: row.id,
        entityLabel: row.name,
        changes,
        note: input.note,
      });
    }
    const organizationName = names.get(input.organizationId) ?? "";
    return {
      organizationId: values.organizationId,
      organizationName,
      companyId: values.companyId,
      companyName: values.companyName,
      contactId: values.contactId,
      siteId: values.siteId,
      overrides: { ...overrides },
    };
  });
}

/** Removes one organization's mapping; its alerts then go to the catch-all company, or are a recorded skip (R-DEL-4). */
export async function removePsaMapping(
  viewer: Viewer,
  input: { integrationId: string; organizationId: string; note?: string },
): Promise<void> {
  assertAdmin(viewer);
  await db.transaction(async (tx) => {
    const row = await loadRow(viewer, input.integrationId, tx, true);
    const removed = await tx
      .delete(psaCompanyMappings)
      .where(
        and(
          eq(psaCompanyMappings.integrationId, row.id),
          eq(psaCompanyMappings.organizationId, input.organizationId),
          eq(psaCompanyMappings.partnerId, viewer.partnerId),
        ),
      )
      .returning();
    if (!removed.length) return;
    const [org] = await tx.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, input.organizationId));
    await writeAudit(tx, actorOf(viewer), {
      action: "psa_integration.mapping_removed",
      entityType: ENTITY,
      entityId: row.id,
      entityLabel: row.name,
      changes: mappingChanges(removed, [], new Map([[input.organizationId, org?.name ?? input.organizationId]])),
      note: input.note,
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Status and delete

/**
 * The Status control (seed 000 "Pausing a PSA connection"): Paused creates no tickets; every setting stays as
 * it is and Active resumes ticket creation with nothing re-entered (R-DEL-3). Email settings are not touched.
 */
export async function setPsaIntegrationStatus(
  viewer: Viewer,
  input: { id: string; status: "active" | "paused"; note?: string },
): Promise<{ status: "active" | "paused"; changed: boolean }> {
  assertAdmin(viewer);
  return db.transaction(async (tx) => {
    const row = await loadRow(viewer, input.id, tx, true);
    if (isSetupUnfinished(row.connection)) {
      throw new ValidationError(`Finish setting up ${row.name} (mapping and ticket defaults) before changing its Status.`);
    }
    if (row.status === input.status) return { status: row.status, changed: false };
    await tx
      .update(psaIntegrations)
      .set({ status: input.status, updatedAt: new Date() })
      .where(and(eq(psaIntegrations.id, row.id), eq(psaIntegrations.partnerId, viewer.partnerId)));
    await writeAudit(tx, actorOf(viewer), {
      action: input.status === "paused" ? "psa_integration.paused" : "psa_integration.resumed",
      entityType: ENTITY,
      entityId: row.id,
      entityLabel: row.name,
      changes: { status: { from: row.status === "active" ? "Active" : "Paused", to: input.status === "active" ? "Active" : "Paused" } },
      note: input.note,
    });
    return { status: input.status, changed: true };
  });
}

/** Deletes an integration with its mappings and credentials. Alerts already planned keep their plan (R-DEL-10). */
export async function deletePsaIntegration(viewer: Viewer, input: { id: string; note?: string }): Promise<void> {
  assertAdmin(viewer);
  await db.transaction(async (tx) => {
    const row = await loadRow(viewer, input.id, tx, true);
    const [mapped] = await tx
      .select({ n: count() })
      .from(psaCompanyMappings)
      .where(eq(psaCompanyMappings.integrationId, row.id));
    await tx.delete(psaIntegrations).where(and(eq(psaIntegrations.id, row.id), eq(psaIntegrations.partnerId, viewer.partnerId)));
    await writeAudit(tx, actorOf(viewer), {
      action: "psa_integration.deleted",
      entityType: ENTITY,
      entityId: row.id,
      entityLabel: row.name,
      changes: {
        vendor: { from: vendorName(row.vendor) },
        "mapped organizations": { from: mapped?.n ?? 0 },
        credentials: { from: REDACTED },
      },
      note: input.note,
    });
  });
  forgetPsaClient(input.id);
}

// ---------------------------------------------------------------------------------------------------------
// Look-ups for the mapping UI (GET route handlers call these)

export async function listPsaCompanies(
  viewer: Viewer,
  id: string,
  query: { search?: string; cursor?: string },
): Promise<CompanyPage> {
  assertAdmin(viewer);
  const row = await loadRow(viewer, id);
  return psaClientFor(row).listCompanies(query);
}

/**
 * One of the vendor's lists (boards, statuses, priorities, contacts, ...). Only lists the vendor's descriptor
 * names are served, and only with the parameters that list depends on.
 */
export async function lookupPsaList(
  viewer: Viewer,
  id: string,
  kind: string,
  params: Record<string, string>,
): Promise<PsaRef[]> {
  assertAdmin(viewer);
  const row = await loadRow(viewer, id);
  const descriptor = getPsaDescriptor(row.vendor);
  const fields = [...descriptor.mappingFields, ...descriptor.ticketFields, descriptor.priority, ...descriptor.noteFields];
  const field = fields.find((f) => f.lookup === kind);
  if (!field || kind === "companies") {
    throw new ValidationError(`${descriptor.displayName} has no list called "${kind}".`);
  }
  const allowed: Record<string, string> = {};
  for (const dep of field.dependsOn) {
    if (params[dep]) allowed[dep] = params[dep];
    else if (dep === "companyId") {
      throw new ValidationError(`Choose the ${descriptor.companyNoun.singular} first.`);
    }
  }
  return psaClientFor(row).lookup(kind, allowed);
}

export type PsaAutoMatch = {
  /** Organizations whose name equals exactly one PSA company's name (case and spacing ignored). */
  matches: { organizationId: string; organizationName: string; companyId: string; companyName: string }[];
  /** Organizations whose name matches several PSA companies: the admin picks one by hand. */
  ambiguous: { organizationId: string; organizationName: string; companies: number }[];
  companiesScanned: number;
  /** True when the PSA has more companies than were read; matches may be missing. */
  truncated: boolean;
};

const AUTO_MATCH_MAX_COMPANIES = 10_000;

function matchKey(name: string): string {
  return name.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();
}

/** Exact-name automap (as Huntress does for CW, Autotask, Halo and BMS): proposals only; nothing is saved. */
export async function autoMatchPsaCompanies(viewer: Viewer, id: string): Promise<PsaAutoMatch> {
  assertAdmin(viewer);
  const row = await loadRow(viewer, id);
  const [orgs, companies] = await Promise.all([
    listOrganizationOptions(viewer),
    psaClientFor(row).listAllCompanies({ maxItems: AUTO_MATCH_MAX_COMPANIES }),
  ]);
  const byName = new Map<string, PsaRef[]>();
  for (const c of companies) {
    const key = matchKey(c.name);
    const list = byName.get(key);
    if (list) list.push(c);
    else byName.set(key, [c]);
  }
  const result: PsaAutoMatch = {
    matches: [],
    ambiguous: [],
    companiesScanned: companies.length,
    truncated: companies.length >= AUTO_MATCH_MAX_COMPANIES,
  };
  for (const org of orgs) {
    const found = byName.get(matchKey(org.name));
    if (!found) continue;
    if (found.length === 1) {
      result.matches.push({ organizationId: org.id, organizationName: org.name, companyId: found[0].id, companyName: found[0].name });
    } else {
      result.ambiguous.push({ organizationId: org.id, organizationName: org.name, companies: found.length });
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------
// Send test ticket

/**
 * Sends a clearly marked test ticket for a mapped organization through the same path real alerts take:
 * the integration's snapshot → planDelivery → sendPsaDelivery. The planner sees the integration as Active
 * (a paused integration is exactly the one an admin is troubleshooting) and the organization's delivery
 * toggle as on; no alert is stored. Throws the PsaError with the vendor's words when the PSA refuses.
 */
export async function sendPsaTestTicket(
  viewer: Viewer,
  input: { id: string; organizationId: string; priority?: Priority; note?: string },
): Promise<{ ticketId: string; ticketNumber?: string; companyName: string; organizationName: string }> {
  assertAdmin(viewer);
  const row = await loadRow(viewer, input.id);
  if (isSetupUnfinished(row.connection)) {
    throw new ValidationError(`Finish setting up ${row.name} before sending a test ticket.`);
  }
  const [org] = await db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(and(eq(organizations.id, input.organizationId), eq(organizations.partnerId, viewer.partnerId)))
    .limit(1);
  if (!org) throw new NotFoundError("Organization");
  const snapshot = (await loadPsaSnapshots(viewer.partnerId, org.id)).find((s) => s.id === row.id);
  if (!snapshot?.mapping) {
    throw new ValidationError(`${org.name} is not mapped in ${row.name}. Map it to a ${getPsaDescriptor(row.vendor).companyNoun.singular} first.`, {
      organizationId: ["Choose a mapped organization."],
    });
  }
  const now = new Date();
  const priority = input.priority ?? "medium";
  const alert: AlertForDelivery = {
    id: randomUUID(),
    organizationId: org.id,
    priority,
    title: `[TEST] Switchboard test ticket for ${row.name}`,
    summary: `[TEST] This is a test ticket sent from Switchboard by ${viewer.email} to check the ${row.name} integration. No alert was raised; you can close this ticket.`,
    detectedAt: now,
    source: "Switchboard test ticket",
    respondEvents: [{ time: now.toISOString(), action: "Test event (no action was taken)", target: "TEST-HOST", result: "Test" }],
    iocMatches: [{ type: "ip", value: "192.0.2.1", source: "Test indicator (documentation address)" }],
  };
  const plan = planDelivery(alert, {
    partner: { id: viewer.partnerId, name: viewer.partnerName },
    organization: { id: org.id, name: org.name, deliveryEnabled: true },
    email: {
      globalSubjectFormat: DEFAULT_GLOBAL_SUBJECT_FORMAT,
      organizationSubjectFormat: DEFAULT_ORGANIZATION_SUBJECT_FORMAT,
      respondEventDetail: true,
      iocEventDetail: true,
    },
    globalRecipients: [],
    organizationRecipients: [],
    psaIntegrations: [{ ...snapshot, status: "active" }],
  });
  const delivery = plan.deliveries.find((d) => d.channel === "psa" && d.target === row.id);
  if (!delivery || delivery.channel !== "psa" || delivery.status !== "planned") {
    throw new ValidationError(delivery?.reason ?? "The test ticket could not be planned.");
  }
  const result = await sendPsaDelivery({
    partnerId: viewer.partnerId,
    integrationId: row.id,
    deliveryId: randomUUID(),
    alert: { ...alert, organizationName: org.name },
    planned: delivery.psa,
    previousAttemptUncertain: false,
  });
  const companyName = delivery.psa.companyName ?? snapshot.mapping.companyName;
  await db.transaction(async (tx) => {
    await writeAudit(tx, actorOf(viewer), {
      action: "psa_integration.test_ticket_sent",
      entityType: ENTITY,
      entityId: row.id,
      entityLabel: row.name,
      changes: {
        organization: { to: org.name },
        [getPsaDescriptor(row.vendor).companyNoun.singular]: { to: companyName },
        ticket: { to: result.ticketNumber ?? result.ticketId },
      },
      note: input.note,
    });
  });
  return {
    ticketId: result.ticketId,
    ...(result.ticketNumber ? { ticketNumber: result.ticketNumber } : {}),
    companyName,
    organizationName: org.name,
  };
}
