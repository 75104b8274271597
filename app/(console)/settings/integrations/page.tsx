import Link from "next/link";
import { pageViewer } from "@/lib/auth/page-guard";
import { findApplication } from "@/lib/integrations/catalog";
import { listSettingsIntegrations } from "@/lib/integrations/connections";
import { formatDateTime } from "@/lib/utils";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState, PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { AppMark } from "@/components/integrations/app-mark";
import { ConnectionStatusBadge } from "@/components/integrations/badges";

export const metadata = { title: "Integrations" };

/**
 * Settings > Integrations (seed 002, R-INT-1): partner-level integrations, created here and shown at platform
 * level. Each routes incoming data to its selected organization, and mapped sources to theirs.
 */
export default async function IntegrationsPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const viewer = await pageViewer(["admin"]);
  const sp = await searchParams;
  const page = Number.parseInt(sp.page ?? "1", 10);
  const list = await listSettingsIntegrations(viewer, { page: Number.isFinite(page) ? page : 1 });
  return (
    <>
      <PageHeader
        title="Integrations"
        description="Partner-level connections to your data sources. Each integration routes incoming telemetry to the organization selected when it was set up, and telemetry from mapped sites, customers or tenants to the organizations they are mapped to."
        actions={
          <Button asChild>
            <Link href="/settings/integrations/new">+ New Integration</Link>
          </Button>
        }
      />
      <Card>
        {list.total === 0 ? (
          <EmptyState
            title="No integrations yet"
            description="Connect an RMM or EDR platform you manage for many customers, then map its sites to organizations. Customer-owned apps are added from each organization's Applications tab."
            action={
              <Button asChild variant="secondary">
                <Link href="/settings/integrations/new">+ New Integration</Link>
              </Button>
            }
          />
        ) : (
          <>
            <Table>
              <THead>
                <tr>
                  <TH>Application</TH>
                  <TH>Routes to</TH>
                  <TH>Status</TH>
                  <TH>Mapped sources</TH>
                  <TH>Last telemetry</TH>
                  <TH className="text-right">Events (24 h)</TH>
                </tr>
              </THead>
              <TBody>
                {list.rows.map((r) => {
                  const app = findApplication(r.appType);
                  return (
                    <TR key={r.id}>
                      <TD>
                        <div className="flex items-center gap-3">
                          {app ? <AppMark name={app.name} category={app.category} /> : null}
                          <div className="min-w-0">
                            <Link href={r.href} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                              {r.name}
                            </Link>
                            {r.name !== r.appName ? <p className="text-xs text-slate-500">{r.appName}</p> : null}
                          </div>
                        </div>
                      </TD>
                      <TD>
                        <Link href={`/organizations/${r.organizationId}/applications`} className="text-slate-800 hover:underline">
                          {r.organizationName}
                        </Link>
                        <p className="text-xs text-slate-500">unmapped data</p>
                      </TD>
                      <TD>
                        <ConnectionStatusBadge status={r.status} />
                      </TD>
                      <TD className="text-slate-700">
                        {r.mappedSources} mapped
                        {r.unmappedSources ? <p className="text-xs font-medium text-amber-700">{r.unmappedSources} unmapped</p> : null}
                      </TD>
                      <TD className="text-slate-600">{r.lastTelemetryAt ? formatDateTime(r.lastTelemetryAt) : "Never"}</TD>
                      <TD className="text-right tabular-nums text-slate-800">{r.events24h.toLocaleString("en-US")}</TD>
                    </TR>
                  );
                })}
              </TBody>
            </Table>
            {list.total > list.pageSize ? (
              <Pagination page={list.page} pageSize={list.pageSize} total={list.total} hrefFor={(p) => `/settings/integrations?page=${p}`} />
            ) : null}
          </>
        )}
      </Card>
    </>
  );
}
