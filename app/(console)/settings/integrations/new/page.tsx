import { pageViewer } from "@/lib/auth/page-guard";
import { listOrganizationOptions } from "@/lib/orgs/organizations";
import { PageHeader } from "@/components/ui/page-header";
import { NewIntegrationWizard } from "@/components/integrations/new-integration-wizard";

export const metadata = { title: "New integration" };

export default async function NewIntegrationPage() {
  const viewer = await pageViewer(["admin"]);
  const organizations = await listOrganizationOptions(viewer);
  return (
    <>
      <PageHeader
        title="New integration"
        description="Connect a data source from the partner context: choose where its data goes, authorize it, then map its sites, customers or tenants to organizations."
        breadcrumbs={[{ href: "/settings/integrations", label: "Integrations" }]}
      />
      <NewIntegrationWizard organizations={organizations} />
    </>
  );
}
