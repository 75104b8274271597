"use client";

/**
 * The interactive parts of a connection's page: settings and Replace credentials (R-SEC-2), source mapping
 * (R-INT-5), ingest-token rotation, disable/enable/delete with confirmation and the audit "why" (R-SEC-4),
 * and continuing an OAuth admin consent. Each calls one server action; lib/ re-checks who may do it.
 */
import * as React from "react";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { ExternalLink, KeyRound, Pencil, Plus, Power, RefreshCw, Trash2 } from "lucide-react";
import type { z } from "zod";
import { setSourceMappingSchema, updateConnectionSchema } from "@/lib/validations/integrations";
import { formatDateTime } from "@/lib/utils";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import {
  deleteConnectionAction,
  removeSourceAction,
  rotateIngestTokenAction,
  setConnectionEnabledAction,
  setSourceMappingAction,
  startAuthorizationAction,
  updateConnectionAction,
} from "@/app/(console)/settings/integrations/actions";
import { CopyField } from "./copy-field";
import { Notice } from "./notices";

type FieldView = { key: string; label: string; secret: boolean; kind: string; hint?: string; placeholder?: string; value: string | null };
type Org = { id: string; name: string };

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// ---------------------------------------------------------------------------------------------------------
// Settings + Replace credentials

type SettingsValues = z.input<typeof updateConnectionSchema>;

