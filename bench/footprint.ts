/**
 * `npm run bench:footprint` — database size per million alerts on the seeded data set (alerts with their
 * snapshots, deliveries, delivery attempts; heap, TOAST and indexes), against the size of the same rows'
 * data alone (sum of pg_column_size over all columns) — the ratio is the storage overhead of indexes, tuple
 * headers and free space. Process memory (web and worker, idle and under load) is measured by bench:intake
 * and bench:delivery.
 */
import postgres from "postgres";
import { fmt, log, machine, ratio, readSeedInfo, startBenchDb, writeResults, runBench } from "./lib/common";

async function main() {
  const info = readSeedInfo();
  const bench = await startBenchDb();
  const sql = postgres(bench.url, { max: 1, onnotice: () => {} });
  try {
    const tables = ["alerts", "deliveries", "delivery_attempts"];
    const sizes = await sql<{ name: string; total: string; heap: string; toast: string; indexes: string }[]>`
      select c.relname as name, pg_total_relation_size(c.oid)::text as total, pg_relation_size(c.oid)::text as heap,
             coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0)::text as toast, pg_indexes_size(c.oid)::text as indexes
        from pg_class c where c.relname = any(${tables}) and c.relkind = 'r'`;
    const counts: Record<string, number> = {};
    for (const t of tables) {
      const [r] = await sql.unsafe(`select count(*)::bigint as n from ${t}`);
      counts[t] = Number(r.n);
    }
    // Data alone: a sample of rows, scaled (a full pass over 40 M rows would take minutes).
    const dataBytes: Record<string, number> = {};
    for (const t of tables) {
      const [r] = await sql.unsafe(`select avg(pg_column_size(t.*))::float8 as b from ${t} t tablesample system (1)`);
      dataBytes[t] = Number(r.b) * counts[t];
    }
    const [db] = await sql<{ bytes: string }[]>`select pg_database_size(current_database())::text as bytes`;
    const alerts = counts.alerts;
    const perMillion = (b: number) => (b / alerts) * 1e6;
    const ledgerTotal = sizes.reduce((a, s) => a + Number(s.total), 0);
    const ledgerData = Object.values(dataBytes).reduce((a, b) => a + b, 0);
    const gib = (b: number) => `${fmt(b / 2 ** 30, 2)} GiB`;
    for (const s of sizes) {
      log(`${s.name}: ${counts[s.name].toLocaleString("en-US")} rows, total ${gib(Number(s.total))} (heap ${gib(Number(s.heap))}, TOAST ${gib(Number(s.toast))}, indexes ${gib(Number(s.indexes))})`);
    }
    log(`database ${gib(Number(db.bytes))}; ledger per million alerts ${gib(perMillion(ledgerTotal))}`);
    writeResults(
      "footprint",
      [
        {
          id: "footprint-db",
          figure: `Database size per million alerts (alerts + ${fmt(counts.deliveries / alerts, 1)} deliveries + ${fmt(counts.delivery_attempts / alerts, 1)} attempts each, with indexes)`,
          value: gib(perMillion(ledgerTotal)),
          baseline: "the same rows' data alone (sum of column sizes)",
          baselineValue: gib(perMillion(ledgerData)),
          ratio: ratio(ledgerTotal, ledgerData),
        },
        {
          id: "footprint-db-whole",
          figure: `Whole bench database (${alerts.toLocaleString("en-US")} alerts, ${info.counts.organizations?.toLocaleString("en-US")} organizations)`,
          value: gib(Number(db.bytes)),
          baseline: "",
          baselineValue: "",
          ratio: "",
        },
      ],
      { machine: machine(), sizes, counts, dataBytes, databaseBytes: Number(db.bytes) },
    );
  } finally {
    await sql.end({ timeout: 5 });
    await bench.stop();
  }
}

runBench(main);
