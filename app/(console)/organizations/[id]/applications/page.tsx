import Link from "next/link";
import { guard, pageViewer } from "@/lib/auth/page-guard";
import { CATEGORY_LABELS, type AppCategory } from "@/lib/integrations/catalog";
import { listOrganizationApplications } from "@/lib/integrations/connections";
import { listConsentLinks } from "@/lib/integrations/consent";
import { getOrganization } from "@/lib/orgs/organizations";
import { formatDateTime } from "@/lib/utils";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/page-header";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { AppMark } from "@/components/integrations/app-mark";
import { authModeLabel, ConnectionStatusBadge } from "@/components/integrations/badges";
import { ConsentLinksTable } from "@/components/integrations/consent-links";

export const metadata = { title: "Applications" };

/**
 * Organizations > edit organization > Applications (seed 002): the organization's applications — added here,
 * or mapped to it from a Settings integration — with status, and the consent links sent to its customer.
 */
export default async function OrganizationApplicationsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await pageViewer();
  const org = await guard(getOrganization(viewer, id));
  const [apps, links] = await Promise.all([listOrganizationApplications(viewer, org.id), listConsentLinks(viewer, org.id)]);
  const canAdd = viewer.role !== "support";
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title="Applications"
          description={`Data sources whose telemetry is stored and analysed under ${org.name}.`}
          actions={
            canAdd ? (
              <Button asChild>
                <Link href={`/organizations/${org.id}/applications/new`}>+ New Application</Link>
              </Button>
            ) : null
          }
        />
        {apps.length === 0 ? (
          <EmptyState
            title="No applications yet"
            description="Add the customer's apps and security tools here, or map this organization from an integration in Settings > Integrations."
          />
        ) : (
          <Table>
            <THead>
              <tr>
                <TH>Application</TH>
                <TH>Status</TH>
                <TH>Connected from</TH>
                <TH className="whitespace-nowrap text-right">Events (24 h)</TH>
                <TH>Last telemetry</TH>
              </tr>
            </THead>
            <TBody>
              {apps.map((a) => (
                <TR key={a.connectionId}>
                  <TD>
                    <div className="flex items-center gap-3">
                      <AppMark name={a.appName} category={a.category as AppCategory} />
                      <div className="min-w-0">
                        {a.href ? (
                          <Link href={a.href} className="whitespace-nowrap font-medium text-slate-900 hover:text-brand-700 hover:underline">
                            {a.name}
                          </Link>
                        ) : (
                          <span className="whitespace-nowrap font-medium text-slate-900">{a.name}</span>
                        )}
                        <p className="text-xs text-slate-500">
                          {a.name !== a.appName ? `${a.appName} · ` : ""}
                          {CATEGORY_LABELS[a.category as AppCategory]}
                        </p>
                      </div>
                    </div>
                  </TD>
                  <TD>
                    <ConnectionStatusBadge status={a.status} />
                    {a.status !== "pending" ? <p className="mt-1 text-xs text-slate-500">{authModeLabel(a.authMode)}</p> : null}
                  </TD>
                  <TD>
                    {a.entryPoint === "settings" ? (
                      <>
                        <Badge tone="blue">from Settings &gt; Integrations</Badge>
                        <p className="mt-1 text-xs text-slate-500">
                          {a.isSelectedOrganization ? "All unmapped data comes here" : `Mapped ${a.sourceNoun}s only`}
                        </p>
                      </>
                    ) : (
                      <span className="text-slate-700">This organization</span>
                    )}
                  </TD>
                  <TD className="text-right tabular-nums text-slate-800">{a.events24h.toLocaleString("en-US")}</TD>
                  <TD className="text-slate-600">{a.lastTelemetryAt ? formatDateTime(a.lastTelemetryAt) : "Never"}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </Card>

      {links.length ? (
        <Card>
          <CardHeader
            title="Consent links"
            description="Links sent to the customer's admin to authorize an application. Each works once and expires; resending issues a new link and voids the old one."
          />
          <ConsentLinksTable
            links={links.map((l) => ({
              ...l,
              createdAt: l.createdAt.toISOString(),
              expiresAt: l.expiresAt.toISOString(),
              openedAt: l.openedAt?.toISOString() ?? null,
              completedAt: l.completedAt?.toISOString() ?? null,
            }))}
          />
        </Card>
      ) : null}
    </div>
  );
}
