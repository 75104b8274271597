"use client";

/**
 * Send test ticket: a clearly marked "[TEST]" ticket for a mapped organization, sent through the same planner
 * and delivery channel real alerts use, reporting the PSA's ticket id — or the PSA's own error, which is how
 * admins find ticket types with approval workflows, missing required fields and the like.
 */
import * as React from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { CheckCircle2, Send, XCircle } from "lucide-react";
import type { z } from "zod";
import { PRIORITIES, PRIORITY_LABELS } from "@/lib/delivery/types";
import { sendPsaTestTicketSchema } from "@/lib/validations/psa-integrations";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field } from "@/components/ui/field";
import { NativeSelect } from "@/components/ui/input";
import { sendPsaTestTicketAction } from "../actions";

type Values = z.input<typeof sendPsaTestTicketSchema>;

export function TestTicketCard({
  id,
  noun,
  mapped,
}: {
  id: string;
  noun: string;
  mapped: { id: string; name: string; companyName: string }[];
}) {
  const form = useForm<Values>({
    resolver: zodResolver(sendPsaTestTicketSchema) as never,
    defaultValues: { id, organizationId: mapped[0]?.id ?? "", priority: "medium", note: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const [result, setResult] = React.useState<{ ok: true; text: string } | { ok: false; text: string } | null>(null);
  return (
    <Card>
      <CardHeader title="Send test ticket" description={`Creates a ticket marked [TEST] in a mapped organization’s ${noun}, exactly as an alert would.`} />
      <CardBody>
        {mapped.length === 0 ? (
          <p className="text-sm text-slate-600">Map at least one organization below to send a test ticket.</p>
        ) : (
          <form
            noValidate
            className="space-y-4"
            onSubmit={form.handleSubmit(async (values) => {
              setResult(null);
              const res = await sendPsaTestTicketAction(values);
              if (!res.ok) {
                setResult({ ok: false, text: res.formError ?? "The test ticket was not created." });
                return;
              }
              const number = res.data.ticketNumber && res.data.ticketNumber !== res.data.ticketId ? ` (number ${res.data.ticketNumber})` : "";
              setResult({ ok: true, text: `Ticket ${res.data.ticketId}${number} created in ${res.data.companyName} for ${res.data.organizationName}.` });
            })}
          >
            <div className="grid gap-4">
              <Field id="test-org" label="Organization" error={errors.organizationId?.message}>
                <NativeSelect {...form.register("organizationId")}>
                  {mapped.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name} → {m.companyName}
                    </option>
                  ))}
                </NativeSelect>
              </Field>
              <Field id="test-priority" label="Alert priority" hint="The priority map turns it into the PSA priority, as for a real alert.">
                <NativeSelect className="sm:w-48" {...form.register("priority")}>
                  {PRIORITIES.map((p) => (
                    <option key={p} value={p}>
                      {PRIORITY_LABELS[p]}
                    </option>
                  ))}
                </NativeSelect>
              </Field>
            </div>
            {result ? (
              <div
                role={result.ok ? "status" : "alert"}
                className={
                  result.ok
                    ? "flex items-start gap-2 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800"
                    : "flex items-start gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700"
                }
              >
                {result.ok ? <CheckCircle2 className="mt-0.5 h-4 w-4 shrink-0" aria-hidden /> : <XCircle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />}
                <span>{result.text}</span>
              </div>
            ) : null}
            <Button type="submit" variant="secondary" pending={isSubmitting}>
              <Send className="h-4 w-4" aria-hidden />
              Send test ticket
            </Button>
          </form>
        )}
      </CardBody>
    </Card>
  );
}
