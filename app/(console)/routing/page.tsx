import Link from "next/link";
import { Check, Minus } from "lucide-react";
import { guard, pageViewer } from "@/lib/auth/page-guard";
import { destinationHealth, listIntegrationHealth } from "@/lib/delivery/alerts";
import { routingGrid, simulateAlert } from "@/lib/delivery/routing";
import { PRIORITIES, PRIORITY_LABELS, psaVendorLabel, type Priority } from "@/lib/delivery/types";
import { findOrganizationOption, searchOrganizationOptions } from "@/lib/orgs/organizations";
import { formatDateTime } from "@/lib/utils";
import { env } from "@/lib/env";
import { PageHeader, EmptyState } from "@/components/ui/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input, NativeSelect } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { DeliveryStatusBadge } from "@/components/alerts/badges";
import { OrganizationPicker } from "@/components/organizations/organization-picker";
import type { RoutingRow } from "@/lib/delivery/routing";

export const metadata = { title: "Routing" };

function GridRows({ rows }: { rows: RoutingRow[] }) {
  return (
    <>
      {rows.map((r) => (
        <TR key={r.key}>
          <TD>
            <p className="font-medium text-slate-900">{r.label}</p>
            <p className="text-xs text-slate-500">{r.channel === "psa" ? psaVendorLabel(r.detail) : r.detail}</p>
          </TD>
          {PRIORITIES.map((p) => {
            const c = r.cells[p];
            return (
              <TD key={p} className="align-top">
                {c?.status === "planned" ? (
                  <span className="flex items-start gap-1 text-emerald-700">
                    <Check className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
                    <span className="text-xs">Sent</span>
                  </span>
                ) : (
                  <span className="flex items-start gap-1 text-slate-500">
                    <Minus className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
                    <span className="text-xs">{c ? c.reason : "Not a candidate"}</span>
                  </span>
                )}
              </TD>
            );
          })}
        </TR>
      ))}
    </>
  );
}