export function ConnectionSettingsForm({
  connectionId,
  name,
  fields,
  credentialsSetAt,
}: {
  connectionId: string;
  name: string;
  fields: FieldView[];
  credentialsSetAt: string | null;
}) {
  const router = useRouter();
  const plain = fields.filter((f) => !f.secret);
  const secret = fields.filter((f) => f.secret);
  const [replacing, setReplacing] = React.useState(false);
  const defaults: SettingsValues = {
    connectionId,
    name,
    settings: Object.fromEntries(plain.map((f) => [f.key, f.value ?? ""])),
    secrets: undefined,
    acknowledgeDuplicate: false,
    note: "",
  };
  const form = useForm<SettingsValues>({ resolver: zodResolver(updateConnectionSchema) as never, defaultValues: defaults });
  const { errors, isSubmitting, isDirty } = form.formState;
  const ackError = (errors as Record<string, { message?: string }>).acknowledgeDuplicate?.message;
  const secretErrors = errors.secrets as Record<string, { message?: string } | undefined> | undefined;
  const settingErrors = errors.settings as Record<string, { message?: string } | undefined> | undefined;
  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={form.handleSubmit(async (values) => {
        const result = await updateConnectionAction({ ...values, secrets: replacing ? values.secrets : undefined });
        if (!result.ok) return applyFieldErrors(form, result);
        toast.success(result.message ?? "Saved.");
        setReplacing(false);
        form.reset({ ...values, secrets: undefined, acknowledgeDuplicate: false, note: "" });
        router.refresh();
      })}
    >
      <FormError message={ackError ? undefined : errors.root?.message} />
      <Field id="conn-name" label="Name" error={errors.name?.message}>
        <Input {...form.register("name")} />
      </Field>
      {plain.length ? (
        <div className="grid gap-4 sm:grid-cols-2">
          {plain.map((f) => (
            <Field key={f.key} id={`conn-${f.key}`} label={cap(f.label)} hint={f.hint} error={settingErrors?.[f.key]?.message} className={f.kind === "url" ? "sm:col-span-2" : undefined}>
              <Input spellCheck={false} autoComplete="off" placeholder={f.placeholder} {...form.register(`settings.${f.key}` as const)} />
            </Field>
          ))}
        </div>
      ) : null}
      {secret.length ? (
        <fieldset className="space-y-3 rounded-md border border-slate-200 p-4">
          <legend className="px-1 text-sm font-medium text-slate-800">Secrets</legend>
          {replacing ? (
            <>
              <p className="text-xs text-slate-600">Type every secret again; the current values are kept until you save.</p>
              {secret.map((f) => (
                <Field key={f.key} id={`conn-secret-${f.key}`} label={cap(f.label)} hint={f.hint} error={secretErrors?.[f.key]?.message}>
                  <Input type="password" autoComplete="new-password" spellCheck={false} {...form.register(`secrets.${f.key}` as const)} />
                </Field>
              ))}
              <Button
                type="button"
                variant="ghost"
                size="sm"
                onClick={() => {
                  setReplacing(false);
                  form.setValue("secrets", undefined);
                }}
              >
                Keep the current secrets
              </Button>
            </>
          ) : (
            <div className="flex flex-wrap items-center justify-between gap-3">
              <p className="text-sm text-slate-700">
                {secret.map((f) => cap(f.label)).join(", ")}:{" "}
                {credentialsSetAt ? (
                  <span className="font-mono text-slate-500">•••••••• set on {formatDateTime(credentialsSetAt)}</span>
                ) : (
                  <span className="text-amber-700">not set yet</span>
                )}
              </p>
              <Button
                type="button"
                variant="secondary"
                size="sm"
                onClick={() => {
                  setReplacing(true);
                  form.setValue("secrets", Object.fromEntries(secret.map((f) => [f.key, ""])), { shouldDirty: true });
                }}
              >
                <KeyRound className="h-4 w-4" aria-hidden />
                {credentialsSetAt ? "Replace" : "Enter credentials"}
              </Button>
            </div>
          )}
        </fieldset>
      ) : null}
      {ackError ? (
        <Notice tone="warning" role="alert" title="This instance is already connected to another organization">
          <p>{ackError.replace(/^This instance is already connected to another organization; /, "")}</p>
          <label className="mt-2 flex items-center gap-2 font-medium">
            <input type="checkbox" className="h-4 w-4 accent-amber-600" {...form.register("acknowledgeDuplicate")} />
            Save anyway
          </label>
        </Notice>
      ) : null}
      <Field id="conn-note" label="Why this change?" optional hint="Kept in the audit log." error={errors.note?.message}>
        <Input {...form.register("note")} />
      </Field>
      <div className="flex justify-end">
        <Button type="submit" pending={isSubmitting} disabled={!isDirty && !replacing}>
          Save connection
        </Button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Sources and mapping

type MappingValues = z.input<typeof setSourceMappingSchema>;

export function SourceMappingDialog({
  connectionId,
  noun,
  organizations,
  defaultOrganizationName,
  source,
}: {
  connectionId: string;
  noun: string;
  organizations: Org[];
  defaultOrganizationName: string;
  /** Present: edit this source's mapping; absent: add a source. */
  source?: { externalSourceId: string; externalSourceName: string | null; organizationId: string | null };
}) {
  const router = useRouter();
  const [open, setOpen] = React.useState(false);
  const defaults: MappingValues = {
    connectionId,
    externalSourceId: source?.externalSourceId ?? "",
    externalSourceName: source?.externalSourceName ?? "",
    organizationId: source?.organizationId ?? "",
    note: "",
  };
  const form = useForm<MappingValues>({ resolver: zodResolver(setSourceMappingSchema) as never, defaultValues: defaults });
  const { errors, isSubmitting } = form.formState;
  const label = source ? source.externalSourceName || source.externalSourceId : undefined;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) form.reset(defaults);
      }}
    >
      <DialogTrigger asChild>
        {source ? (
          <Button variant="ghost" size="sm" aria-label={`Map ${label}`}>
            <Pencil className="h-4 w-4" aria-hidden />
            Map
          </Button>
        ) : (
          <Button variant="secondary" size="sm">
            <Plus className="h-4 w-4" aria-hidden />
            Add {noun}
          </Button>
        )}
      </DialogTrigger>
      <DialogContent
        title={source ? `Map ${noun} ${label}` : `Add ${noun}`}
        description={`Telemetry from this ${noun} goes to the organization you choose, from the next event on. Unmapped, it is stored under ${defaultOrganizationName}.`}
      >
        <form
          noValidate
          className="space-y-4"
          onSubmit={form.handleSubmit(async (values) => {
            const result = await setSourceMappingAction(values);
            if (!result.ok) return applyFieldErrors(form, result);
            toast.success(result.message ?? "Mapping saved.");
            setOpen(false);
            router.refresh();
          })}
        >
          <FormError message={errors.root?.message} />
          <Field id="src-id" label={`${cap(noun)} id`} hint={source ? undefined : `The id the source uses for this ${noun} in its telemetry.`} error={errors.externalSourceId?.message}>
            <Input spellCheck={false} readOnly={Boolean(source)} {...form.register("externalSourceId")} />
          </Field>
          <Field id="src-name" label={`${cap(noun)} name`} optional error={errors.externalSourceName?.message}>
            <Input {...form.register("externalSourceName")} />
          </Field>
          <Field id="src-org" label="Organization" error={errors.organizationId?.message}>
            <NativeSelect {...form.register("organizationId")}>
              <option value="">Unmapped — store under {defaultOrganizationName}</option>
              {organizations.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </NativeSelect>
          </Field>
          <Field id="src-note" label="Why?" optional hint="Kept in the audit log." error={errors.note?.message}>
            <Input {...form.register("note")} />
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={isSubmitting}>
              Save mapping
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function RemoveSourceButton({ connectionId, externalSourceId, label, noun }: { connectionId: string; externalSourceId: string; label: string; noun: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="sm" className="text-red-700 hover:bg-red-50" aria-label={`Remove ${label}`}>
          <Trash2 className="h-4 w-4" aria-hidden />
        </Button>
      }
      title={`Remove ${noun} ${label}?`}
      description={`Its mapping is forgotten. If telemetry carries this ${noun} again, it reappears here, unmapped.`}
      confirmLabel="Remove"
      destructive
      withNote
      onConfirm={async (note) => {
        const result = await removeSourceAction({ connectionId, externalSourceId, note });
        if (!result.ok) {
          toast.error(result.formError ?? "Could not remove it.");
          return false;
        }
        toast.success(result.message ?? "Removed.");
        router.refresh();
      }}
    />
  );
}

