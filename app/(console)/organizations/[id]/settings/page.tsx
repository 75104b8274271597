import { pageViewer, guard } from "@/lib/auth/page-guard";
import { getOrganization } from "@/lib/orgs/organizations";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { OrganizationDetails } from "./organization-details";

export const metadata = { title: "Organization settings" };

export default async function OrganizationSettingsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await pageViewer();
  const org = await guard(getOrganization(viewer, id));
  return (
    <div className="space-y-6">
      <Card className="max-w-3xl">
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
