import { pageViewer, guard } from "@/lib/auth/page-guard";
import { getOrganization } from "@/lib/orgs/organizations";
import { uuidSchema } from "@/lib/validations/common";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/ui/page-header";
import { TabsNav } from "@/components/ui/tabs-nav";
import { DeleteOrganizationButton } from "./delete-organization-button";

export default async function OrganizationLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ id: string }>;
}) {
  const { id } = await params;
  if (!uuidSchema.safeParse(id).success) notFound();
  const viewer = await pageViewer();
  const org = await guard(getOrganization(viewer, id));
  return (
    <>
      <PageHeader
        title={org.name}
        description="Edit organization"
        breadcrumbs={[{ href: "/organizations", label: "Organizations" }]}
        actions={viewer.role === "admin" ? <DeleteOrganizationButton id={org.id} name={org.name} /> : null}
      />
      <TabsNav
        label="Organization sections"
        tabs={[
          { href: `/organizations/${org.id}/settings`, label: "Settings" },
          { href: `/organizations/${org.id}/applications`, label: "Applications" },
        ]}
      />
      {children}
    </>
  );
}
