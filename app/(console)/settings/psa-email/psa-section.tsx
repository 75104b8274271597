import Link from "next/link";
import type { Viewer } from "@/lib/auth/viewer";
import { listPsaIntegrations, type PsaIntegrationSummary } from "@/lib/psa-integrations";
import { getPsaDescriptor } from "@/lib/psa/catalog";
import { formatDateTime } from "@/lib/utils";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/page-header";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { DeletePsaButton } from "./psa/delete-psa-button";
import { PsaStatusControl } from "./psa/status-control";

/**
 * The PSA section of Settings > PSA & Email (seed 000): each PSA with its Status control (Active/Paused),
 * how many organizations are mapped, and the last connection test. Admins add and edit; support staff read.
 */
export async function PsaSection({ viewer }: { viewer: Viewer }) {
  const integrations = await listPsaIntegrations(viewer);
  const admin = viewer.role === "admin";
  return (
    <Card aria-labelledby="psa-section">
      <CardHeader
        title={<span id="psa-section">PSA</span>}
        description="PSA integrations turn alerts into tickets. Pausing one stops its tickets and keeps its configuration; it does not change email."
        actions={
          admin ? (
            <Button asChild>
              <Link href="/settings/psa-email/psa/new">+ Add PSA</Link>
            </Button>
          ) : null
        }
      />
      {integrations.length === 0 ? (
        <EmptyState
          title="No PSA connected"
          description="Connect ConnectWise, Autotask, Kaseya BMS, Halo or Syncro so alerts create tickets in it."
        />
      ) : (
        <Table>
          <THead>
            <tr>
              <TH>PSA</TH>
              <TH className="w-36">Status</TH>
              <TH className="w-32">Mapped organizations</TH>
              <TH>Last test</TH>
              {admin ? <TH className="w-40 text-right">Actions</TH> : null}
            </tr>
          </THead>
          <TBody>
            {integrations.map((i) => (
              <PsaRow key={i.id} integration={i} admin={admin} />
            ))}
          </TBody>
        </Table>
      )}
    </Card>
  );
}

function PsaRow({ integration: i, admin }: { integration: PsaIntegrationSummary; admin: boolean }) {
  const vendor = getPsaDescriptor(i.vendor).displayName;
  const href = i.setupComplete ? `/settings/psa-email/psa/${i.id}` : `/settings/psa-email/psa/new?setup=${i.id}`;
  return (
    <TR>
      <TD>
        {admin ? (
          <Link href={href} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
            {i.name}
          </Link>
        ) : (
          <span className="font-medium text-slate-900">{i.name}</span>
        )}
        <p className="text-xs text-slate-500">
          {vendor}
          {i.address ? ` · ${i.address}` : ""}
        </p>
        {i.deliveryHealth.state !== "ok" ? (
          <p className="mt-1">
            <Badge tone={i.deliveryHealth.state === "auth_failed" ? "red" : "amber"} title={i.deliveryHealth.lastError ?? undefined}>
              {i.deliveryHealth.state === "auth_failed" ? "Credentials rejected by the PSA" : "Failing — tickets are held and retried"}
            </Badge>
          </p>
        ) : null}
      </TD>
      <TD>
        {!i.setupComplete ? (
          <Badge tone="neutral">Setup not finished</Badge>
        ) : admin ? (
          <PsaStatusControl id={i.id} name={i.name} status={i.status} />
        ) : (
          <Badge tone={i.status === "active" ? "green" : "amber"}>{i.status === "active" ? "Active" : "Paused"}</Badge>
        )}
      </TD>
      <TD className="tabular-nums text-slate-700">{i.mappedOrganizations}</TD>
      <TD>
        {i.lastTestAt ? (
          <div className="max-w-xs">
            <Badge tone={i.lastTestOk ? "green" : "red"}>{i.lastTestOk ? "Passed" : "Failed"}</Badge>
            <span className="ml-2 text-xs text-slate-600">{formatDateTime(i.lastTestAt)}</span>
            {i.lastTestMessage ? (
              <p className="mt-0.5 line-clamp-2 text-xs text-slate-600" title={i.lastTestMessage}>
                {i.lastTestMessage}
              </p>
            ) : null}
          </div>
        ) : (
          <span className="text-sm text-slate-500">Never tested</span>
        )}
      </TD>
      {admin ? (
        <TD className="text-right">
          {i.setupComplete ? (
            <Button asChild variant="ghost" size="sm">
              <Link href={href} aria-label={`Edit ${i.name}`}>
                Edit
              </Link>
            </Button>
          ) : (
            <div className="flex justify-end gap-1">
              <Button asChild variant="ghost" size="sm">
                <Link href={href}>Continue setup</Link>
              </Button>
              <DeletePsaButton id={i.id} name={i.name} compact />
            </div>
          )}
        </TD>
      ) : null}
    </TR>
  );
}
