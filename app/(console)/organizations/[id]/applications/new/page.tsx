import Link from "next/link";
import { guard, pageViewer } from "@/lib/auth/page-guard";
import { applicationsByCategory, CATEGORY_DESCRIPTIONS } from "@/lib/integrations/catalog";
import { listExistingApplications } from "@/lib/integrations/connections";
import { getOrganization } from "@/lib/orgs/organizations";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { AppMark } from "@/components/integrations/app-mark";
import { RoutingConstraints } from "@/components/integrations/notices";

export const metadata = { title: "New application" };

const GROUPS = applicationsByCategory("organization");

/** + New Application: applications grouped by category as seed 002 names them (MSP Tools, Customer Apps, Endpoint Security). */
export default async function NewApplicationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const viewer = await pageViewer(["admin", "technician"]);
  const org = await guard(getOrganization(viewer, id));
  const existing = await listExistingApplications(viewer, org.id);
  const have = new Set(existing.map((e) => e.appType));
  return (
    <Card>
      <CardHeader
        title="New application"
        description={`Choose the data source to connect for ${org.name}, then complete the connection.`}
        actions={
          <Link href={`/organizations/${org.id}/applications`} className="text-sm font-medium text-brand-700 hover:underline">
            Cancel
          </Link>
        }
      />
      <CardBody className="space-y-6">
        <RoutingConstraints entry="organization" />
        {GROUPS.map((g) => (
          <section key={g.category} aria-labelledby={`cat-${g.category}`}>
            <h3 id={`cat-${g.category}`} className="text-sm font-semibold text-slate-900">
              {g.label}
            </h3>
            <p className="mb-3 text-xs text-slate-500">{CATEGORY_DESCRIPTIONS[g.category]}</p>
            <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
              {g.apps.map((a) => (
                <li key={a.type}>
                  <Link
                    href={`/organizations/${org.id}/applications/new/${a.type}`}
                    className="flex h-full items-start gap-3 rounded-lg border border-slate-200 bg-white p-4 hover:border-brand-300 hover:bg-brand-50/40"
                  >
                    <AppMark name={a.name} category={a.category} />
                    <span className="min-w-0">
                      <span className="flex flex-wrap items-center gap-2 text-sm font-semibold text-slate-900">
                        {a.name}
                        {have.has(a.type) ? <Badge tone="green">Added</Badge> : null}
                      </span>
                      <span className="mt-0.5 block text-xs text-slate-600">{a.description}</span>
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </CardBody>
    </Card>
  );
}