// ---------------------------------------------------------------------------------------------------------
// Ingest token, lifecycle, OAuth

export function RotateTokenButton({ connectionId }: { connectionId: string }) {
  const router = useRouter();
  const [token, setToken] = React.useState<string | null>(null);
  return (
    <>
      <ConfirmDialog
        trigger={
          <Button variant="secondary" size="sm">
            <RefreshCw className="h-4 w-4" aria-hidden />
            Rotate token
          </Button>
        }
        title="Rotate the ingest token?"
        description="A new token is issued and the current one stops working at once. Update the source's configuration with the new token."
        confirmLabel="Rotate token"
        withNote
        onConfirm={async (note) => {
          const result = await rotateIngestTokenAction({ connectionId, note });
          if (!result.ok) {
            toast.error(result.formError ?? "Could not rotate the token.");
            return false;
          }
          setToken(result.data.token);
          router.refresh();
        }}
      />
      <Dialog open={token !== null} onOpenChange={(o) => (!o ? setToken(null) : undefined)}>
        <DialogContent title="Copy the new ingest token">
          <div className="space-y-4">
            <p className="text-sm text-slate-600">This is the only time the token is shown. Switchboard keeps only a hash of it.</p>
            {token ? <CopyField label="New ingest token" value={token} /> : null}
            <div className="flex justify-end">
              <Button onClick={() => setToken(null)}>Done</Button>
            </div>
          </div>
        </DialogContent>
      </Dialog>
    </>
  );
}

export function ConnectionLifecycle({
  connectionId,
  label,
  status,
  afterDelete,
}: {
  connectionId: string;
  label: string;
  status: "pending" | "connected" | "disabled";
  afterDelete: string;
}) {
  const router = useRouter();
  const disabled = status === "disabled";
  return (
    <div className="flex flex-wrap gap-2">
      <ConfirmDialog
        trigger={
          <Button variant="secondary">
            <Power className="h-4 w-4" aria-hidden />
            {disabled ? "Enable" : "Disable"}
          </Button>
        }
        title={disabled ? `Enable ${label}?` : `Disable ${label}?`}
        description={
          disabled
            ? "Telemetry is accepted again from the next batch. Credentials and mappings are as you left them."
            : "Telemetry from this source is refused (HTTP 403) until you enable it again. Credentials, mappings and stored telemetry are kept."
        }
        confirmLabel={disabled ? "Enable" : "Disable"}
        withNote
        onConfirm={async (note) => {
          const result = await setConnectionEnabledAction({ connectionId, enabled: disabled, note });
          if (!result.ok) {
            toast.error(result.formError ?? "Could not change it.");
            return false;
          }
          toast.success(disabled ? `${label} enabled.` : `${label} disabled.`);
          router.refresh();
        }}
      />
      <ConfirmDialog
        trigger={
          <Button variant="secondary" className="text-red-700 hover:bg-red-50">
            <Trash2 className="h-4 w-4" aria-hidden />
            Delete
          </Button>
        }
        title={`Delete ${label}?`}
        description="The connection, its credentials, ingest token, source mappings and consent links are deleted; telemetry already stored stays with its organizations. This cannot be undone."
        confirmLabel="Delete connection"
        destructive
        withNote
        onConfirm={async (note) => {
          const result = await deleteConnectionAction({ connectionId, note });
          if (!result.ok) {
            toast.error(result.formError ?? "Could not delete it.");
            return false;
          }
          toast.success(`${label} deleted.`);
          router.push(afterDelete);
          router.refresh();
        }}
      />
    </div>
  );
}

export function ContinueAuthorizationButton({ connectionId, provider }: { connectionId: string; provider: string }) {
  const [pending, setPending] = React.useState(false);
  return (
    <Button
      pending={pending}
      onClick={async () => {
        setPending(true);
        const result = await startAuthorizationAction({ connectionId });
        if (!result.ok) {
          setPending(false);
          toast.error(result.formError ?? "Could not start the authorization.");
          return;
        }
        window.location.assign(result.data.authorizeUrl);
      }}
    >
      <ExternalLink className="h-4 w-4" aria-hidden />
      Continue to {provider} admin consent
    </Button>
  );
}
