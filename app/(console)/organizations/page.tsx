import Link from "next/link";
import { Plus, Search } from "lucide-react";
import { pageViewer } from "@/lib/auth/page-guard";
import { listOrganizations } from "@/lib/orgs/organizations";
import { PageHeader, EmptyState } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Badge } from "@/components/ui/badge";
import { Pagination } from "@/components/ui/pagination";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { DeletedToast } from "@/components/organizations/deleted-toast";

export const metadata = { title: "Organizations" };

export default async function OrganizationsPage({
  searchParams,
}: {
  searchParams: Promise<{ q?: string; page?: string; deleted?: string }>;
}) {
  const viewer = await pageViewer();
  const sp = await searchParams;
  const q = typeof sp.q === "string" ? sp.q.slice(0, 100) : "";
  const page = Math.max(1, Number.parseInt(sp.page ?? "1", 10) || 1);
  const { rows, total, pageSize } = await listOrganizations(viewer, { q, page });
  const hrefFor = (p: number) => `/organizations?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
  return (
    <>
      {sp.deleted ? <DeletedToast /> : null}
      <PageHeader
        title="Organizations"
        description="Your customers. Each organization is the boundary in which telemetry is stored and analysed, and alerts are raised and delivered."
        actions={
          viewer.role === "admin" ? (
            <Button asChild>
              <Link href="/organizations/new">
                <Plus className="h-4 w-4" aria-hidden />
                New organization
              </Link>
            </Button>
          ) : null
        }
      />
      <Card>
        <form role="search" className="flex items-center gap-2 border-b border-slate-200 px-4 py-3" action="/organizations">
          <label htmlFor="org-search" className="sr-only">
            Search organizations
          </label>
          <div className="relative w-full max-w-sm">
            <Search className="pointer-events-none absolute left-2.5 top-2.5 h-4 w-4 text-slate-400" aria-hidden />
            <Input id="org-search" name="q" defaultValue={q} placeholder="Search by name" className="pl-8" />
          </div>
          <Button type="submit" variant="secondary">
            Search
          </Button>
          {q ? (
            <Link href="/organizations" className="text-sm text-slate-600 hover:underline">
              Clear
            </Link>
          ) : null}
        </form>
        {rows.length === 0 ? (
          <EmptyState
            title={q ? `No organizations match “${q}”` : "No organizations yet"}
            description={
              q
                ? "Try another name."
                : viewer.role === "admin"
                  ? "Create an organization for each customer whose alerts and telemetry you manage."
                  : "No organizations have been given to you yet. Ask your MSP admin."
            }
          />
        ) : (
          <Table>
            <THead>
              <tr>
                <TH>Name</TH>
                <TH>Reference</TH>
                <TH>PSA &amp; email</TH>
                <TH className="text-right">Created</TH>
              </tr>
            </THead>
            <TBody>
              {rows.map((o) => (
                <TR key={o.id}>
                  <TD>
                    <Link href={`/organizations/${o.id}/settings`} className="font-medium text-brand-700 hover:underline">
                      {o.name}
                    </Link>
                    {o.notes ? <p className="mt-0.5 line-clamp-1 text-xs text-slate-500">{o.notes}</p> : null}
                  </TD>
                  <TD className="text-slate-600">{o.externalRef ?? "—"}</TD>
                  <TD>{o.deliveryEnabled ? <Badge tone="green">On</Badge> : <Badge tone="amber">Off</Badge>}</TD>
                  <TD className="text-right text-slate-600">{o.createdAt.toISOString().slice(0, 10)}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
        <Pagination page={page} pageSize={pageSize} total={total} hrefFor={hrefFor} />
      </Card>
    </>
  );
}
