/**
 * `npm run bench:seed` — fills the bench database (embedded PostgreSQL under bench/.data/pg, database
 * switchboard_bench) with a large, realistic tenant set:
 *   20 partners (MSPs; sizes Zipf-distributed, so partner 1 — the one the benchmarks log into — is the largest),
 *   10,000 organizations, 200 global recipients (10 per partner), 50,000 organization recipients with mixed
 *   priority scopes (some also global, to exercise de-duplication), 5 PSA integrations per partner (one per
 *   vendor, every organization mapped, defaults and priority maps valid against the fake PSAs),
 *   1,000,000 alerts over the last 90 days with their deliveries and delivery attempts.
 *
 * Every alert is planned by the product's own planner (lib/delivery/plan.ts) against the snapshot the
 * product's own loader (lib/delivery/snapshot.ts) returns, so the stored rows are exactly what intake would
 * have written; historic deliveries are then marked sent (or, for 1.5 %, dead after 8 attempts).
 *
 * Fast: configuration with COPY; alerts, deliveries and attempts streamed through three COPY streams with the
 * tables' indexes and constraints dropped first and rebuilt afterwards (sorted builds), synchronous_commit off.
 * Reproducible: every id, name and value comes from a seeded PRNG (--seed); timestamps are offsets from the
 * run's anchor time (recorded in bench/.data/seed.json).
 *
 *   npm run bench:seed                    # full scale; no-op when bench/.data already holds this seed
 *   npm run bench:seed -- --scale 0.01    # 1 % (100 organizations, 10,000 alerts) for development
 *   npm run bench:seed -- --force         # rebuild
 */
import { once } from "node:events";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Writable } from "node:stream";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { hashPassword } from "@/lib/auth/accounts";
import { hashToken } from "@/lib/auth/api-keys";
import { encryptCredentials } from "@/lib/crypto/secrets";
import { DEFAULT_GLOBAL_SUBJECT_FORMAT, DEFAULT_ORGANIZATION_SUBJECT_FORMAT } from "@/lib/delivery/render/subject";
import { planDelivery } from "@/lib/delivery/plan";
import { loadDeliveryConfigSnapshot } from "@/lib/delivery/snapshot";
import type { AlertForDelivery, DeliveryConfigSnapshot, Priority } from "@/lib/delivery/types";
import { createPsaClient, getPsaDescriptor, PSA_VENDORS, type PsaVendor } from "@/lib/psa";
import { startFakePsas } from "@/lib/psa/fakes";
import { closeDb, getDb } from "@/db";
import { runMigrations } from "@/db/migrate";
import {
  DATA_DIR,
  DB_NAME,
  ROOT,
  TSX_CLI,
  log,
  readSeedInfo,
  SEED_FILE,
  startBenchDb,
  useProductEnv,
  databaseExists,
  type SeedInfo,
} from "./lib/common";
import { apportion, generateAlert, organizationName, Rng, WeightedPicker, zipfWeights } from "./lib/data";

const SEED_VERSION = 1;
const { values: args } = parseArgs({
  options: {
    scale: { type: "string", default: process.env.BENCH_SCALE ?? "1" },
    seed: { type: "string", default: "switchboard-bench-1" },
    force: { type: "boolean", default: false },
    /** Internal: this process is ledger generator `part` of `parts`. */
    part: { type: "string" },
    parts: { type: "string" },
  },
});
const scale = Number(args.scale);
if (!(scale > 0 && scale <= 1)) throw new Error("--scale must be in (0, 1]");
const N_PARTNERS = 20;
const N_ORGS = Math.max(N_PARTNERS * 2, Math.round(10_000 * scale));
const N_GLOBAL_PER_PARTNER = 10;
const N_ORG_RECIPIENTS = Math.round(50_000 * scale);
const N_ALERTS = Math.round(1_000_000 * scale);
const DAYS = 90;
/** Ledger generator processes (each drives three COPY streams). */
const PARTS = Number(process.env.BENCH_SEED_PARTS ?? 2);
const JOB_FILE = path.join(DATA_DIR, "seed-job.json");
const partFile = (part: number) => path.join(DATA_DIR, `seed-part-${part}.json`);

// ---------------------------------------------------------------------------------------------------------
// COPY helpers

