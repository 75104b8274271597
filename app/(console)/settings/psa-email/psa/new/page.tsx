import { redirect } from "next/navigation";
import { pageViewer } from "@/lib/auth/page-guard";
import { listOrganizationOptions } from "@/lib/orgs/organizations";
import { listPsaIntegrations } from "@/lib/psa-integrations";
import { PageHeader } from "@/components/ui/page-header";
import { AddPsaWizard } from "./add-psa-wizard";

export const metadata = { title: "Add PSA" };

/**
 * + Add PSA (seed 000 "Adding a PSA integration"): choose the PSA → authentication → Test connection →
 * organizations ↔ companies → ticket defaults and priority map → Save, which enables ticket creation.
 * `?setup=<id>` continues an integration whose connection was tested but whose setup was never saved.
 */
export default async function AddPsaPage({ searchParams }: { searchParams: Promise<{ setup?: string }> }) {
  const viewer = await pageViewer(["admin"]);
  const { setup } = await searchParams;
  const [organizations, integrations] = await Promise.all([listOrganizationOptions(viewer), listPsaIntegrations(viewer)]);
  const unfinished = setup ? integrations.find((i) => i.id === setup) : undefined;
  if (setup && (!unfinished || unfinished.setupComplete)) {
    redirect(unfinished ? `/settings/psa-email/psa/${unfinished.id}` : "/settings/psa-email/psa/new");
  }
  return (
    <>
      <PageHeader
        title={unfinished ? `Finish setting up ${unfinished.name}` : "Add PSA"}
        description="Connect a PSA so alerts create tickets in it. Nothing creates tickets until you save the last step."
        breadcrumbs={[{ href: "/settings/psa-email", label: "PSA & Email" }]}
      />
      <AddPsaWizard
        organizations={organizations}
        takenNames={integrations.filter((i) => i.id !== unfinished?.id).map((i) => i.name)}
        resume={
          unfinished
            ? {
                id: unfinished.id,
                vendor: unfinished.vendor,
                name: unfinished.name,
                address: unfinished.address,
                lastTestMessage: unfinished.lastTestMessage,
                credentialsSetAt: unfinished.credentialsSetAt.toISOString(),
              }
            : undefined
        }
      />
    </>
  );
}
