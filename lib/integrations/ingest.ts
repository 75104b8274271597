/**
 * Telemetry in (R-INT-5): POST /api/v1/telemetry/{connectionId} with the connection's ingest token.
 * Each event is stored under the organization its source is mapped to, else under the connection's selected
 * organization — never under no organization, never under another partner's (the mapping join checks the
 * partner too). This is the hot path, benchmarked against raw COPY, so a batch is stored with ONE statement:
 * resolve the batch's mappings, one multi-row insert, one upsert of seen sources (only those new or not seen
 * for a minute, so concurrent batches do not queue on the same mapping rows), and the per-organization
 * counts — all in data-modifying CTEs over one jsonb parameter, i.e. one round trip.
 */
import { eq, sql } from "drizzle-orm";
import { db } from "@/db";
import { connections } from "@/db/schema";
import { AppError } from "@/lib/errors";
import {
  TELEMETRY_MAX_EVENTS,
  TELEMETRY_MAX_PAYLOAD_BYTES,
  telemetryEventSchema,
} from "@/lib/validations/integrations";
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE, uuidSchema } from "@/lib/validations/common";
import { hashesEqual, hashToken, INGEST_TOKEN_PREFIX, looksLikeToken } from "./tokens";

export class TelemetryRequestError extends AppError {
  override readonly status: number;
  constructor(status: 400 | 401 | 403 | 409 | 413 | 415, message: string) {
    super(message);
    this.status = status;
  }
}

export type TelemetryEvent = { sourceId: string; sourceName?: string; occurredAt?: string; payload: Record<string, unknown> };
export type TelemetryRejection = { index: number; message: string };

/**
 * Checks the batch's shape (a 400 for the whole request) and each event (rejected alone, with its index and
 * reason). Pure: the route and the benchmark call it before anything touches the database.
 */
export function parseTelemetryBatch(body: unknown): { events: TelemetryEvent[]; rejected: TelemetryRejection[] } {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !("events" in body)) {
    throw new TelemetryRequestError(400, 'Send a JSON object with an "events" array: {"events": [{"source_id": "...", "payload": {...}}]}.');
  }
  const raw = (body as { events: unknown }).events;
  if (!Array.isArray(raw)) throw new TelemetryRequestError(400, '"events" must be an array.');
  if (raw.length === 0) throw new TelemetryRequestError(400, '"events" is empty: send at least one event.');
  if (raw.length > TELEMETRY_MAX_EVENTS) {
    throw new TelemetryRequestError(400, `A batch holds at most ${TELEMETRY_MAX_EVENTS} events; this one has ${raw.length}. Split it.`);
  }
  const events: TelemetryEvent[] = [];
  const rejected: TelemetryRejection[] = [];
  raw.forEach((item, index) => {
    const parsed = telemetryEventSchema.safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
      rejected.push({ index, message: `${where}${issue.message}`.slice(0, 300) });
      return;
    }
    const unstorable = findUnstorableText(parsed.data);
    if (unstorable !== null) {
      rejected.push({ index, message: `${unstorable}: ${UNSTORABLE_TEXT_MESSAGE}` });
      return;
    }
    const size = Buffer.byteLength(JSON.stringify(parsed.data.payload), "utf8");
    if (size > TELEMETRY_MAX_PAYLOAD_BYTES) {
      rejected.push({ index, message: `payload is ${size} bytes; the limit is ${TELEMETRY_MAX_PAYLOAD_BYTES} bytes per event.` });
      return;
    }
    events.push({
      sourceId: parsed.data.source_id,
      sourceName: parsed.data.source_name,
      occurredAt: parsed.data.occurred_at,
      payload: parsed.data.payload,
    });
  });
  return { events, rejected };
}

export type IngestConnection = { id: string; partnerId: string; organizationId: string; lastTelemetryAt: Date | null };

const UNAUTHORIZED = "Send this connection's ingest token as Authorization: Bearer sbt_... (shown once when the connection was created; rotate it on the connection's page).";