export default async function RoutingPage({
  searchParams,
}: {
  searchParams: Promise<{ org?: string; priority?: string; title?: string }>;
}) {
  const viewer = await pageViewer();
  const sp = await searchParams;
  // The health panel does not depend on the organization: start it before the organization look-up.
  const healthPanel = Promise.all([destinationHealth(viewer.partnerId), listIntegrationHealth(viewer.partnerId)]);
  healthPanel.catch(() => undefined);
  // The chosen organization, else the first by name (as before); the picker searches the rest on demand.
  const selectedOrg = (await findOrganizationOption(viewer, sp.org)) ?? (await searchOrganizationOptions(viewer, { limit: 1 }))[0];
  const organizationId = selectedOrg?.id;
  const priority = (PRIORITIES as readonly string[]).includes(sp.priority ?? "") ? (sp.priority as Priority) : undefined;
  const title = typeof sp.title === "string" ? sp.title.slice(0, 200) : undefined;
  const [grid, simulation, [health, integrations]] = await Promise.all([
    organizationId ? guard(routingGrid(viewer, organizationId)) : null,
    organizationId && priority ? guard(simulateAlert(viewer, { organizationId, priority, title })) : null,
    healthPanel,
  ]);
  const emailHealth = health.find((h) => h.channel === "email");
  return (
    <>
      <PageHeader
        title="Routing"
        description="Where an alert of each priority would go right now, and why — computed by the same rules intake uses. Simulate an alert without creating one."
      />
      {!organizationId ? (
        <Card>
          <EmptyState title="No organizations" description="Routing is shown per organization." />
        </Card>
      ) : (
        <div className="space-y-6">
          <Card>
            <form className="flex flex-wrap items-end gap-3 px-5 py-4" action="/routing">
              <div>
                <label htmlFor="r-org" className="mb-1 block text-xs font-medium text-slate-600">
                  Organization
                </label>
                <OrganizationPicker key={organizationId} id="r-org" name="org" defaultValue={selectedOrg} className="w-64" />
              </div>
              <Button type="submit" variant="secondary">
                Show routing
              </Button>
            </form>
          </Card>
          {grid ? (
            <Card>
              <CardHeader
                title={`Where alerts for ${grid.organization.name} go`}
                description={
                  grid.organization.deliveryEnabled
                    ? "Each row is a destination; each column an alert priority."
                    : "PSA & email is turned off for this organization, so nothing is sent whatever the priority."
                }
                actions={
                  <Link href={`/organizations/${organizationId}/settings`} className="text-sm font-medium text-brand-700 hover:underline">
                    Organization settings
                  </Link>
                }
              />
              {grid.psa.length + grid.email.length === 0 ? (
                <EmptyState
                  title="No destinations configured"
                  description="Add a PSA integration or email recipients under Settings > PSA & Email, or organization recipients on the organization's Settings tab."
                />
              ) : (
                <Table>
                  <THead>
                    <tr>
                      <TH>Destination</TH>
                      {PRIORITIES.map((p) => (
                        <TH key={p}>{PRIORITY_LABELS[p]}</TH>
                      ))}
                    </tr>
                  </THead>
                  <TBody>
                    {grid.psa.length ? (
                      <tr>
                        <th colSpan={5} scope="colgroup" className="bg-slate-50 px-4 py-1.5 text-left text-xs font-semibold uppercase text-slate-600">
                          PSA integrations
                        </th>
                      </tr>
                    ) : null}
                    <GridRows rows={grid.psa} />
                    {grid.email.length ? (
                      <tr>
                        <th colSpan={5} scope="colgroup" className="bg-slate-50 px-4 py-1.5 text-left text-xs font-semibold uppercase text-slate-600">
                          Email recipients
                        </th>
                      </tr>
                    ) : null}
                    <GridRows rows={grid.email} />
                  </TBody>
                </Table>
              )}
            </Card>
          ) : null}
          <Card>
            <CardHeader title="Simulate an alert" description="Runs the planner for this organization and priority. Nothing is created or sent." />
            <CardBody>
              <form className="flex flex-wrap items-end gap-3" action="/routing">
                <input type="hidden" name="org" value={organizationId} />
                <div>
                  <label htmlFor="s-priority" className="mb-1 block text-xs font-medium text-slate-600">
                    Priority
                  </label>
                  <NativeSelect id="s-priority" name="priority" defaultValue={priority ?? "high"} className="w-40">
                    {PRIORITIES.map((p) => (
                      <option key={p} value={p}>
                        {PRIORITY_LABELS[p]}
                      </option>
                    ))}
                  </NativeSelect>
                </div>
                <div className="w-72">
                  <label htmlFor="s-title" className="mb-1 block text-xs font-medium text-slate-600">
                    Title (optional)
                  </label>
                  <Input id="s-title" name="title" defaultValue={title} maxLength={200} />
                </div>
                <Button type="submit">Simulate</Button>
              </form>
            </CardBody>
            {simulation ? (
              <Table>
                <THead>
                  <tr>
                    <TH>Destination</TH>
                    <TH>Outcome</TH>
                    <TH>Why</TH>
                    <TH>Subject / ticket</TH>
                  </tr>
                </THead>
                <TBody>
                  {simulation.plan.deliveries.length === 0 ? (
                    <tr>
                      <TD colSpan={4} className="text-slate-600">
                        Nowhere: no PSA integration or recipient is configured.
                      </TD>
                    </tr>
                  ) : null}
                  {simulation.plan.deliveries.map((d) => (
                    <TR key={`${d.channel}:${d.target}`}>
                      <TD>
                        <span className="mr-1.5 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-semibold text-slate-600">
                          {d.channel === "psa" ? "PSA" : "Email"}
                        </span>
                        {d.channel === "psa" ? d.psa.integrationName : d.email.address}
                      </TD>
                      <TD>{d.status === "planned" ? <Badge tone="green">Would send</Badge> : <DeliveryStatusBadge status="skipped" />}</TD>
                      <TD className="max-w-sm text-slate-700">
                        {d.reason} <span className="text-xs text-slate-500">({d.rule})</span>
                      </TD>
                      <TD className="max-w-sm text-xs text-slate-600">
                        {d.channel === "email"
                          ? d.email.subject
                          : d.psa.companyName
                            ? `${d.psa.companyName}${d.psa.priorityId ? ` · priority ${d.psa.priorityId}` : ""}`
                            : "—"}
                      </TD>
                    </TR>
                  ))}
                </TBody>
              </Table>
            ) : null}
          </Card>
          <Card>
            <CardHeader title="Destination health" description="Deliveries in the last 24 hours." />
            <Table>
              <THead>
                <tr>
                  <TH>Destination</TH>
                  <TH>Sent</TH>
                  <TH>Failed</TH>
                  <TH>Pending</TH>
                  <TH>Last success</TH>
                  <TH>State</TH>
                </tr>
              </THead>
              <TBody>
                {integrations.map((i) => {
                  const h = health.find((x) => x.channel === "psa" && x.target === i.id);
                  const state = (i.health as { state?: string }).state;
                  return (
                    <TR key={i.id}>
                      <TD>
                        <p className="font-medium text-slate-900">{i.name}</p>
                        <p className="text-xs text-slate-500">{psaVendorLabel(i.vendor)}</p>
                      </TD>
                      <TD>{h?.sent ?? 0}</TD>
                      <TD>{h?.failed ?? 0}</TD>
                      <TD>{h?.pending ?? 0}</TD>
                      <TD className="text-slate-600">{h?.lastSuccess ? formatDateTime(h.lastSuccess) : "—"}</TD>
                      <TD>
                        {i.status === "paused" ? (
                          <Badge tone="neutral">Paused</Badge>
                        ) : state === "open" ? (
                          <Badge tone="red">Failing — deliveries parked</Badge>
                        ) : state === "auth_failed" ? (
                          <Badge tone="red">Credentials rejected</Badge>
                        ) : (
                          <Badge tone="green">Active</Badge>
                        )}
                      </TD>
                    </TR>
                  );
                })}
                <TR>
                  <TD>
                    <p className="font-medium text-slate-900">Email</p>
                    <p className="text-xs text-slate-500">{env.SMTP_URL ? "SMTP" : "Built-in mailbox"}</p>
                  </TD>
                  <TD>{emailHealth?.sent ?? 0}</TD>
                  <TD>{emailHealth?.failed ?? 0}</TD>
                  <TD>{emailHealth?.pending ?? 0}</TD>
                  <TD className="text-slate-600">{emailHealth?.lastSuccess ? formatDateTime(emailHealth.lastSuccess) : "—"}</TD>
                  <TD>{(emailHealth?.failed ?? 0) > 0 ? <Badge tone="amber">Some failures</Badge> : <Badge tone="green">OK</Badge>}</TD>
                </TR>
              </TBody>
            </Table>
          </Card>
        </div>
      )}
    </>
  );
}
