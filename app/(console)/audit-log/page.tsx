import Link from "next/link";
import { pageViewer } from "@/lib/auth/page-guard";
import { describeAction, listAuditEntries, listAuditEntityTypes } from "@/lib/audit";
import { formatDateTime } from "@/lib/utils";
import { PageHeader, EmptyState } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";

export const metadata = { title: "Audit log" };

const ENTITY_LABELS: Record<string, string> = {
  partner: "MSP",
  organization: "Organizations",
  user: "Users",
  api_key: "API keys",
  email_settings: "Email settings",
  recipient: "Recipients",
  psa_integration: "PSA integrations",
  connection: "Integrations & applications",
  consent_link: "Consent links",
  delivery: "Deliveries",
};

function formatValue(v: unknown): string {
  if (v === undefined || v === null || v === "") return "—";
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

export default async function AuditLogPage({
  searchParams,
}: {
  searchParams: Promise<{ entity?: string; before?: string; id?: string }>;
}) {
  const viewer = await pageViewer(["admin", "support"]);
  const sp = await searchParams;
  const entityType = typeof sp.entity === "string" && /^[a-z_]{1,40}$/.test(sp.entity) ? sp.entity : undefined;
  const entityId = typeof sp.id === "string" && sp.id.length <= 100 ? sp.id : undefined;
  const before = Number.parseInt(sp.before ?? "", 10);
  const [{ entries, hasMore }, types] = await Promise.all([
    listAuditEntries(viewer.partnerId, { entityType, entityId, before: Number.isFinite(before) ? before : undefined }),
    listAuditEntityTypes(viewer.partnerId),
  ]);
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every settings change: who made it, when, what changed (secrets are never shown) and why, when they said."
      />
      <Card>
        <form className="flex items-end gap-2 border-b border-slate-200 px-4 py-3" action="/audit-log">
          <div>
            <label htmlFor="entity" className="mb-1 block text-xs font-medium text-slate-600">
              Entity
            </label>
            <NativeSelect id="entity" name="entity" defaultValue={entityType ?? ""} className="w-56">
              <option value="">All changes</option>
              {types.map((t) => (
                <option key={t} value={t}>
                  {ENTITY_LABELS[t] ?? t}
                </option>
              ))}
            </NativeSelect>
          </div>
          <Button type="submit" variant="secondary">
            Filter
          </Button>
        </form>
        {entries.length === 0 ? (
          <EmptyState title="No changes recorded" />
        ) : (
          <Table>
            <THead>
              <tr>
                <TH className="w-44">When</TH>
                <TH>Who</TH>
                <TH>What</TH>
                <TH>Changes</TH>
                <TH>Why</TH>
              </tr>
            </THead>
            <TBody>
              {entries.map((e) => (
                <TR key={e.id}>
                  <TD className="whitespace-nowrap text-slate-600">{formatDateTime(e.createdAt)}</TD>
                  <TD className="text-slate-800">{e.actorLabel}</TD>
                  <TD>
                    <p className="font-medium text-slate-900">{describeAction(e.action)}</p>
                    {e.entityLabel ? <p className="text-xs text-slate-500">{e.entityLabel}</p> : null}
                  </TD>
                  <TD>
                    {Object.keys(e.changes).length === 0 ? (
                      <span className="text-slate-400">—</span>
                    ) : (
                      <ul className="space-y-0.5 break-all text-xs text-slate-700">
                        {Object.entries(e.changes).map(([field, c]) => (
                          <li key={field}>
                            <span className="font-medium">{field}</span>: {formatValue(c.from)} → {formatValue(c.to)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </TD>
                  <TD className="max-w-xs text-slate-700">{e.note ?? <span className="text-slate-400">—</span>}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
        {hasMore ? (
          <div className="border-t border-slate-200 px-4 py-3 text-right">
            <Link
              className="text-sm font-medium text-brand-700 hover:underline"
              href={`/audit-log?${new URLSearchParams({ ...(entityType ? { entity: entityType } : {}), before: String(entries[entries.length - 1].id) })}`}
            >
              Older entries
            </Link>
          </div>
        ) : null}
      </Card>
    </>
  );
}