/** Resolves `Authorization: Bearer sbt_...` for one connection. Unknown connection and wrong token look alike. */
export async function authenticateIngest(connectionId: string, authorization: string | null): Promise<IngestConnection> {
  const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!m || !looksLikeToken(INGEST_TOKEN_PREFIX, m[1]) || !uuidSchema.safeParse(connectionId).success) {
    throw new TelemetryRequestError(401, UNAUTHORIZED);
  }
  const [row] = await db
    .select({
      id: connections.id,
      partnerId: connections.partnerId,
      organizationId: connections.organizationId,
      status: connections.status,
      tokenHash: connections.ingestTokenHash,
      lastTelemetryAt: connections.lastTelemetryAt,
    })
    .from(connections)
    .where(eq(connections.id, connectionId))
    .limit(1);
  if (!row || !row.tokenHash || !hashesEqual(row.tokenHash, hashToken(m[1]))) throw new TelemetryRequestError(401, UNAUTHORIZED);
  if (row.status === "disabled") throw new TelemetryRequestError(403, "This connection is disabled; enable it in Switchboard to accept telemetry again.");
  if (row.status === "pending") {
    throw new TelemetryRequestError(409, "This connection is waiting for authorization (consent not completed yet); telemetry is accepted once it is connected.");
  }
  return { id: row.id, partnerId: row.partnerId, organizationId: row.organizationId, lastTelemetryAt: row.lastTelemetryAt };
}

export type StoredByOrganization = { organization_id: string; organization_name: string; stored: number };

/** Stores validated events in one statement (see the module comment); returns counts per organization. */
export async function storeTelemetry(conn: IngestConnection, events: TelemetryEvent[]): Promise<{ stored: number; organizations: StoredByOrganization[] }> {
  if (!events.length) return { stored: 0, organizations: [] };
  const batch = JSON.stringify(events.map((e) => ({ s: e.sourceId, n: e.sourceName ?? null, o: e.occurredAt ?? null, p: e.payload })));
  // last_telemetry_at is touched at most once a minute: a per-batch update of one hot row would serialise
  // concurrent batches of the same connection.
  const touch =
    !conn.lastTelemetryAt || Date.now() - conn.lastTelemetryAt.getTime() > 60_000
      ? sql`, touch as (update connections set last_telemetry_at = now() where id = ${conn.id}::uuid)`
      : sql``;
  const rows = await db.execute<{ organization_id: string; organization_name: string; stored: number }>(sql`
    with input as (
      select * from jsonb_to_recordset(${batch}::jsonb) as t(s text, n text, o timestamptz, p jsonb)
    ),
    srcs as (
      select s, max(n) as n from input group by s
    ),
    m as (
      select cm.external_source_id, cm.last_seen_at, o.id as organization_id
      from connection_mappings cm
      left join organizations o on o.id = cm.organization_id and o.partner_id = ${conn.partnerId}::uuid
      where cm.connection_id = ${conn.id}::uuid and cm.external_source_id in (select s from srcs)
    ),
    ins as (
      insert into telemetry_events (partner_id, organization_id, connection_id, external_source_id, occurred_at, payload)
      select ${conn.partnerId}::uuid, coalesce(m.organization_id, ${conn.organizationId}::uuid), ${conn.id}::uuid, i.s, i.o, i.p
      from input i left join m on m.external_source_id = i.s
      returning organization_id
    ),
    seen as (
      insert into connection_mappings (connection_id, external_source_id, external_source_name, last_seen_at)
      select ${conn.id}::uuid, srcs.s, srcs.n, now()
      from srcs left join m on m.external_source_id = srcs.s
      where m.external_source_id is null or m.last_seen_at is null or m.last_seen_at < now() - interval '1 minute'
      on conflict (connection_id, external_source_id) do update
        set last_seen_at = excluded.last_seen_at,
            external_source_name = coalesce(connection_mappings.external_source_name, excluded.external_source_name)
    )
    ${touch}
    select ins.organization_id, o.name as organization_name, count(*)::int as stored
    from ins join organizations o on o.id = ins.organization_id
    group by ins.organization_id, o.name
    order by o.name
  `);
  const organizations = [...rows].map((r) => ({ organization_id: r.organization_id, organization_name: r.organization_name, stored: Number(r.stored) }));
  return { stored: organizations.reduce((n, o) => n + o.stored, 0), organizations };
}
