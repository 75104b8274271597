/**
 * Captures the delivery configuration that applies to one organization right now — the input of the
 * planner — so intake can store it with the alert (R-DEL-10) and the Routing page can simulate with
 * exactly what intake would use. Reads only; no secrets (credentials stay in their rows).
 */
import { sql, type SQL } from "drizzle-orm";
import { db, getSqlClient, type Executor } from "@/db";
import { EMAIL_SETTINGS_DEFAULTS } from "@/lib/delivery-settings/email-settings";
import { SETUP_KEY, SETUP_UNFINISHED } from "@/lib/psa-integrations/setup-state";
import type { DeliveryConfigSnapshot } from "./types";

/**
 * The snapshot in ONE statement: the organization (by id or by the partner's external reference), its
 * partner, the email settings, both recipient lists and every PSA integration with this organization's
 * mapping, built as JSON by PostgreSQL. One round trip instead of five, and — run through the client's
 * prepared statements — no parse or describe round trip either (intake's hot path, see bench/).
 * $1 partner id, $2 the organization's id or its external reference (two statements, so that each keeps
 * its index in a generic plan).
 * Same facts and orders as the per-table queries it replaces: recipients by (created_at, id); PSA
 * integrations as lib/psa-integrations/snapshots.ts reads them — by (name, id), without integrations whose
 * + Add PSA wizard was never finished, mappings checked against the partner too.
 */
const snapshotSql = (by: "id" | "ref") => `
  select o.id as organization_id,
         json_build_object(
           'partner', json_build_object('id', p.id, 'name', p.name),
           'organization', json_build_object('id', o.id, 'name', o.name, 'deliveryEnabled', o.delivery_enabled),
           'email', (
             select json_build_object(
                      'globalSubjectFormat', s.global_subject_format,
                      'organizationSubjectFormat', s.organization_subject_format,
                      'respondEventDetail', s.respond_event_detail,
                      'iocEventDetail', s.ioc_event_detail)
               from email_settings s where s.partner_id = p.id),
           'globalRecipients', coalesce((
             select json_agg(json_build_object('id', r.id, 'email', r.email, 'note', r.note) order by r.created_at, r.id)
               from recipients r where r.partner_id = p.id and r.scope = 'global'), '[]'::json),
           'organizationRecipients', coalesce((
             select json_agg(json_build_object('id', r.id, 'email', r.email, 'priorities', r.priorities, 'note', r.note) order by r.created_at, r.id)
               from recipients r where r.partner_id = p.id and r.scope = 'organization' and r.organization_id = o.id), '[]'::json),
           'psaIntegrations', coalesce((
             select json_agg(json_build_object(
                      'id', i.id, 'name', i.name, 'vendor', i.vendor, 'status', i.status,
                      'mapping', case when m.company_id is null then null else json_build_object(
                        'companyId', m.company_id, 'companyName', coalesce(m.company_name, m.company_id),
                        'contactId', m.contact_id, 'siteId', m.site_id, 'overrides', coalesce(m.overrides, '{}'::jsonb)) end,
                      'fallback', case when coalesce(i.fallback_company_id, '') = '' then null else json_build_object(
                        'companyId', i.fallback_company_id, 'companyName', coalesce(i.fallback_company_name, i.fallback_company_id),
                        'contactId', i.fallback_contact_id) end,
                      'defaults', coalesce(i.defaults, '{}'::jsonb),
                      'priorityMap', coalesce(i.priority_map, '{}'::jsonb)) order by i.name, i.id)
               from psa_integrations i
               left join psa_company_mappings m
                      on m.integration_id = i.id and m.organization_id = o.id and m.partner_id = p.id
              where i.partner_id = p.id
                and coalesce(i.connection->>'${SETUP_KEY}', '') <> '${SETUP_UNFINISHED}'), '[]'::json)
         ) as snapshot
    from organizations o
    join partners p on p.id = o.partner_id
   where o.partner_id = $1::uuid
     and ${by === "id" ? "o.id = $2::uuid" : "o.external_ref = $2::text"}
   limit 1`;
const SNAPSHOT_BY_ID = snapshotSql("id");
const SNAPSHOT_BY_REF = snapshotSql("ref");

type SnapshotRow = { organization_id: string; snapshot: Omit<DeliveryConfigSnapshot, "email"> & { email: DeliveryConfigSnapshot["email"] | null } };

function toSnapshot(row: SnapshotRow): DeliveryConfigSnapshot {
  const s = row.snapshot;
  return { ...s, email: s.email ?? { ...EMAIL_SETTINGS_DEFAULTS } };
}

/** Binds the statement's positional parameters for Drizzle (to run it in a caller's transaction). */
function boundSnapshotSql(text: string, params: string[]): SQL {
  const chunks: SQL[] = [];
  const re = /\$(\d+)/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    chunks.push(sql.raw(text.slice(last, m.index)));
    chunks.push(sql`${params[Number(m[1]) - 1]}`);
    last = re.lastIndex;
  }
  chunks.push(sql.raw(text.slice(last)));
  return sql.join(chunks, sql.raw(""));
}

/**
 * Resolves an organization of the partner by id or by external reference and captures its snapshot, in one
 * prepared statement. Null when no organization of this partner matches.
 */
export async function loadSnapshotFor(
  partnerId: string,
  organization: { id: string } | { ref: string },
): Promise<{ organizationId: string; snapshot: DeliveryConfigSnapshot } | null> {
  const [text, key] = "id" in organization ? [SNAPSHOT_BY_ID, organization.id] : [SNAPSHOT_BY_REF, organization.ref];
  const rows = await getSqlClient().unsafe<SnapshotRow[]>(text, [partnerId, key], { prepare: true });
  const row = rows[0];
  return row ? { organizationId: row.organization_id, snapshot: toSnapshot(row) } : null;
}

/** The whole snapshot for one organization of one partner; null when the organization is not the partner's. */
export async function loadDeliveryConfigSnapshot(
  tx: Executor,
  partnerId: string,
  organizationId: string,
): Promise<DeliveryConfigSnapshot | null> {
  if (tx === db) return (await loadSnapshotFor(partnerId, { id: organizationId }))?.snapshot ?? null;
  const rows = await tx.execute<SnapshotRow>(boundSnapshotSql(SNAPSHOT_BY_ID, [partnerId, organizationId]));
  const row = [...rows][0];
  return row ? toSnapshot(row) : null;
}
