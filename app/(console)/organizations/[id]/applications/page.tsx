import { pageViewer, guard } from "@/lib/auth/page-guard";
import { getOrganization } from "@/lib/orgs/organizations";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/page-header";

export const metadata = { title: "Applications" };

export default async function OrganizationApplicationsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await pageViewer();
  const org = await guard(getOrganization(viewer, id));
  return (
    <Card>
      <CardHeader
        title="Applications"
        description={`Data sources associated with ${org.name}. Telemetry from these sources is stored and analysed under this organization.`}
      />
      <EmptyState
        title="No applications yet"
        description="Applications connected for this organization, or mapped to it from Settings > Integrations, appear here."
      />
    </Card>
  );
}