function esc(v: unknown): string {
  if (v === null || v === undefined) return "\\N";
  const s = typeof v === "string" ? v : v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[\\\n\r\t]/.test(s) ? s.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t")) : s;
}

/** Buffers COPY text rows and writes them in ~1 MiB chunks, honouring back-pressure. */
class CopyWriter {
  private buf: string[] = [];
  private size = 0;
  rows = 0;
  private constructor(private readonly w: Writable) {}

  static async open(sql: postgres.Sql, table: string, columns: string[]): Promise<CopyWriter> {
    const w = await sql.unsafe(`copy ${table} (${columns.join(", ")}) from stdin`).writable();
    return new CopyWriter(w);
  }

  /** Adds one row; returns a promise only when the caller must wait for the socket to drain. */
  push(fields: unknown[]): Promise<void> | undefined {
    const line = fields.map(esc).join("\t") + "\n";
    this.buf.push(line);
    this.size += line.length;
    this.rows += 1;
    return this.size > 1 << 20 ? this.flush() : undefined;
  }

  /** Adds one pre-formatted COPY text line (fields already escaped). */
  line(text: string): Promise<void> | undefined {
    this.buf.push(text);
    this.size += text.length;
    this.rows += 1;
    return this.size > 1 << 20 ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    if (!this.size) return;
    const chunk = this.buf.join("");
    this.buf = [];
    this.size = 0;
    if (!this.w.write(chunk)) await once(this.w, "drain");
  }

  async end(): Promise<void> {
    await this.flush();
    const done = new Promise<void>((resolve, reject) => {
      this.w.once("finish", () => resolve());
      this.w.once("error", reject);
    });
    this.w.end();
    await done;
  }
}

async function copyAll(sql: postgres.Sql, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  const w = await CopyWriter.open(sql, table, columns);
  for (const r of rows) await w.push(r);
  await w.end();
}

// ---------------------------------------------------------------------------------------------------------
// PSA configuration that the fake PSAs accept (looked up from them, verified with one ticket each)

type VendorSetup = SeedInfo["vendorSetup"][string];

