import Link from "next/link";
import { pageViewer } from "@/lib/auth/page-guard";
import { listAlerts, OUTCOMES, type Outcome } from "@/lib/delivery/alerts";
import { PRIORITIES, PRIORITY_LABELS, type Priority } from "@/lib/delivery/types";
import { findOrganizationOption, searchOrganizationOptions } from "@/lib/orgs/organizations";
import { formatDateTime } from "@/lib/utils";
import { PageHeader, EmptyState } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { NativeSelect } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { PriorityBadge } from "@/components/alerts/badges";
import { OrganizationPicker } from "@/components/organizations/organization-picker";
import { SendTestAlert } from "@/components/alerts/send-test-alert";

export const metadata = { title: "Alerts" };

const OUTCOME_LABELS: Record<Outcome, string> = { sent: "Sent", pending: "Pending", failed: "Failed", skipped: "Skipped" };

export default async function AlertsPage({
  searchParams,
}: {
  searchParams: Promise<{ org?: string; priority?: string; outcome?: string; page?: string }>;
}) {
  const viewer = await pageViewer();
  const sp = await searchParams;
  // Only the chosen organization (for its name) and the test-alert default are loaded here; the picker
  // searches the rest on demand — a partner's full list made this page ~1 MB.
  const [selectedOrg, [firstOrg]] = await Promise.all([
    findOrganizationOption(viewer, sp.org),
    viewer.role !== "support" ? searchOrganizationOptions(viewer, { limit: 1 }) : [],
  ]);
  const organizationId = selectedOrg?.id;
  const priority = (PRIORITIES as readonly string[]).includes(sp.priority ?? "") ? (sp.priority as Priority) : undefined;
  const outcome = (OUTCOMES as readonly string[]).includes(sp.outcome ?? "") ? (sp.outcome as Outcome) : undefined;
  const page = Math.max(1, Number.parseInt(sp.page ?? "1", 10) || 1);
  const { rows, hasMore } = await listAlerts(viewer, { organizationId, priority, outcome, page });
  const qs = (p: number) =>
    `/alerts?${new URLSearchParams({
      ...(organizationId ? { org: organizationId } : {}),
      ...(priority ? { priority } : {}),
      ...(outcome ? { outcome } : {}),
      page: String(p),
    })}`;
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Alerts and where they were delivered. Delivery runs after an alert exists; open an alert to see why each PSA and recipient was or was not sent."
        actions={viewer.role !== "support" ? <SendTestAlert defaultOrganization={selectedOrg ?? firstOrg ?? null} /> : null}
      />
      <Card>
        <form className="flex flex-wrap items-end gap-3 border-b border-slate-200 px-4 py-3" action="/alerts">
          <div>
            <label htmlFor="f-org" className="mb-1 block text-xs font-medium text-slate-600">
              Organization
            </label>
            <OrganizationPicker key={organizationId ?? ""} id="f-org" name="org" defaultValue={selectedOrg} allLabel="All organizations" className="w-56" />
          </div>
          <div>
            <label htmlFor="f-priority" className="mb-1 block text-xs font-medium text-slate-600">
              Priority
            </label>
            <NativeSelect id="f-priority" name="priority" defaultValue={priority ?? ""} className="w-40">
              <option value="">Any priority</option>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {PRIORITY_LABELS[p]}
                </option>
              ))}
            </NativeSelect>
          </div>
          <div>
            <label htmlFor="f-outcome" className="mb-1 block text-xs font-medium text-slate-600">
              Delivery outcome
            </label>
            <NativeSelect id="f-outcome" name="outcome" defaultValue={outcome ?? ""} className="w-44">
              <option value="">Any outcome</option>
              {OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  Has {OUTCOME_LABELS[o].toLowerCase()}
                </option>
              ))}
            </NativeSelect>
          </div>
          <Button type="submit" variant="secondary">
            Filter
          </Button>
          {organizationId || priority || outcome ? (
            <Link href="/alerts" className="pb-2 text-sm text-slate-600 hover:underline">
              Clear
            </Link>
          ) : null}
        </form>
        {rows.length === 0 ? (
          <EmptyState
            title="No alerts"
            description={
              organizationId || priority || outcome
                ? "No alert matches these filters."
                : "Alerts arrive through the alert API (see /api-docs) or from Send test alert."
            }
          />
        ) : (
          <Table>
            <THead>
              <tr>
                <TH className="w-48">Received</TH>
                <TH>Alert</TH>
                <TH>Organization</TH>
                <TH>Priority</TH>
                <TH>Deliveries</TH>
              </tr>
            </THead>
            <TBody>
              {rows.map((a) => (
                <TR key={a.id}>
                  <TD className="whitespace-nowrap text-slate-600">{formatDateTime(a.createdAt)}</TD>
                  <TD>
                    <Link href={`/alerts/${a.id}`} className="font-medium text-brand-700 hover:underline">
                      {a.title}
                    </Link>
                  </TD>
                  <TD className="text-slate-700">{a.organizationName}</TD>
                  <TD>
                    <PriorityBadge priority={a.priority} />
                  </TD>
                  <TD>
                    <div className="flex flex-wrap gap-1">
                      {a.outcomes.sent ? <Badge tone="green">{a.outcomes.sent} sent</Badge> : null}
                      {a.outcomes.pending ? <Badge tone="blue">{a.outcomes.pending} pending</Badge> : null}
                      {a.outcomes.failed ? <Badge tone="red">{a.outcomes.failed} failed</Badge> : null}
                      {a.outcomes.skipped ? <Badge tone="neutral">{a.outcomes.skipped} skipped</Badge> : null}
                      {!a.outcomes.sent && !a.outcomes.pending && !a.outcomes.failed && !a.outcomes.skipped ? (
                        <span className="text-xs text-slate-500">No destinations</span>
                      ) : null}
                    </div>
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
        <nav aria-label="Pagination" className="flex items-center justify-between border-t border-slate-200 px-4 py-3 text-sm">
          <span className="text-slate-600">Page {page}</span>
          <div className="flex gap-2">
            {page > 1 ? (
              <Link className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50" href={qs(page - 1)}>
                Newer
              </Link>
            ) : null}
            {hasMore ? (
              <Link className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50" href={qs(page + 1)}>
                Older
              </Link>
            ) : null}
          </div>
        </nav>
      </Card>
    </>
  );
}
