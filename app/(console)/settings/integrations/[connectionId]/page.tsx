import { notFound, redirect } from "next/navigation";
import { guard, pageViewer } from "@/lib/auth/page-guard";
import { publicUrl } from "@/lib/env";
import { getConnectionDetail, telemetryByOrganization } from "@/lib/integrations/connections";
import { listConnectionSources } from "@/lib/integrations/mappings";
import { listOrganizationOptions } from "@/lib/orgs/organizations";
import { uuidSchema } from "@/lib/validations/common";
import { PageHeader } from "@/components/ui/page-header";
import { ConnectionView } from "@/components/integrations/connection-view";

export const metadata = { title: "Integration" };

export default async function IntegrationPage({
  params,
  searchParams,
}: {
  params: Promise<{ connectionId: string }>;
  searchParams: Promise<{ page?: string; authorization?: string }>;
}) {
  const { connectionId } = await params;
  if (!uuidSchema.safeParse(connectionId).success) notFound();
  const viewer = await pageViewer(["admin"]);
  const sp = await searchParams;
  const page = Number.parseInt(sp.page ?? "1", 10) || 1;
  const detail = await guard(getConnectionDetail(viewer, connectionId));
  // Applications added on an organization's tab are shown under that organization (R-INT-1).
  if (detail.entryPoint === "organization") redirect(`/organizations/${detail.organizationId}/applications/${detail.id}`);
  const [sources, telemetry, organizations] = await Promise.all([
    listConnectionSources(viewer, connectionId, { page }),
    telemetryByOrganization(viewer, connectionId),
    listOrganizationOptions(viewer),
  ]);
  return (
    <>
      <PageHeader title={detail.name} breadcrumbs={[{ href: "/settings/integrations", label: "Integrations" }]} />
      <ConnectionView
        detail={detail}
        sources={sources}
        telemetry={telemetry}
        organizations={organizations}
        authorizationOutcome={sp.authorization === "connected" || sp.authorization === "denied" ? sp.authorization : undefined}
        sourcesHref={(p) => `/settings/integrations/${detail.id}?page=${p}`}
        applicationsHref={`/organizations/${detail.organizationId}/applications`}
        afterDelete="/settings/integrations"
        ingestUrl={`${publicUrl()}/api/v1/telemetry/${detail.id}`}
        nameInPageHeader
      />
    </>
  );
}
