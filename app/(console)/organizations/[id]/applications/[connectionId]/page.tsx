import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { ArrowLeft } from "lucide-react";
import { guard, pageViewer } from "@/lib/auth/page-guard";
import { publicUrl } from "@/lib/env";
import { getConnectionDetail, telemetryByOrganization } from "@/lib/integrations/connections";
import { listConnectionSources } from "@/lib/integrations/mappings";
import { getOrganization, listOrganizationOptions } from "@/lib/orgs/organizations";
import { uuidSchema } from "@/lib/validations/common";
import { ConnectionView } from "@/components/integrations/connection-view";

export const metadata = { title: "Application" };

/** An application added on this organization's tab (R-INT-1: shown under the organization it was created in). */
export default async function OrganizationApplicationPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; connectionId: string }>;
  searchParams: Promise<{ page?: string; authorization?: string }>;
}) {
  const { id, connectionId } = await params;
  if (!uuidSchema.safeParse(connectionId).success) notFound();
  const viewer = await pageViewer();
  const org = await guard(getOrganization(viewer, id));
  const detail = await guard(getConnectionDetail(viewer, connectionId));
  if (detail.entryPoint === "settings" && viewer.role === "admin") redirect(`/settings/integrations/${detail.id}`);
  if (detail.entryPoint === "organization" && detail.organizationId !== org.id) notFound();
  const sp = await searchParams;
  const page = Number.parseInt(sp.page ?? "1", 10) || 1;
  const [sources, telemetry, organizations] = await Promise.all([
    listConnectionSources(viewer, connectionId, { page }),
    telemetryByOrganization(viewer, connectionId),
    listOrganizationOptions(viewer),
  ]);
  const base = `/organizations/${org.id}/applications`;
  return (
    <div className="space-y-4">
      <Link href={base} className="inline-flex items-center gap-1 text-sm font-medium text-brand-700 hover:underline">
        <ArrowLeft className="h-4 w-4" aria-hidden />
        Applications
      </Link>
      <ConnectionView
        detail={detail}
        sources={sources}
        telemetry={telemetry}
        organizations={organizations}
        authorizationOutcome={sp.authorization === "connected" || sp.authorization === "denied" ? sp.authorization : undefined}
        sourcesHref={(p) => `${base}/${detail.id}?page=${p}`}
        applicationsHref={base}
        afterDelete={base}
        ingestUrl={`${publicUrl()}/api/v1/telemetry/${detail.id}`}
      />
    </div>
  );
}
