import { pageViewer } from "@/lib/auth/page-guard";
import { listApiKeys } from "@/lib/auth/api-keys";
import { formatDateTime } from "@/lib/utils";
import { PageHeader, EmptyState } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { CreateApiKeyDialog, RevokeApiKeyButton } from "./api-key-dialogs";

export const metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const viewer = await pageViewer(["admin"]);
  const keys = await listApiKeys(viewer);
  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys for the detection pipeline and other systems that post alerts to Switchboard. A key is shown once when created; store it in your secret manager."
        actions={<CreateApiKeyDialog />}
      />
      <Card>
        {keys.length === 0 ? (
          <EmptyState title="No API keys yet" description="Create a key to send alerts with the alert API." />
        ) : (
          <Table>
            <THead>
              <tr>
                <TH>Name</TH>
                <TH>Key</TH>
                <TH>Created</TH>
                <TH>Last used</TH>
                <TH>Status</TH>
                <TH className="text-right">Actions</TH>
              </tr>
            </THead>
            <TBody>
              {keys.map((k) => (
                <TR key={k.id}>
                  <TD className="font-medium text-slate-900">{k.name}</TD>
                  <TD>
                    <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{k.prefix}…</code>
                  </TD>
                  <TD className="text-slate-600">{formatDateTime(k.createdAt)}</TD>
                  <TD className="text-slate-600">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "Never"}</TD>
                  <TD>{k.revokedAt ? <Badge tone="red">Revoked</Badge> : <Badge tone="green">Active</Badge>}</TD>
                  <TD className="text-right">{k.revokedAt ? null : <RevokeApiKeyButton id={k.id} name={k.name} />}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
    </>
  );
}
