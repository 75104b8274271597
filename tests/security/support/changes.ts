/**
 * "Nothing changes" made precise: a row trigger on every table of the schema (tables added by later
 * migrations included — the list is read from the catalogue) appends to sec_change_log. The log is
 * transactional, so a write that was rolled back leaves no entry; only stored changes count. Touches that are
 * not changes (an API key's last-used time) are ignored. Works on any postgres-js client.
 */
import type { Sql } from "postgres";

export type Change = { id: number; tbl: string; op: string; partner_id: string | null };

/** Columns whose update alone is bookkeeping, not a change of data. */
const BOOKKEEPING = ["last_used_at"];

export async function installChangeLog(sql: Sql): Promise<string[]> {
  await sql.unsafe(`
    create table if not exists sec_change_log (
      id bigserial primary key, tbl text not null, op text not null, partner_id text, at timestamptz not null default now()
    );
    create or replace function sec_log_change() returns trigger language plpgsql as $$
    declare r jsonb; o jsonb;
    begin
      if TG_OP = 'DELETE' then r := to_jsonb(OLD); else r := to_jsonb(NEW); end if;
      if TG_OP = 'UPDATE' then
        o := to_jsonb(OLD);
        if (r - ${BOOKKEEPING.map((c) => `'${c}'`).join(" - ")}) = (o - ${BOOKKEEPING.map((c) => `'${c}'`).join(" - ")}) then return null; end if;
      end if;
      insert into sec_change_log(tbl, op, partner_id) values (TG_TABLE_NAME, TG_OP, coalesce(r->>'partner_id', r->>'partnerId'));
      return null;
    end $$;
  `);
  const tables = await sql<{ relname: string }[]>`
    select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname not in ('sec_change_log', 'rate_limit')
    order by 1`;
  for (const { relname } of tables) {
    await sql.unsafe(`drop trigger if exists sec_change on "${relname}"`);
    await sql.unsafe(`create trigger sec_change after insert or update or delete on "${relname}" for each row execute function sec_log_change()`);
  }
  return tables.map((t) => t.relname);
}

/** The position of the log now; pass it to changesSince after the probe. */
export async function changeMark(sql: Sql): Promise<number> {
  const [row] = await sql<{ n: string }[]>`select coalesce(max(id), 0)::text as n from sec_change_log`;
  return Number(row.n);
}

export async function changesSince(sql: Sql, mark: number): Promise<Change[]> {
  const rows = await sql<Change[]>`select id::int as id, tbl, op, partner_id from sec_change_log where id > ${mark} order by id`;
  return [...rows];
}

export function describeChanges(changes: Change[]): string[] {
  return changes.map((c) => `${c.op} ${c.tbl}${c.partner_id ? ` (partner ${c.partner_id.slice(0, 8)})` : ""}`);
}
