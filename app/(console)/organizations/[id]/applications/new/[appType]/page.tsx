import Link from "next/link";
import { notFound } from "next/navigation";
import { guard, pageViewer } from "@/lib/auth/page-guard";
import { authorizationLabel, CATEGORY_LABELS, credentialFields, findApplication } from "@/lib/integrations/catalog";
import { listExistingApplications } from "@/lib/integrations/connections";
import { isProviderConfigured, providerNotConfiguredMessage } from "@/lib/integrations/oauth";
import { getOrganization } from "@/lib/orgs/organizations";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { AppMark } from "@/components/integrations/app-mark";
import { NewApplicationForm } from "@/components/integrations/new-application-form";

export const metadata = { title: "New application" };

export default async function ConnectApplicationPage({ params }: { params: Promise<{ id: string; appType: string }> }) {
  const { id, appType } = await params;
  const app = findApplication(appType);
  if (!app || !app.entryPoints.includes("organization")) notFound();
  const viewer = await pageViewer(["admin", "technician"]);
  const org = await guard(getOrganization(viewer, id));
  const existing = (await listExistingApplications(viewer, org.id)).find((e) => e.appType === app.type);
  const oauthReady = app.authorization.kind === "oauth" ? isProviderConfigured(app.authorization.provider) : true;
  return (
    <Card>
      <CardHeader
        title={
          <span className="flex items-center gap-3">
            <AppMark name={app.name} category={app.category} />
            Connect {app.name}
          </span>
        }
        description={`${CATEGORY_LABELS[app.category]} · ${authorizationLabel(app)} · for ${org.name}`}
        actions={
          <Link href={`/organizations/${org.id}/applications/new`} className="text-sm font-medium text-brand-700 hover:underline">
            Choose another application
          </Link>
        }
      />
      <CardBody className="space-y-5">
        <NewApplicationForm
          organizationId={org.id}
          organizationName={org.name}
          app={{ type: app.type, name: app.name, access: [...app.access], setupHint: app.setupHint }}
          authorization={app.authorization.kind === "oauth" ? { kind: "oauth", provider: app.authorization.provider } : { kind: "credentials" }}
          fields={credentialFields(app)}
          existing={existing}
          blockedMessage={!oauthReady && app.authorization.kind === "oauth" ? providerNotConfiguredMessage(app.authorization.provider) : undefined}
        />
      </CardBody>
    </Card>
  );
}
