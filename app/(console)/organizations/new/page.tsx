import { pageViewer } from "@/lib/auth/page-guard";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardBody } from "@/components/ui/card";
import { NewOrganization } from "./new-organization";

export const metadata = { title: "New organization" };

export default async function NewOrganizationPage() {
  await pageViewer(["admin"]);
  return (
    <>
      <PageHeader title="New organization" breadcrumbs={[{ href: "/organizations", label: "Organizations" }]} />
      <Card className="max-w-2xl">
        <CardBody>
          <NewOrganization />
        </CardBody>
      </Card>
    </>
  );
}
