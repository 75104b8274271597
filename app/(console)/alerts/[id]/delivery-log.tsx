"use client";

import * as React from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { RotateCw } from "lucide-react";
import type { AlertView } from "@/lib/delivery/alert-view";
import { Button } from "@/components/ui/button";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { DeliveryStatusBadge } from "@/components/alerts/badges";
import { formatDateTime } from "@/lib/utils";
import { retryDeliveryAction } from "../actions";

export const alertKeys = { detail: (id: string) => ["alerts", id] as const };

function inFlight(view: AlertView) {
  return view.deliveries.some((d) => d.status === "planned" || d.status === "sending" || d.status === "failed");
}

/** The delivery log; refreshes itself (every 2 s) while any delivery is still in flight. */
export function DeliveryLog({ alertId, initial, canRetry }: { alertId: string; initial: AlertView; canRetry: boolean }) {
  const queryClient = useQueryClient();
  const router = useRouter();
  const { data } = useQuery({
    queryKey: alertKeys.detail(alertId),
    queryFn: async (): Promise<AlertView> => {
      const res = await fetch(`/api/alerts/${alertId}`, { cache: "no-store" });
      if (!res.ok) throw new Error(`Could not refresh (${res.status})`);
      return res.json();
    },
    initialData: initial,
    refetchInterval: (q) => (q.state.data && inFlight(q.state.data) ? 2000 : false),
  });
  const [retrying, setRetrying] = React.useState<string | null>(null);
  const view = data ?? initial;
  if (!view.deliveries.length) {
    return (
      <p className="px-5 py-6 text-sm text-slate-600">
        No PSA integration or email recipient was configured for this organization when the alert arrived, so there was nowhere to deliver it.
      </p>
    );
  }
  return (
    <Table>
      <THead>
        <tr>
          <TH>Destination</TH>
          <TH>Outcome</TH>
          <TH>Why</TH>
          <TH>Result</TH>
          {canRetry ? <TH className="text-right">
            <span className="sr-only">Actions</span>
          </TH> : null}
        </tr>
      </THead>
      <TBody>
        {view.deliveries.map((d) => (
          <TR key={d.id}>
            <TD className="align-top">
              <p className="font-medium text-slate-900">
                <span className="mr-1.5 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-semibold text-slate-600">
                  {d.channel === "psa" ? "PSA" : "Email"}
                </span>
                {d.destination}
              </p>
              <p className="mt-0.5 text-xs text-slate-500">{d.destinationDetail}</p>
              {d.subject ? <p className="mt-0.5 text-xs text-slate-500">Subject: {d.subject}</p> : null}
            </TD>
            <TD className="align-top">
              <DeliveryStatusBadge status={d.status} />
            </TD>
            <TD className="max-w-sm align-top text-slate-700">
              <p>{d.reason}</p>
              <p className="mt-0.5 text-xs text-slate-500">Rule {d.rule}</p>
            </TD>
            <TD className="max-w-sm align-top text-slate-700">
              {d.status === "sent" ? (
                <p>
                  {d.channel === "psa" ? "Ticket " : "Message-ID "}
                  <span className="break-all font-mono text-xs">{d.externalRef}</span>
                  <span className="block text-xs text-slate-500">{formatDateTime(d.sentAt)}</span>
                </p>
              ) : d.status === "skipped" ? (
                <span className="text-slate-400">Not sent</span>
              ) : d.lastError ? (
                <p className="text-red-700">
                  {d.lastError}
                  {d.status === "failed" && d.nextAttemptAt ? (
                    <span className="block text-xs text-slate-500">Next attempt {formatDateTime(d.nextAttemptAt)}</span>
                  ) : null}
                </p>
              ) : (
                <span className="text-slate-500">In progress</span>
              )}
              {d.history.length ? (
                <details className="mt-1 text-xs text-slate-600">
                  <summary className="cursor-pointer">
                    {d.history.length} attempt{d.history.length === 1 ? "" : "s"}
                  </summary>
                  <ol className="mt-1 space-y-0.5">
                    {d.history.map((a, i) => (
                      <li key={i}>
                        {formatDateTime(a.startedAt)} — {a.outcome}
                        {a.httpStatus ? ` (HTTP ${a.httpStatus})` : ""} in {a.durationMs} ms{a.error ? `: ${a.error}` : ""}
                      </li>
                    ))}
                  </ol>
                </details>
              ) : null}
            </TD>
            {canRetry ? (
              <TD className="text-right align-top">
                {d.status === "failed" || d.status === "dead" ? (
                  <Button
                    variant="secondary"
                    size="sm"
                    pending={retrying === d.id}
                    onClick={async () => {
                      setRetrying(d.id);
                      const result = await retryDeliveryAction({ deliveryId: d.id });
                      setRetrying(null);
                      if (!result.ok) return void toast.error(result.formError ?? "Could not retry.");
                      toast.success("Retry scheduled.");
                      await queryClient.invalidateQueries({ queryKey: alertKeys.detail(alertId) });
                      router.refresh();
                    }}
                  >
                    <RotateCw className="h-3.5 w-3.5" aria-hidden />
                    Retry
                  </Button>
                ) : null}
              </TD>
            ) : null}
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
