/**
 * `npm run bench:ingest` — telemetry ingest through the API (POST /api/v1/telemetry/{connectionId}, production
 * build, the connection's ingest token) in batches of 500 events, against raw PostgreSQL COPY of the same rows
 * (postgres-js `copy … from stdin`, 500 rows per COPY), same number of concurrent clients, same run.
 * The connection belongs to the bench partner: 60 external sources, 50 of them mapped to organizations
 * (R-INT-5: mapped events go to the mapped organization, the rest to the connection's organization).
 *
 * Env: BENCH_DURATION_MS (15000), BENCH_INGEST_CLIENTS (4), BENCH_INGEST_BATCH (500).
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import postgres from "postgres";
import { closeDb } from "@/db";
import { INGEST_TOKEN_PREFIX, issueToken } from "@/lib/integrations/tokens";
import { fmt, log, machine, ratio, readSeedInfo, startBenchDb, stopAllChildren, stopChild, useProductEnv, writeResults, runBench } from "./lib/common";
import { Rng } from "./lib/data";
import { closedLoop, httpClient } from "./lib/load";
import { ensureBuild, startWeb } from "./lib/web";

const DURATION = Number(process.env.BENCH_DURATION_MS ?? 15_000);
const CLIENTS = Number(process.env.BENCH_INGEST_CLIENTS ?? 4);
const BATCH = Number(process.env.BENCH_INGEST_BATCH ?? 500);
const SOURCES = 60;
const MAPPED = 50;

function copyEscape(s: string): string {
  return /[\\\n\r\t]/.test(s) ? s.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t")) : s;
}

async function main() {
  const info = readSeedInfo();
  const bench = await startBenchDb();
  useProductEnv(bench.url);
  const sql = postgres(bench.url, { max: CLIENTS + 1, onnotice: () => {}, connection: { application_name: "bench-copy" } });
  const connectionId = randomUUID();
  try {
    await ensureBuild();
    const orgIds = info.sampleOrganizationIds;
    const token = issueToken(INGEST_TOKEN_PREFIX);
    await sql`insert into connections (id, partner_id, app_type, entry_point, organization_id, name, instance_key, auth_mode, status, ingest_token_hash, ingest_token_prefix)
              values (${connectionId}, ${info.benchPartnerId}, 'datto_rmm', 'settings', ${orgIds[0]}, 'Bench Datto RMM', ${`bench:${connectionId}`}, 'credentials', 'connected', ${token.hash}, ${token.prefix})`;
    const sourceOrg = new Map<string, string>();
    for (let k = 0; k < SOURCES; k++) {
      const org = k < MAPPED ? orgIds[(k * 37) % orgIds.length] : null;
      await sql`insert into connection_mappings (connection_id, external_source_id, external_source_name, organization_id) values (${connectionId}, ${`site-${k}`}, ${`Site ${k}`}, ${org})`;
      sourceOrg.set(`site-${k}`, org ?? orgIds[0]);
    }

    // The same batches for both sides.
    const rng = new Rng("bench-ingest");
    const kinds = ["process_start", "logon", "network_connection", "file_write", "dns_query", "service_install"];
    const batches = Array.from({ length: 40 }, () =>
      Array.from({ length: BATCH }, () => {
        const source = `site-${rng.int(SOURCES)}`;
        return {
          source_id: source,
          occurred_at: new Date(Date.now() - rng.int(600_000)).toISOString(),
          payload: {
            kind: rng.pick(kinds),
            host: `WS-${rng.int(500)}`,
            user: `user${rng.int(200)}`,
            process: rng.pick(["powershell.exe", "chrome.exe", "svchost.exe", "outlook.exe", "winword.exe"]),
            pid: rng.int(60_000),
            command_line: `C:\\Windows\\System32\\cmd.exe /c echo ${rng.int(1e9)}`,
            sha256: rng.u32().toString(16).padStart(8, "0").repeat(8),
            remote_ip: `198.51.100.${rng.int(254) + 1}`,
          },
        };
      }),
    );
    const bodies = batches.map((events) => JSON.stringify({ events }));

    // ---- through the API ---------------------------------------------------------------------------
    const web = await startWeb(bench.url);
    const http = httpClient(CLIENTS * 2);
    const headers = { authorization: `Bearer ${token.token}` };
    const post = async (i: number) => {
      const text = await http.post(`${web.url}/api/v1/telemetry/${connectionId}`, bodies[i % bodies.length], headers, (s) => s === 200);
      const r = JSON.parse(text) as { stored: number };
      if (r.stored !== BATCH) throw new Error(`stored ${r.stored} of ${BATCH}`);
    };
    for (let i = 0; i < 10; i++) await post(i);
    const api = await closedLoop(CLIENTS, DURATION, post);
    const apiEvents = api.perSecond * BATCH;
    log(`API ingest, ${CLIENTS} clients, batches of ${BATCH}: ${fmt(apiEvents)} events/s (batch p50 ${fmt(api.latencyMs.p50)} ms, p99 ${fmt(api.latencyMs.p99)} ms, ${api.errors} errors${api.firstError ? `: ${api.firstError}` : ""})`);
    await http.close();
    await stopChild(web.child);

    // ---- raw COPY of the same rows -----------------------------------------------------------------
    const copyText = batches.map((events) =>
      events
        .map((e) => `${info.benchPartnerId}\t${sourceOrg.get(e.source_id)}\t${connectionId}\t${e.source_id}\t${e.occurred_at}\t${copyEscape(JSON.stringify(e.payload))}\n`)
        .join(""),
    );
    const copy = async (i: number) => {
      const w = await sql`copy telemetry_events (partner_id, organization_id, connection_id, external_source_id, occurred_at, payload) from stdin`.writable();
      const done = once(w, "finish");
      w.end(copyText[i % copyText.length]);
      await done;
    };
    for (let i = 0; i < 10; i++) await copy(i);
    const raw = await closedLoop(CLIENTS, DURATION, copy);
    const rawEvents = raw.perSecond * BATCH;
    log(`raw COPY, ${CLIENTS} connections, ${BATCH} rows each: ${fmt(rawEvents)} events/s`);

    const [stored] = await sql<{ n: number }[]>`select count(*)::int as n from telemetry_events where connection_id = ${connectionId}`;
    writeResults(
      "ingest",
      [
        {
          id: "ingest",
          figure: `Telemetry ingest via API, batches of ${BATCH}, ${CLIENTS} clients (events/s)`,
          value: fmt(apiEvents),
          baseline: `raw PostgreSQL COPY of the same rows, ${BATCH} per COPY, ${CLIENTS} connections`,
          baselineValue: fmt(rawEvents),
          ratio: ratio(apiEvents, rawEvents),
          target: "≥ 0.5×",
          met: apiEvents / rawEvents >= 0.5 ? "yes" : `no (${ratio(apiEvents, rawEvents)})`,
        },
      ],
      { machine: machine(), api, raw, apiEvents, rawEvents, storedRows: stored.n },
    );
  } finally {
    await sql`delete from telemetry_events where connection_id = ${connectionId}`.catch(() => undefined);
    await sql`delete from connections where id = ${connectionId}`.catch(() => undefined);
    await sql.end({ timeout: 5 });
    await closeDb();
    await stopAllChildren();
    await bench.stop();
  }
}

runBench(main);
