import { pageViewer } from "@/lib/auth/page-guard";
import { listUsers } from "@/lib/auth/accounts";
import { listOrganizationOptions } from "@/lib/orgs/organizations";
import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES } from "@/lib/auth/roles";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardHeader } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { CreateUserDialog, EditAccessDialog, RemoveUserButton } from "./user-dialogs";

export const metadata = { title: "Users" };

export default async function UsersPage() {
  const viewer = await pageViewer(["admin"]);
  const [users, orgs] = await Promise.all([listUsers(viewer), listOrganizationOptions(viewer)]);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  return (
    <>
      <PageHeader
        title="Users"
        description="People of your MSP who sign in to Switchboard, and what they may do."
        actions={<CreateUserDialog organizations={orgs} />}
      />
      <Card className="mb-6">
        <CardHeader title="Roles" />
        <dl className="grid gap-4 px-5 py-4 sm:grid-cols-3">
          {ROLES.map((r) => (
            <div key={r}>
              <dt className="text-sm font-medium text-slate-800">{ROLE_LABELS[r]}</dt>
              <dd className="text-sm text-slate-600">{ROLE_DESCRIPTIONS[r]}</dd>
            </div>
          ))}
        </dl>
      </Card>
      <Card>
        <Table>
          <THead>
            <tr>
              <TH>User</TH>
              <TH>Role</TH>
              <TH>Organizations</TH>
              <TH className="text-right">Actions</TH>
            </tr>
          </THead>
          <TBody>
            {users.map((u) => (
              <TR key={u.userId}>
                <TD>
                  <p className="font-medium text-slate-900">{u.email}</p>
                  {u.name && u.name !== u.email ? <p className="text-xs text-slate-500">{u.name}</p> : null}
                </TD>
                <TD>
                  <Badge tone={u.role === "admin" ? "blue" : u.role === "support" ? "purple" : "neutral"}>{ROLE_LABELS[u.role]}</Badge>
                </TD>
                <TD className="text-slate-600">
                  {u.role === "technician"
                    ? u.organizationIds.map((id) => orgName.get(id) ?? "—").join(", ") || "None"
                    : "All"}
                </TD>
                <TD className="text-right">
                  {u.userId === viewer.userId ? (
                    <span className="text-xs text-slate-500">You</span>
                  ) : (
                    <div className="flex justify-end gap-2">
                      <EditAccessDialog user={u} organizations={orgs} />
                      <RemoveUserButton userId={u.userId} email={u.email} />
                    </div>
                  )}
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </Card>
    </>
  );
}
