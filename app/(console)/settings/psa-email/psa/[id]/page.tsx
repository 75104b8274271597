import { redirect } from "next/navigation";
import { guard, pageViewer } from "@/lib/auth/page-guard";
import { listOrganizationOptions } from "@/lib/orgs/organizations";
import { getPsaIntegration } from "@/lib/psa-integrations";
import { getPsaDescriptor } from "@/lib/psa/catalog";
import { uuidSchema } from "@/lib/validations/common";
import { notFound } from "next/navigation";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { DeletePsaButton } from "../delete-psa-button";
import { PsaStatusControl } from "../status-control";
import { ConnectionCard } from "./connection-card";
import { IntegrationConfig } from "./integration-config";
import { TestTicketCard } from "./test-ticket-card";

export const metadata = { title: "PSA integration" };

/**
 * One PSA integration: Status, connection (credentials write-only: "set on <date>" with Replace), Send test
 * ticket, the mapping / ticket defaults / priority map, and Delete. No credential value is ever read here.
 */
export default async function PsaIntegrationPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await pageViewer(["admin"]);
  const { id } = await params;
  if (!uuidSchema.safeParse(id).success) notFound();
  const [integration, organizations] = await Promise.all([guard(getPsaIntegration(viewer, id)), listOrganizationOptions(viewer)]);
  if (!integration.setupComplete) redirect(`/settings/psa-email/psa/new?setup=${integration.id}`);
  const descriptor = getPsaDescriptor(integration.vendor);

  return (
    <>
      <PageHeader
        title={integration.name}
        description={`${descriptor.displayName}${integration.address ? ` · ${integration.address}` : ""}`}
        breadcrumbs={[{ href: "/settings/psa-email", label: "PSA & Email" }]}
        actions={
          <div className="flex items-center gap-2">
            <span className="text-sm font-medium text-slate-700" aria-hidden>
              Status
            </span>
            <PsaStatusControl id={integration.id} name={integration.name} status={integration.status} />
          </div>
        }
      />
      {integration.status === "paused" ? (
        <p role="status" className="mb-6 rounded-md border border-amber-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900">
          {integration.name} is paused: alerts create no tickets in it. Its configuration is kept; set the Status to Active to resume
          for new alerts.
        </p>
      ) : null}
      <div className="space-y-6">
        <div className="grid gap-6 lg:grid-cols-2">
          <ConnectionCard
            id={integration.id}
            vendor={integration.vendor}
            name={integration.name}
            address={integration.address}
            credentialsSetAt={integration.credentialsSetAt.toISOString()}
            lastTest={
              integration.lastTestAt
                ? { at: integration.lastTestAt.toISOString(), ok: !!integration.lastTestOk, message: integration.lastTestMessage ?? "" }
                : null
            }
            deliveryHealth={integration.deliveryHealth}
          />
          <TestTicketCard
            id={integration.id}
            noun={descriptor.companyNoun.singular}
            mapped={integration.mappings.map((m) => ({ id: m.organizationId, name: m.organizationName, companyName: m.companyName }))}
          />
        </div>
        <IntegrationConfig
          id={integration.id}
          vendor={integration.vendor}
          organizations={organizations}
          initial={{
            name: integration.name,
            defaults: integration.defaults,
            priorityMap: integration.priorityMap,
            fallback: integration.fallback
              ? {
                  companyId: integration.fallback.companyId,
                  companyName: integration.fallback.companyName,
                  ...(integration.fallback.contactId ? { contactId: integration.fallback.contactId } : {}),
                }
              : null,
            mappings: integration.mappings.map((m) => ({
              organizationId: m.organizationId,
              companyId: m.companyId,
              companyName: m.companyName,
              ...(m.contactId ? { contactId: m.contactId } : {}),
              ...(m.siteId ? { siteId: m.siteId } : {}),
              overrides: m.overrides,
            })),
            note: "",
          }}
        />
        <Card>
          <CardHeader title="Delete integration" description="Removes this PSA connection, its mappings and its stored credentials." />
          <CardBody>
            <DeletePsaButton id={integration.id} name={integration.name} />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