async function vendorSetups(): Promise<Record<PsaVendor, VendorSetup & { credentials: Record<string, string> }>> {
  const fakes = await startFakePsas();
  try {
    const out = {} as Record<PsaVendor, VendorSetup & { credentials: Record<string, string> }>;
    for (const vendor of PSA_VENDORS) {
      const fake = fakes[vendor];
      const credentials = Object.fromEntries(
        Object.entries(fake.credentials).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
      );
      const client = createPsaClient(vendor, credentials, { allowPrivate: ["127.0.0.1", "localhost"] });
      const descriptor = getPsaDescriptor(vendor);
      const defaults: Record<string, string> = {};
      for (const field of descriptor.ticketFields) {
        if (!field.required || field.dependsOn.includes("companyId") || !field.lookup) continue;
        const params = Object.fromEntries(field.dependsOn.map((d) => [d, defaults[d]]));
        const items = await client.lookup(field.lookup, params);
        // Halo's CAB-approval ticket type refuses API tickets, as the real one does.
        defaults[field.key] = (items.find((i) => !/CAB/.test(i.name)) ?? items[0]).id;
      }
      const pParams = Object.fromEntries(descriptor.priority.dependsOn.map((d) => [d, defaults[d]]).filter(([, v]) => v));
      const priorities = await client.lookup(descriptor.priority.lookup!, pParams);
      const priorityMap: Record<string, string> = {};
      (["low", "medium", "high", "critical"] as const).forEach((p, i) => {
        priorityMap[p] = priorities[Math.min(i, priorities.length - 1)].id;
      });
      const companies = (await client.listAllCompanies()).map((c) => ({ id: c.id, name: c.name }));
      // Proof that a ticket with these values is accepted.
      await client.createTicket({
        companyId: companies[0].id,
        title: "Switchboard bench seed check [sb:seed-check]",
        body: "seed check",
        reference: "sb:seed-check",
        priorityId: priorityMap.high,
        fields: defaults,
      });
      out[vendor] = { defaults, priorityMap, companies, credentials };
    }
    return out;
  } finally {
    await fakes.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------

type Org = { id: string; partnerIndex: number; name: string; externalRef: string; deliveryEnabled: boolean };

const SCOPES: Priority[][] = [
  ["medium", "high", "critical"],
  ["critical"],
  ["high", "critical"],
  ["low", "medium", "high", "critical"],
  ["low", "medium"],
];
const SCOPE_PICKER = new WeightedPicker(SCOPES, [40, 20, 15, 15, 10]);

async function main() {
  const t0 = performance.now();
  const seconds: Record<string, number> = {};
  const lap = (name: string, since: number) => (seconds[name] = Math.round((performance.now() - since) / 100) / 10);

  const bench = await startBenchDb({ create: true });
  try {
    if (!args.force && existsSync(SEED_FILE)) {
      const info = readSeedInfo();
      if (info.version === SEED_VERSION && info.seed === args.seed && info.scale === scale && (await databaseExists(bench.serverUrl, DB_NAME))) {
        log(`bench data set already seeded (seed ${info.seed}, scale ${info.scale}, ${info.counts.alerts} alerts); --force rebuilds it`);
        return;
      }
    }
    log(`seeding scale ${scale}: ${N_ORGS} organizations, ${N_ORG_RECIPIENTS} organization recipients, ${N_ALERTS} alerts (seed ${args.seed})`);
    // A fresh database: drop and recreate, then migrate.
    const admin = postgres(bench.serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists "${DB_NAME}" with (force)`);
    await admin.unsafe(`create database "${DB_NAME}"`);
    await admin.end({ timeout: 5 });
    rmSync(SEED_FILE, { force: true });
    await runMigrations(bench.url);
    useProductEnv(bench.url);

    const rng = new Rng(args.seed!);
    const anchor = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const sql = postgres(bench.url, { max: 4, onnotice: () => {}, connection: { synchronous_commit: "off", application_name: "bench-seed" } });

    // --- PSA vendor facts from the fakes -------------------------------------------------------------
    let t = performance.now();
    const vendors = await vendorSetups();
    lap("vendorSetup", t);

    // --- partners, login, API key, email settings ----------------------------------------------------
    t = performance.now();
    const partnerIds = Array.from({ length: N_PARTNERS }, () => rng.uuid());
    const partnerNames = partnerIds.map((_, i) => `Bench MSP ${String(i + 1).padStart(2, "0")}`);
    await copyAll(sql, "partners", ["id", "name", "created_at"], partnerIds.map((id, i) => [id, partnerNames[i], new Date(anchor.getTime() - 400 * 86400_000)]));
    const password = `bench-${rng.uuid()}`;
    const email = "bench-admin@switchboard.test";
    const userId = rng.uuid();
    await sql`insert into "user" (id, name, email, email_verified) values (${userId}, 'Bench Admin', ${email}, false)`;
    await sql`insert into account (id, account_id, provider_id, user_id, password) values (${rng.uuid()}, ${userId}, 'credential', ${userId}, ${await hashPassword(password)})`;
    await sql`insert into memberships (id, partner_id, user_id, role) values (${rng.uuid()}, ${partnerIds[0]}, ${userId}, 'admin')`;
    const apiKey = `sbk_${Buffer.from(Array.from({ length: 32 }, () => rng.int(256))).toString("base64url")}`;
    await sql`insert into api_keys (id, partner_id, name, prefix, key_hash) values (${rng.uuid()}, ${partnerIds[0]}, 'bench', ${apiKey.slice(0, 12)}, ${hashToken(apiKey)})`;
    await copyAll(
      sql,
      "email_settings",
      ["partner_id", "global_subject_format", "organization_subject_format", "respond_event_detail", "ioc_event_detail"],
      partnerIds.map((id, i) => [id, DEFAULT_GLOBAL_SUBJECT_FORMAT, DEFAULT_ORGANIZATION_SUBJECT_FORMAT, i % 3 !== 2, i % 4 !== 3]),
    );

    // --- organizations (Zipf over partners) -----------------------------------------------------------
    const orgsPerPartner = apportion(N_ORGS, zipfWeights(N_PARTNERS, 1), 2);
    const orgs: Org[] = [];
    const orgsByPartner: Org[][] = partnerIds.map(() => []);
    let n = 0;
    for (let p = 0; p < N_PARTNERS; p++) {
      for (let k = 0; k < orgsPerPartner[p]; k++) {
        n += 1;
        const org: Org = { id: rng.uuid(), partnerIndex: p, name: organizationName(rng, n), externalRef: `ORG-${String(n).padStart(6, "0")}`, deliveryEnabled: !rng.chance(0.05) };
        orgs.push(org);
        orgsByPartner[p].push(org);
      }
    }
    await copyAll(
      sql,
      "organizations",
      ["id", "partner_id", "name", "notes", "external_ref", "delivery_enabled", "created_at", "updated_at"],
      orgs.map((o, i) => {
        const at = new Date(anchor.getTime() - (380 - (i / orgs.length) * 300) * 86400_000);
        return [o.id, partnerIds[o.partnerIndex], o.name, rng.chance(0.3) ? "Managed since onboarding; 24×7 SOC coverage." : null, o.externalRef, o.deliveryEnabled, at, at];
      }),
    );

    // --- recipients ---------------------------------------------------------------------------------
    const recipientRows: unknown[][] = [];
    let rc = 0;
    const recipientAt = () => new Date(anchor.getTime() - 200 * 86400_000 + rc++ * 1000);
    const globalEmails: string[][] = partnerIds.map((_, p) =>
      Array.from({ length: N_GLOBAL_PER_PARTNER }, (_, k) => `${["soc", "noc", "alerts", "security", "oncall"][k % 5]}${Math.floor(k / 5) || ""}@msp${String(p + 1).padStart(2, "0")}.example`),
    );
    partnerIds.forEach((pid, p) => {
      for (const e of globalEmails[p]) recipientRows.push([rng.uuid(), pid, "global", null, e, "{}", null, recipientAt()]);
    });
    const perOrg = new Map<string, number>();
    for (let k = 0; k < N_ORG_RECIPIENTS; k++) {
      const org = orgs[rng.int(orgs.length)];
      const j = perOrg.get(org.id) ?? 0;
      perOrg.set(org.id, j + 1);
      // 5 %: the partner's global address again (one email with the global subject, R-DEL-5).
      const addr = rng.chance(0.05) && j < N_GLOBAL_PER_PARTNER ? globalEmails[org.partnerIndex][j] : `it${j}@${org.externalRef.toLowerCase()}.example`;
      const scope = SCOPE_PICKER.pick(rng);
      recipientRows.push([rng.uuid(), partnerIds[org.partnerIndex], "organization", org.id, addr, `{${scope.join(",")}}`, rng.chance(0.2) ? "Customer IT manager" : null, recipientAt()]);
    }
    await copyAll(sql, "recipients", ["id", "partner_id", "scope", "organization_id", "email", "priorities", "note", "created_at"], recipientRows);

    // --- PSA integrations and mappings ----------------------------------------------------------------
    const integrationRows: unknown[][] = [];
    const mappingRows: unknown[][] = [];
    partnerIds.forEach((pid, p) => {
      PSA_VENDORS.forEach((vendor, v) => {
        const id = rng.uuid();
        const setup = vendors[vendor];
        const fallback = setup.companies[0];
        integrationRows.push([
          id,
          pid,
          vendor,
          `${getPsaDescriptor(vendor).displayName} (${partnerNames[p]})`,
          "active",
          encryptCredentials(setup.credentials, { partnerId: pid, rowId: id }),
          setup.defaults,
          setup.priorityMap,
          fallback.id,
          fallback.name,
          new Date(anchor.getTime() - 390 * 86400_000 + v * 60_000),
        ]);
        for (const org of orgsByPartner[p]) {
          const c = setup.companies[rng.int(setup.companies.length)];
          mappingRows.push([rng.uuid(), pid, id, org.id, c.id, c.name, rng.chance(0.1) ? { priority: setup.priorityMap.critical } : {}]);
        }
      });
    });
    await copyAll(
      sql,
      "psa_integrations",
      ["id", "partner_id", "vendor", "name", "status", "credentials_ciphertext", "defaults", "priority_map", "fallback_company_id", "fallback_company_name", "created_at"],
      integrationRows,
    );
    await copyAll(sql, "psa_company_mappings", ["id", "partner_id", "integration_id", "organization_id", "company_id", "company_name", "overrides"], mappingRows);
    await sql`analyze`;
    lap("configuration", t);

    // --- snapshots, with the product's loader ---------------------------------------------------------
    t = performance.now();
    const db = getDb();
    const snapshots = new Map<string, { snapshot: DeliveryConfigSnapshot; json: string }>();
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (;;) {
          const i = next++;
          if (i >= orgs.length) return;
          const o = orgs[i];
          const s = await loadDeliveryConfigSnapshot(db, partnerIds[o.partnerIndex], o.id);
          if (!s) throw new Error(`no snapshot for ${o.id}`);
          snapshots.set(o.id, { snapshot: s, json: JSON.stringify(s) });
        }
      }),
    );
    lap("snapshots", t);

    // --- drop indexes and constraints of the ledger tables --------------------------------------------
    t = performance.now();
    const ledger = ["alerts", "deliveries", "delivery_attempts"];
    const cons = await sql<{ name: string; tbl: string; def: string; type: string }[]>`
      select conname as name, conrelid::regclass::text as tbl, pg_get_constraintdef(oid) as def, contype::text as type
        from pg_constraint
       where contype in ('p', 'u', 'f')
         and (conrelid::regclass::text = any(${ledger}) or (contype = 'f' and confrelid::regclass::text = any(${ledger})))`;
    const idx = await sql<{ name: string; def: string }[]>`
      select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
        from pg_index i
       where i.indrelid::regclass::text = any(${ledger})
         and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`;
    for (const c of cons.filter((c) => c.type === "f")) await sql.unsafe(`alter table ${c.tbl} drop constraint "${c.name}"`);
    for (const c of cons.filter((c) => c.type !== "f")) await sql.unsafe(`alter table ${c.tbl} drop constraint "${c.name}"`);
    for (const i of idx) await sql.unsafe(`drop index ${i.name}`);
    lap("dropIndexes", t);

    // --- alerts, deliveries, attempts: PARTS child processes, each with its own three COPY streams -------
    t = performance.now();
    const alertsPerPartner = apportion(N_ALERTS, orgsPerPartner.map((x) => x / N_ORGS), 1);
    const job: LedgerJob = {
      seed: args.seed!,
      anchor: anchor.toISOString(),
      nAlerts: N_ALERTS,
      partnerIds,
      alertsPerPartner,
      orgsByPartner: orgsByPartner.map((list) => list.map((o) => o.id)),
      snapshots: Object.fromEntries([...snapshots].map(([id, s]) => [id, s.snapshot])),
      url: bench.url,
    };
    writeFileSync(JOB_FILE, JSON.stringify(job));
    const results = await Promise.all(
      Array.from({ length: PARTS }, (_, part) =>
        new Promise<PartResult>((resolve, reject) => {
          const child = spawn(process.execPath, [TSX_CLI, fileURLToPath(import.meta.url), "--part", String(part), "--parts", String(PARTS)], {
            cwd: ROOT,
            env: process.env,
            stdio: ["ignore", "inherit", "inherit"],
          });
          child.on("exit", (code) => {
            if (code !== 0) return reject(new Error(`ledger part ${part} exited ${code}`));
            resolve(JSON.parse(readFileSync(partFile(part), "utf8")) as PartResult);
          });
        }),
      ),
    );
    rmSync(JOB_FILE, { force: true });
    const deliveryCount = results.reduce((a, r) => a + r.deliveries, 0);
    const attemptCount = results.reduce((a, r) => a + r.attempts, 0);
    const sample20 = results.find((r) => r.sample20)?.sample20 ?? "";
    lap("ledgerCopy", t);
    log(`  copied ${N_ALERTS} alerts, ${deliveryCount} deliveries, ${attemptCount} attempts in ${seconds.ledgerCopy} s`);

    // --- rebuild indexes and constraints --------------------------------------------------------------
    t = performance.now();
    await sql.unsafe(`select setval(pg_get_serial_sequence('delivery_attempts', 'id'), (select coalesce(max(id), 1) from delivery_attempts))`);
    for (const c of cons.filter((c) => c.type === "p")) await sql.unsafe(`alter table ${c.tbl} add constraint "${c.name}" ${c.def}`);
    for (const c of cons.filter((c) => c.type === "u")) await sql.unsafe(`alter table ${c.tbl} add constraint "${c.name}" ${c.def}`);
    for (const i of idx) await sql.unsafe(i.def);
    for (const c of cons.filter((c) => c.type === "f")) await sql.unsafe(`alter table ${c.tbl} add constraint "${c.name}" ${c.def}`);
    lap("rebuildIndexes", t);
    t = performance.now();
    await sql.unsafe("vacuum (analyze) alerts, deliveries, delivery_attempts");
    await sql.unsafe("checkpoint");
    lap("vacuumAnalyze", t);

    const [size] = await sql<{ bytes: string }[]>`select pg_database_size(current_database())::text as bytes`;
    const byTable = await sql<{ name: string; bytes: string }[]>`
      select c.relname as name, pg_total_relation_size(c.oid)::text as bytes
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind = 'r' order by pg_total_relation_size(c.oid) desc limit 12`;
    const benchOrgs = await sql<{ id: string }[]>`select id from organizations where partner_id = ${partnerIds[0]} order by name, id`;
    const [withRecipients] = await sql<{ id: string }[]>`
      select organization_id as id from recipients where partner_id = ${partnerIds[0]} and scope = 'organization'
       group by organization_id order by count(*) desc, organization_id limit 1`;
    const counts: Record<string, number> = {};
    for (const tname of ["partners", "organizations", "recipients", "psa_integrations", "psa_company_mappings", "alerts", "deliveries", "delivery_attempts"]) {
      const [r] = await sql.unsafe(`select count(*)::bigint as n from ${tname}`);
      counts[tname] = Number(r.n);
    }
    seconds.total = Math.round((performance.now() - t0) / 100) / 10;
    const info: SeedInfo = {
      version: SEED_VERSION,
      seed: args.seed!,
      scale,
      anchor: anchor.toISOString(),
      counts,
      seconds,
      benchPartnerId: partnerIds[0],
      benchPartnerName: partnerNames[0],
      login: { email, password },
      apiKey,
      sampleOrganizationIds: benchOrgs.map((r) => r.id),
      sampleAlertId20: sample20,
      sampleOrganizationWithRecipients: withRecipients?.id ?? benchOrgs[0].id,
      vendorSetup: Object.fromEntries(Object.entries(vendors).map(([v, s]) => [v, { defaults: s.defaults, priorityMap: s.priorityMap, companies: s.companies }])),
      databaseBytes: Number(size.bytes),
      databaseBytesByTable: Object.fromEntries(byTable.map((r) => [r.name, Number(r.bytes)])),
    };
    writeFileSync(SEED_FILE, JSON.stringify(info, null, 2));
    log(`seeded in ${seconds.total} s: ${JSON.stringify(counts)}; database ${(info.databaseBytes / 2 ** 30).toFixed(2)} GiB; timings ${JSON.stringify(seconds)}`);
    await sql.end({ timeout: 5 });
    await closeDb();
  } finally {
    await bench.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Ledger generator (child process): alerts k ≡ part (mod parts), planned by the product's planner.
//
// Planning every alert from scratch would dominate the seed (Liquid renders two subjects per alert), so each
// (organization, priority) is planned once with a placeholder title, and the alert's own title is put into
// the rendered subjects. The planner output depends on the alert only through priority and (via the subject
// formats, which name alert.priority, alert.title and organization.name) the title, so this is exact; every
// 500th alert is planned again from scratch and compared, and the seed stops on any difference.

type LedgerJob = {
  seed: string;
  anchor: string;
  nAlerts: number;
  partnerIds: string[];
  alertsPerPartner: number[];
  orgsByPartner: string[][];
  snapshots: Record<string, DeliveryConfigSnapshot>;
  url: string;
};
type PartResult = { alerts: number; deliveries: number; attempts: number; sample20: string };

const PLACEHOLDER = "QQBENCHTITLEQQ";

type Tpl = {
  summary: string;
  deliveries: { skipped: boolean; channel: "psa" | "email"; fixed: string; payload: string[]; row: PlannedRowCheck }[];
};
type PlannedRowCheck = { channel: string; target: string; status: string; rule: string; reason: string; payload: string };

function plannedRows(plan: ReturnType<typeof planDelivery>): PlannedRowCheck[] {
  return plan.deliveries.map((d) => ({
    channel: d.channel,
    target: d.target,
    status: d.status,
    rule: d.rule,
    reason: d.reason,
    payload: JSON.stringify(d.channel === "psa" ? { psa: d.psa } : { email: d.email }),
  }));
}

async function generatePart(part: number, parts: number): Promise<void> {
  const job = JSON.parse(readFileSync(JOB_FILE, "utf8")) as LedgerJob;
  const rng = new Rng(`${job.seed}:ledger:${part}/${parts}`);
  const sql = postgres(job.url, { max: 3, onnotice: () => {}, connection: { synchronous_commit: "off", application_name: `bench-seed-${part}` } });
  const alertsW = await CopyWriter.open(sql, "alerts", [
    "id", "partner_id", "organization_id", "priority", "title", "summary", "detected_at", "source", "respond_events", "ioc_matches", "snapshot", "plan_summary", "idempotency_key", "is_test", "created_at",
  ]);
  const deliveriesW = await CopyWriter.open(sql, "deliveries", [
    "id", "partner_id", "alert_id", "channel", "target", "status", "rule", "reason", "payload", "attempts", "manual_retries", "next_attempt_at", "lease_until", "lease_owner", "external_ref", "last_error", "sent_at", "created_at", "updated_at",
  ]);
  const attemptsW = await CopyWriter.open(sql, "delivery_attempts", ["delivery_id", "attempt", "started_at", "duration_ms", "outcome", "http_status", "error", "worker"]);

  const partnerPicker = new WeightedPicker(job.partnerIds.map((_, i) => i), job.alertsPerPartner);
  const orgPickers = job.orgsByPartner.map((list) => new WeightedPicker(list, zipfWeights(list.length, 0.7)));
  const snapJson = new Map<string, string>();
  const templates = new Map<string, Tpl>();
  const template = (orgId: string, priority: Priority): Tpl => {
    const key = `${orgId}:${priority}`;
    let tpl = templates.get(key);
    if (tpl) return tpl;
    const plan = planDelivery(
      { id: "00000000-0000-4000-8000-000000000000", organizationId: orgId, priority, title: PLACEHOLDER, summary: "", detectedAt: new Date(0), source: null, respondEvents: [], iocMatches: [] },
      job.snapshots[orgId],
    );
    tpl = {
      summary: esc(plan.summary),
      deliveries: plannedRows(plan).map((r) => ({
        skipped: r.status === "skipped",
        channel: r.channel as "psa" | "email",
        fixed: `${esc(r.channel)}\t${esc(r.target)}`,
        payload: esc(r.payload).split(PLACEHOLDER),
        row: r,
      })),
    };
    templates.set(key, tpl);
    return tpl;
  };

  const anchor = new Date(job.anchor).getTime();
  const start = anchor - DAYS * 86400_000;
  const step = (DAYS * 86400_000) / job.nAlerts;
  const worker = "bench-seed:1";
  let deliveries = 0;
  let attempts = 0;
  let alerts = 0;
  let sample20 = "";
  const t0 = performance.now();
  for (let k = part; k < job.nAlerts; k += parts) {
    const p = partnerPicker.pick(rng);
    const orgId = orgPickers[p].pick(rng);
    const createdAt = new Date(start + k * step);
    const created = createdAt.toISOString();
    const detectedAt = new Date(createdAt.getTime() - 5_000 - rng.int(120_000));
    const content = generateAlert(rng, detectedAt);
    const alertId = rng.uuid();
    const pid = job.partnerIds[p];
    const tpl = template(orgId, content.priority);
    let sj = snapJson.get(orgId);
    if (!sj) snapJson.set(orgId, (sj = esc(JSON.stringify(job.snapshots[orgId]))));
    const titleInJson = esc(JSON.stringify(content.title).slice(1, -1));
    if (k % 500 === 0) {
      // Exactness check against a from-scratch plan of this very alert.
      const real = plannedRows(
        planDelivery(
          { id: alertId, organizationId: orgId, priority: content.priority, title: content.title, summary: content.summary, detectedAt, source: content.source, respondEvents: content.respondEvents, iocMatches: content.iocMatches },
          job.snapshots[orgId],
        ),
      );
      const fromTpl = tpl.deliveries.map((d) => ({ ...d.row, payload: d.row.payload.split(PLACEHOLDER).join(JSON.stringify(content.title).slice(1, -1)) }));
      if (JSON.stringify(real) !== JSON.stringify(fromTpl)) throw new Error(`plan template differs from the planner for alert ${k}`);
    }
    const w1 = alertsW.line(
      `${alertId}\t${pid}\t${orgId}\t${content.priority}\t${esc(content.title)}\t${esc(content.summary)}\t${detectedAt.toISOString()}\t${esc(content.source)}\t${esc(JSON.stringify(content.respondEvents))}\t${esc(JSON.stringify(content.iocMatches))}\t${sj}\t${tpl.summary}\t\\N\tf\t${created}\n`,
    );
    if (w1) await w1;
    alerts += 1;
    if (!sample20 && p === 0 && tpl.deliveries.length === 20 && k > job.nAlerts * 0.9) sample20 = alertId;
    for (const d of tpl.deliveries) {
      const id = rng.uuid();
      deliveries += 1;
      const payload = d.payload.length === 1 ? d.payload[0] : d.payload.join(titleInJson);
      const { rule, reason } = d.row;
      let w: Promise<void> | undefined;
      if (d.skipped) {
        w = deliveriesW.line(`${id}\t${pid}\t${alertId}\t${d.fixed}\tskipped\t${esc(rule)}\t${esc(reason)}\t${payload}\t0\t0\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t${created}\t${created}\n`);
      } else if (rng.chance(0.015)) {
        // Dead after the whole retry schedule (8 attempts over ~33 h).
        const error = d.channel === "psa" ? "503 Service Unavailable: the PSA is down for maintenance" : "SMTP 421: service not available";
        const endAt = Math.min(anchor, createdAt.getTime() + 33 * 3600_000);
        w = deliveriesW.line(
          `${id}\t${pid}\t${alertId}\t${d.fixed}\tdead\t${esc(rule)}\t${esc(reason)}\t${payload}\t8\t0\t\\N\t\\N\t\\N\t\\N\t${error} (gave up after 8 attempts)\t\\N\t${created}\t${new Date(endAt).toISOString()}\n`,
        );
        for (let a = 1; a <= 8; a++) {
          attempts += 1;
          const aw = attemptsW.line(
            `${id}\t${a}\t${new Date(createdAt.getTime() + a * 3600_000).toISOString()}\t${200 + rng.int(800)}\t${a < 8 ? "failed" : "dead"}\t${d.channel === "psa" ? "503" : "\\N"}\t${error}\t${worker}\n`,
          );
          if (aw) await aw;
        }
      } else {
        const sentAt = new Date(createdAt.getTime() + 300 + rng.int(2500)).toISOString();
        const ref = d.channel === "psa" ? String(100_000 + rng.int(9_000_000)) : `<alert.${alertId}.${id.slice(0, 16)}@switchboard.local>`;
        w = deliveriesW.line(`${id}\t${pid}\t${alertId}\t${d.fixed}\tsent\t${esc(rule)}\t${esc(reason)}\t${payload}\t1\t0\t\\N\t\\N\t\\N\t${ref}\t\\N\t${sentAt}\t${created}\t${sentAt}\n`);
        attempts += 1;
        const aw = attemptsW.line(`${id}\t1\t${created}\t${150 + rng.int(900)}\tsent\t\\N\t\\N\t${worker}\n`);
        if (aw) await aw;
      }
      if (w) await w;
    }
    if (alerts % 50_000 === 0) {
      log(`  part ${part}: ${alerts.toLocaleString("en-US")} alerts, ${deliveries.toLocaleString("en-US")} deliveries (${Math.round((performance.now() - t0) / 1000)} s)`);
    }
  }
  await Promise.all([alertsW.end(), deliveriesW.end(), attemptsW.end()]);
  await sql.end({ timeout: 5 });
  writeFileSync(partFile(part), JSON.stringify({ alerts, deliveries, attempts, sample20 } satisfies PartResult));
}

if (args.part !== undefined) {
  generatePart(Number(args.part), Number(args.parts)).catch((err) => {
    console.error(err);
    process.exit(1);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
