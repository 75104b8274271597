"use client";

/**
 * Connection facts of one integration. Credentials are write-only (R-SEC-2): the page knows only when they
 * were set; Replace asks for a complete new set, tests it against the PSA and stores it only if it passes.
 */
import * as React from "react";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { useQueryClient } from "@tanstack/react-query";
import { toast } from "sonner";
import { KeyRound, PlugZap } from "lucide-react";
import { getPsaDescriptor } from "@/lib/psa/catalog";
import type { PsaVendor } from "@/lib/psa/types";
import { psaReplaceCredentialsFormSchema } from "@/lib/validations/psa-integrations";
import { formatDateTime } from "@/lib/utils";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import { CredentialFields, credentialDefaults } from "@/components/psa/credential-fields";
import { psaKeys } from "@/components/psa/psa-queries";
import { replacePsaCredentialsAction, testPsaIntegrationAction } from "../actions";

type LastTest = { at: string; ok: boolean; message: string } | null;

export function ConnectionCard({
  id,
  vendor,
  name,
  address,
  credentialsSetAt,
  lastTest,
  deliveryHealth,
}: {
  id: string;
  vendor: PsaVendor;
  name: string;
  address: string | null;
  credentialsSetAt: string;
  lastTest: LastTest;
  deliveryHealth: { state: "ok" | "failing" | "auth_failed"; lastError: string | null; since: string | null };
}) {
  const router = useRouter();
  const [testing, setTesting] = React.useState(false);
  const descriptor = getPsaDescriptor(vendor);
  return (
    <Card>
      <CardHeader title="Connection" description={`How Switchboard signs in to ${descriptor.displayName}.`} />
      <CardBody className="space-y-4">
        <dl className="grid gap-x-4 gap-y-3 text-sm sm:grid-cols-[9rem_1fr]">
          <dt className="font-medium text-slate-600">PSA</dt>
          <dd className="text-slate-900">{descriptor.displayName}</dd>
          {address ? (
            <>
              <dt className="font-medium text-slate-600">Address</dt>
              <dd className="break-all text-slate-900">{address}</dd>
            </>
          ) : null}
          <dt className="font-medium text-slate-600">Credentials</dt>
          <dd className="flex flex-wrap items-center gap-3 text-slate-900">
            <span>
              <span aria-hidden>•••• </span>Set on {formatDateTime(credentialsSetAt)}
            </span>
            <ReplaceCredentialsDialog id={id} vendor={vendor} name={name} address={address} />
          </dd>
          <dt className="font-medium text-slate-600">Last test</dt>
          <dd className="text-slate-900">
            {lastTest ? (
              <>
                <Badge tone={lastTest.ok ? "green" : "red"}>{lastTest.ok ? "Passed" : "Failed"}</Badge>
                <span className="ml-2 text-xs text-slate-600">{formatDateTime(lastTest.at)}</span>
                <p className="mt-1 text-sm text-slate-700">{lastTest.message}</p>
              </>
            ) : (
              "Never tested"
            )}
          </dd>
          {deliveryHealth.state !== "ok" ? (
            <>
              <dt className="font-medium text-slate-600">Deliveries</dt>
              <dd>
                <Badge tone={deliveryHealth.state === "auth_failed" ? "red" : "amber"}>
                  {deliveryHealth.state === "auth_failed" ? "Credentials rejected by the PSA" : "Failing — tickets are held and retried"}
                </Badge>
                {deliveryHealth.lastError ? <p className="mt-1 text-sm text-slate-700">{deliveryHealth.lastError}</p> : null}
              </dd>
            </>
          ) : null}
        </dl>
        <Button
          type="button"
          variant="secondary"
          pending={testing}
          onClick={async () => {
            setTesting(true);
            try {
              const result = await testPsaIntegrationAction({ id });
              if (!result.ok) toast.error(result.formError ?? "The test could not run.");
              else if (result.data.ok) toast.success(`Connection test passed. ${result.data.message}`);
              else toast.error(`Connection test failed. ${result.data.message}`);
              router.refresh();
            } finally {
              setTesting(false);
            }
          }}
        >
          <PlugZap className="h-4 w-4" aria-hidden />
          Test connection
        </Button>
      </CardBody>
    </Card>
  );
}

type ReplaceValues = { credentials: Record<string, string>; note?: string };

function ReplaceCredentialsDialog({ id, vendor, name, address }: { id: string; vendor: PsaVendor; name: string; address: string | null }) {
  const descriptor = getPsaDescriptor(vendor);
  const [open, setOpen] = React.useState(false);
  const router = useRouter();
  const queryClient = useQueryClient();
  const blank = React.useMemo(() => ({ credentials: credentialDefaults(descriptor, address), note: "" }), [descriptor, address]);
  const form = useForm<ReplaceValues>({ resolver: zodResolver(psaReplaceCredentialsFormSchema(vendor)) as never, defaultValues: blank });
  const { errors, isSubmitting } = form.formState;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        // What was typed is dropped when the dialog closes, saved or not.
        if (!o) form.reset(blank);
      }}
    >
      <DialogTrigger asChild>
        <Button type="button" variant="secondary" size="sm">
          <KeyRound className="h-4 w-4" aria-hidden />
          Replace
        </Button>
      </DialogTrigger>
      <DialogContent
        title={`Replace ${name} credentials`}
        description="Enter the complete new set. It is tested against the PSA first and stored only if the test passes; the current credentials stay in use until then."
        className="w-[min(94vw,40rem)]"
      >
        <form
          noValidate
          className="space-y-4"
          onSubmit={form.handleSubmit(async (values) => {
            const result = await replacePsaCredentialsAction({ id, credentials: values.credentials, note: values.note });
            if (!result.ok) return applyFieldErrors(form, result);
            toast.success(result.message ?? "Credentials replaced.");
            setOpen(false);
            form.reset(blank);
            void queryClient.invalidateQueries({ queryKey: psaKeys.integration(id) });
            router.refresh();
          })}
        >
          <FormError message={errors.root?.message} />
          <CredentialFields descriptor={descriptor} register={form.register} errors={errors} idPrefix="replace" />
          <Field id="replace-note" label="Why?" optional hint="Kept in the audit log." error={errors.note?.message}>
            <Input {...form.register("note")} />
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={isSubmitting}>
              Test and replace
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
