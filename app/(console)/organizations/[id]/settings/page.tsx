import Link from "next/link";
import { pageViewer, guard } from "@/lib/auth/page-guard";
import { getOrganization } from "@/lib/orgs/organizations";
import {
  getDeliveryConfigurationStatus,
  getOrganizationAudience,
  listOrganizationRecipients,
} from "@/lib/delivery-settings";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/page-header";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { PriorityBadges } from "@/components/delivery-settings/priority-badges";
import { OrganizationDetails } from "./organization-details";
import { DeliveryToggle } from "./delivery-toggle";
import { AddRecipientDialog, EditRecipientDialog, RemoveRecipientButton } from "./organization-recipients";
import { AudienceSummary } from "./audience-summary";

export const metadata = { title: "Organization settings" };

export default async function OrganizationSettingsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await pageViewer();
  const org = await guard(getOrganization(viewer, id));
  const [status, orgRecipients, audience] = await guard(
    Promise.all([getDeliveryConfigurationStatus(viewer), listOrganizationRecipients(viewer, org.id), getOrganizationAudience(viewer, org.id)]),
  );
  const canEditDelivery = viewer.role === "admin" || viewer.role === "technician";
  const canOpenGlobalSettings = viewer.role === "admin" || viewer.role === "support";
  // Only "PSA & Email" is the link text, so the tab's own "Settings" link keeps a unique name.
  const globalSettingsLink = canOpenGlobalSettings ? (
    <>
      Settings &gt;{" "}
      <Link href="/settings/psa-email" className="font-medium text-brand-700 underline underline-offset-2 hover:text-brand-600">
        PSA &amp; Email
      </Link>
    </>
  ) : (
    "Settings > PSA & Email"
  );

  return (
    <div className="max-w-3xl space-y-6">
      <Card aria-label="PSA & email">
        <CardHeader
          title="PSA & email"
          description="Whether PSA tickets and email notifications are sent for this organization's alerts. It uses the global configuration under Settings > PSA & Email; it does not configure it."
        />
        <CardBody className="space-y-4">
          <DeliveryToggle
            organizationId={org.id}
            organizationName={org.name}
            enabled={org.deliveryEnabled}
            readOnly={!canEditDelivery}
          />
          {!status.configured ? (
            <div role="note" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              {orgRecipients.length === 0 ? (
                <>
                  No PSA integration or email recipient is configured yet, so this toggle has no effect until delivery is
                  configured under {globalSettingsLink}.
                </>
              ) : (
                <>
                  No PSA integration or global email recipient is configured under {globalSettingsLink}, so this toggle
                  currently affects only the additional recipients below.
                </>
              )}
              {canOpenGlobalSettings ? null : " Ask an admin to set it up."}
            </div>
          ) : null}
          <div className="grid gap-4 rounded-md bg-slate-50 px-4 py-3 text-sm text-slate-700 sm:grid-cols-2">
            <div>
              <p className="font-medium text-slate-900">When enabled</p>
              <ul className="mt-1 list-disc space-y-0.5 pl-5">
                <li>Alerts generated for the organization may create PSA tickets.</li>
                <li>Email notifications may be sent based on global and organization-level recipients.</li>
              </ul>
            </div>
            <div>
              <p className="font-medium text-slate-900">When disabled</p>
              <ul className="mt-1 list-disc space-y-0.5 pl-5">
                <li>Alerts may still be generated and investigated.</li>
                <li>SOC workflows and response behavior are unaffected.</li>
                <li>PSA tickets and email notifications are not sent for this organization.</li>
              </ul>
            </div>
            <p className="text-xs text-slate-600 sm:col-span-2">
              This setting controls delivery only. It does not affect alert detection, alert severity, investigation
              workflows, or SOC authorization or response behavior.
            </p>
          </div>
        </CardBody>
      </Card>

      <Card aria-label="Additional alert recipients">
        <CardHeader
          title="Additional alert recipients"
          description="Receive alert notifications for this organization only, in addition to any global email recipients, scoped by alert priority. Adding or removing them does not affect the global email configuration."
          actions={canEditDelivery ? <AddRecipientDialog organizationId={org.id} organizationName={org.name} /> : null}
        />
        {orgRecipients.length === 0 ? (
          <EmptyState
            title="No additional recipients"
            description={
              canEditDelivery
                ? "Add an address to email this organization's alerts to someone beyond the global recipients, for example the customer's IT manager."
                : "Only the global recipients are emailed about this organization's alerts."
            }
          />
        ) : (
          <Table aria-label="Additional alert recipients">
            <THead>
              <tr>
                <TH>Email</TH>
                <TH>Priority scope</TH>
                <TH>Why this recipient</TH>
                {canEditDelivery ? (
                  <TH className="text-right">
                    <span className="sr-only">Actions</span>
                  </TH>
                ) : null}
              </tr>
            </THead>
            <TBody>
              {orgRecipients.map((r) => (
                <TR key={r.id}>
                  <TD className="align-top">
                    <p className="font-medium text-slate-900">{r.email}</p>
                    {r.alsoGlobal ? (
                      <p className="mt-0.5 text-xs text-slate-500">Also a global recipient: gets every alert once, with the global subject.</p>
                    ) : null}
                  </TD>
                  <TD className="align-top">
                    <PriorityBadges priorities={r.priorities} label={`Priority scope of ${r.email}`} />
                  </TD>
                  <TD className="align-top text-slate-700">{r.note ?? <span className="text-slate-400">—</span>}</TD>
                  {canEditDelivery ? (
                    <TD className="whitespace-nowrap text-right align-top">
                      <EditRecipientDialog
                        organizationId={org.id}
                        recipient={{ id: r.id, email: r.email, priorities: r.priorities, note: r.note }}
                      />
                      <RemoveRecipientButton organizationId={org.id} id={r.id} email={r.email} />
                    </TD>
                  ) : null}
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </Card>

      <Card aria-label="Who receives email">
        <CardHeader
          title="Who receives email"
          description="Worked out exactly as for real alerts: every global recipient, plus this organization's recipients whose scope includes the priority. An address on both lists gets one email."
        />
        <CardBody>
          <AudienceSummary organizationName={org.name} deliveryEnabled={audience.deliveryEnabled} byPriority={audience.byPriority} />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Details" description="How this customer appears across Switchboard." />
        <CardBody>
          <OrganizationDetails
            id={org.id}
            readOnly={viewer.role === "support"}
            defaultValues={{ name: org.name, notes: org.notes ?? "", externalRef: org.externalRef ?? "", note: "" }}
          />
        </CardBody>
      </Card>
    </div>
  );
}
