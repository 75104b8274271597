import { notFound } from "next/navigation";
import { guard, pageViewer } from "@/lib/auth/page-guard";
import { loadAlertView } from "@/lib/delivery/alert-view";
import { uuidSchema } from "@/lib/validations/common";
import { formatDateTime } from "@/lib/utils";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Badge } from "@/components/ui/badge";
import { PriorityBadge } from "@/components/alerts/badges";
import { DeliveryLog } from "./delivery-log";

export const metadata = { title: "Alert" };

export default async function AlertPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!uuidSchema.safeParse(id).success) notFound();
  const viewer = await pageViewer();
  const view = await guard(loadAlertView(viewer, id));
  const { alert } = view;
  const respond = alert.respondEvents as { time: string; action: string; target?: string; result?: string }[];
  const iocs = alert.iocMatches as { type: string; value: string; source?: string }[];
  return (
    <>
      <PageHeader
        title={alert.title}
        breadcrumbs={[{ href: "/alerts", label: "Alerts" }]}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <PriorityBadge priority={alert.priority} />
            {alert.isTest ? <Badge tone="purple">Test alert</Badge> : null}
            <span>{alert.organizationName}</span>
            <span aria-hidden>·</span>
            <span>Detected {formatDateTime(alert.detectedAt)}</span>
            {alert.source ? (
              <>
                <span aria-hidden>·</span>
                <span>{alert.source}</span>
              </>
            ) : null}
          </span>
        }
      />
      <div className="space-y-6">
        <Card>
          <CardHeader
            title="Deliveries"
            description="For every PSA integration and every candidate recipient: what happened and the rule that decided it. Delivery settings only decide where an alert goes; they never change the alert."
          />
          <DeliveryLog alertId={alert.id} initial={view} canRetry={viewer.role === "admin" || viewer.role === "support"} />
        </Card>
        <Card>
          <CardHeader title="Alert" />
          <CardBody className="space-y-4 text-sm">
            <p className="whitespace-pre-wrap text-slate-800">{alert.summary}</p>
            <dl className="grid gap-x-6 gap-y-1 text-slate-600 sm:grid-cols-2">
              <div>
                <dt className="inline font-medium text-slate-700">Alert id: </dt>
                <dd className="inline font-mono text-xs">{alert.id}</dd>
              </div>
              <div>
                <dt className="inline font-medium text-slate-700">Received: </dt>
                <dd className="inline">{formatDateTime(alert.createdAt)}</dd>
              </div>
            </dl>
            {respond.length ? (
              <div>
                <h3 className="mb-1 font-semibold text-slate-800">Respond events</h3>
                <ul className="list-inside list-disc text-slate-700">
                  {respond.map((e, i) => (
                    <li key={i}>
                      {formatDateTime(e.time)} — {e.action}
                      {e.target ? ` on ${e.target}` : ""}
                      {e.result ? ` (${e.result})` : ""}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
            {iocs.length ? (
              <div>
                <h3 className="mb-1 font-semibold text-slate-800">IOC matches</h3>
                <ul className="list-inside list-disc text-slate-700">
                  {iocs.map((m, i) => (
                    <li key={i} className="break-all">
                      <span className="font-medium">{m.type}</span> {m.value}
                      {m.source ? ` — ${m.source}` : ""}
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </CardBody>
        </Card>
      </div>
    </>
  );
}
