"use client";

/**
 * The + Add PSA wizard. Credentials are typed once, sent to the Test connection action, and — only when the
 * PSA accepts them — stored encrypted server-side in a paused integration marked unfinished. From then on the
 * browser holds just the integration id: the look-ups (companies, boards, priorities, ...) use the stored
 * credentials through the GET route handlers, and no response carries a credential back (R-SEC-2).
 */
import * as React from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { ArrowLeft, ArrowRight, CheckCircle2, PlugZap, XCircle } from "lucide-react";
import { PSA_CATALOG, getPsaDescriptor } from "@/lib/psa/catalog";
import { PSA_VENDORS, type PsaVendor } from "@/lib/psa/types";
import { PRIORITIES, PRIORITY_LABELS } from "@/lib/delivery/types";
import { defaultFieldKeys, psaConnectFormSchema } from "@/lib/validations/psa-integrations";
import { cn, formatDateTime } from "@/lib/utils";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import { CredentialFields, credentialDefaults } from "@/components/psa/credential-fields";
import { useLookupName } from "@/components/psa/lookup-select";
import {
  DefaultsSection,
  MappingSection,
  psaConfigError,
  usePsaConfigForm,
  type OrganizationOption,
  type PsaConfigValues,
} from "@/components/psa/psa-config-form";
import { savePsaConfigurationAction, testNewPsaConnectionAction } from "../actions";

type Resume = {
  id: string;
  vendor: PsaVendor;
  name: string;
  address: string | null;
  lastTestMessage: string | null;
  credentialsSetAt: string;
};

const STEPS = ["PSA", "Connect", "Organizations", "Ticket defaults", "Review & save"] as const;

const VENDOR_BLURBS: Record<PsaVendor, string> = {
  connectwise: "Site, company ID, public and private key",
  autotask: "API user, secret and integration code; the zone is discovered",
  kaseya_bms: "Server URL, tenant, username and password",
  halopsa: "Halo URL, client ID and secret (tenant when hosted)",
  syncro: "Subdomain and API token",
};

export function AddPsaWizard({
  organizations,
  takenNames,
  resume,
}: {
  organizations: OrganizationOption[];
  takenNames: string[];
  resume?: Resume;
}) {
  const [vendor, setVendor] = React.useState<PsaVendor | null>(resume?.vendor ?? null);
  const [choosing, setChoosing] = React.useState(!resume);
  if (choosing || !vendor) {
    return (
      <WizardFrame step={0}>
        <VendorStep
          value={vendor}
          onContinue={(v) => {
            setVendor(v);
            setChoosing(false);
          }}
        />
      </WizardFrame>
    );
  }
  return (
    <VendorWizard
      key={vendor}
      vendor={vendor}
      organizations={organizations}
      takenNames={takenNames}
      resume={resume}
      onChangeVendor={() => setChoosing(true)}
    />
  );
}

function WizardFrame({ step, children }: { step: number; children: React.ReactNode }) {
  return (
    <div className="space-y-6">
      <nav aria-label="Add PSA steps">
        <ol className="flex flex-wrap gap-2 text-sm">
          {STEPS.map((label, i) => (
            <li
              key={label}
              aria-current={i === step ? "step" : undefined}
              className={cn(
                "flex items-center gap-2 rounded-full border px-3 py-1",
                i === step
                  ? "border-brand-600 bg-brand-50 font-medium text-brand-700"
                  : i < step
                    ? "border-slate-300 bg-white text-slate-700"
                    : "border-slate-200 bg-white text-slate-500",
              )}
            >
              <span
                aria-hidden
                className={cn(
                  "flex h-5 w-5 items-center justify-center rounded-full text-xs",
                  i < step ? "bg-emerald-600 text-white" : i === step ? "bg-brand-600 text-white" : "bg-slate-200 text-slate-600",
                )}
              >
                {i < step ? "✓" : i + 1}
              </span>
              {label}
              {i < step ? <span className="sr-only">(done)</span> : null}
            </li>
          ))}
        </ol>
      </nav>
      {children}
    </div>
  );
}

function VendorStep({ value, onContinue }: { value: PsaVendor | null; onContinue: (v: PsaVendor) => void }) {
  const [chosen, setChosen] = React.useState<PsaVendor | null>(value);
  return (
    <Card>
      <CardHeader title="Choose the PSA" description="Required fields and mapping options vary by PSA; the next steps ask for what yours needs." />
      <CardBody>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (chosen) onContinue(chosen);
          }}
        >
          <fieldset>
            <legend className="sr-only">PSA</legend>
            <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
              {PSA_VENDORS.map((v) => {
                const d = PSA_CATALOG[v];
                return (
                  <label
                    key={v}
                    className={cn(
                      "flex cursor-pointer items-start gap-3 rounded-lg border p-4 hover:border-brand-300 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-500",
                      chosen === v ? "border-brand-600 bg-brand-50/60 ring-1 ring-brand-600" : "border-slate-200 bg-white",
                    )}
                  >
                    <input
                      type="radio"
                      name="vendor"
                      value={v}
                      checked={chosen === v}
                      onChange={() => setChosen(v)}
                      className="mt-1 h-4 w-4 accent-brand-600"
                    />
                    <span>
                      <span className="block text-sm font-semibold text-slate-900">{d.displayName}</span>
                      <span className="mt-0.5 block text-xs text-slate-600">{VENDOR_BLURBS[v]}</span>
                    </span>
                  </label>
                );
              })}
            </div>
          </fieldset>
          <div className="mt-6 flex justify-between">
            <Button asChild variant="ghost">
              <Link href="/settings/psa-email">Cancel</Link>
            </Button>
            <Button type="submit" disabled={!chosen}>
              Continue
              <ArrowRight className="h-4 w-4" aria-hidden />
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}

function suggestName(displayName: string, taken: string[]): string {
  const lower = new Set(taken.map((t) => t.toLowerCase()));
  if (!lower.has(displayName.toLowerCase())) return displayName;
  for (let n = 2; ; n++) if (!lower.has(`${displayName} ${n}`.toLowerCase())) return `${displayName} ${n}`;
}

function VendorWizard({
  vendor,
  organizations,
  takenNames,
  resume,
  onChangeVendor,
}: {
  vendor: PsaVendor;
  organizations: OrganizationOption[];
  takenNames: string[];
  resume?: Resume;
  onChangeVendor: () => void;
}) {
  const descriptor = getPsaDescriptor(vendor);
  const router = useRouter();
  const [step, setStep] = React.useState(resume ? 2 : 1);
  const [stored, setStored] = React.useState<Stored | null>(
    resume
      ? { id: resume.id, name: resume.name, detail: resume.lastTestMessage ?? "Connection tested.", at: resume.credentialsSetAt, address: resume.address }
      : null,
  );
  const config = usePsaConfigForm(vendor, {
    name: resume?.name ?? "",
    defaults: {},
    priorityMap: {},
    fallback: null,
    mappings: [],
    note: "",
  });
  const top = React.useRef<HTMLDivElement>(null);
  const go = (next: number) => {
    setStep(next);
    top.current?.scrollIntoView({ block: "start" });
  };

  return (
    <div ref={top}>
      <WizardFrame step={step}>
        {step === 1 ? (
          <ConnectStep
            vendor={vendor}
            stored={stored}
            defaultName={stored?.name ?? suggestName(descriptor.displayName, takenNames)}
            onChangeVendor={stored ? undefined : onChangeVendor}
            onTested={(s) => {
              setStored(s);
              config.setValue("name", s.name);
            }}
            onContinue={() => go(2)}
          />
        ) : null}
        {stored && step === 2 ? (
          <Card>
            <CardHeader
              title="Organizations"
              description={`Map each organization to its ${descriptor.companyNoun.singular} in ${descriptor.displayName}, and choose where alerts of unmapped organizations go.`}
            />
            <CardBody>
              <MappingSection form={config} vendor={vendor} integrationId={stored.id} organizations={organizations} />
              <StepButtons onBack={() => go(1)} onNext={() => go(3)} />
            </CardBody>
          </Card>
        ) : null}
        {stored && step === 3 ? (
          <Card>
            <CardHeader title="Ticket defaults" description={`The ${descriptor.displayName} fields every ticket gets, and the priority each alert priority creates.`} />
            <CardBody>
              <DefaultsSection form={config} vendor={vendor} integrationId={stored.id} />
              <StepButtons
                onBack={() => go(2)}
                onNext={async () => {
                  // Whole-form validation: react-hook-form only keeps nested errors of record fields that way.
                  if (await config.trigger()) go(4);
                  else toast.error("Choose the highlighted fields first.");
                }}
              />
            </CardBody>
          </Card>
        ) : null}
        {stored && step === 4 ? (
          <ReviewStep
            vendor={vendor}
            integrationId={stored.id}
            detail={stored.detail}
            organizations={organizations}
            form={config}
            onBack={() => go(3)}
            onSaved={(name) => {
              toast.success(`${name} saved. Alerts now create tickets in ${descriptor.displayName}.`);
              router.push(`/settings/psa-email/psa/${stored.id}`);
              router.refresh();
            }}
            onDefaultsInvalid={() => go(3)}
          />
        ) : null}
      </WizardFrame>
    </div>
  );
}

function StepButtons({ onBack, onNext, nextLabel = "Continue" }: { onBack: () => void; onNext: () => void; nextLabel?: string }) {
  return (
    <div className="mt-6 flex justify-between border-t border-slate-200 pt-4">
      <Button type="button" variant="secondary" onClick={onBack}>
        <ArrowLeft className="h-4 w-4" aria-hidden />
        Back
      </Button>
      <Button type="button" onClick={onNext}>
        {nextLabel}
        <ArrowRight className="h-4 w-4" aria-hidden />
      </Button>
    </div>
  );
}

type ConnectValues = { name: string; credentials: Record<string, string>; note?: string };
type Stored = { id: string; name: string; detail: string; at: string; address: string | null };

/** The credential field that says where the PSA is (URL or subdomain) — a location, kept for display. */
function addressField(vendor: PsaVendor) {
  const fields = getPsaDescriptor(vendor).credentialFields;
  return fields.find((f) => f.input === "url" && !f.secret) ?? fields.find((f) => f.name === "subdomain");
}

function ConnectStep({
  vendor,
  stored,
  defaultName,
  onChangeVendor,
  onTested,
  onContinue,
}: {
  vendor: PsaVendor;
  stored: Stored | null;
  defaultName: string;
  onChangeVendor?: () => void;
  onTested: (s: Stored) => void;
  onContinue: () => void;
}) {
  const descriptor = getPsaDescriptor(vendor);
  // Once stored, the credentials are shown only as "tested and stored"; entering them again replaces them.
  const [editing, setEditing] = React.useState(!stored);
  const form = useForm<ConnectValues>({
    resolver: zodResolver(psaConnectFormSchema(vendor)) as never,
    defaultValues: { name: stored?.name ?? defaultName, credentials: credentialDefaults(descriptor, stored?.address) },
  });
  const { errors, isSubmitting } = form.formState;
  const [failure, setFailure] = React.useState<string | null>(null);

  if (stored && !editing) {
    return (
      <Card>
        <CardHeader title={`Connect ${descriptor.displayName}`} description="The connection test passed; the credentials are stored encrypted." />
        <CardBody className="space-y-5">
          <div role="status" className="flex items-start gap-2 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            <CheckCircle2 className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
            <span>
              <strong>Connection test passed.</strong> {stored.detail}
            </span>
          </div>
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="font-medium text-slate-600">Name</dt>
            <dd className="text-slate-900">{stored.name}</dd>
            {stored.address ? (
              <>
                <dt className="font-medium text-slate-600">Address</dt>
                <dd className="break-all text-slate-900">{stored.address}</dd>
              </>
            ) : null}
            <dt className="font-medium text-slate-600">Credentials</dt>
            <dd className="text-slate-900">
              <span aria-hidden>•••• </span>Stored encrypted {formatDateTime(stored.at)}; never shown again
            </dd>
          </dl>
          <div className="flex flex-wrap justify-between gap-2 border-t border-slate-200 pt-4">
            <Button type="button" variant="ghost" onClick={() => setEditing(true)}>
              Change name or credentials
            </Button>
            <Button type="button" onClick={onContinue}>
              Continue
              <ArrowRight className="h-4 w-4" aria-hidden />
            </Button>
          </div>
        </CardBody>
      </Card>
    );
  }

  return (
    <Card>
      <CardHeader
        title={`Connect ${descriptor.displayName}`}
        description={
          stored
            ? "Enter the complete set again and test it; it replaces the stored one only if the test passes."
            : "Enter the authentication details, then test the connection. The test must pass before you continue."
        }
        actions={
          onChangeVendor ? (
            <Button type="button" variant="ghost" size="sm" onClick={onChangeVendor}>
              Change PSA
            </Button>
          ) : null
        }
      />
      <CardBody>
        <form
          noValidate
          className="space-y-5"
          onSubmit={form.handleSubmit(async (values) => {
            setFailure(null);
            const res = await testNewPsaConnectionAction({
              vendor,
              integrationId: stored?.id,
              name: values.name,
              credentials: values.credentials,
            });
            if (!res.ok) {
              applyFieldErrors(form, res);
              const fieldProblem = Object.keys(res.fieldErrors ?? {}).length > 0;
              setFailure(fieldProblem ? null : (res.formError ?? "The connection test failed."));
              return;
            }
            const where = addressField(vendor);
            const address = where ? values.credentials[where.name] || null : null;
            // Drop what was typed: from now on only the server holds the credentials.
            form.reset({ name: values.name, credentials: credentialDefaults(descriptor, address) });
            setEditing(false);
            onTested({ id: res.data.id, name: values.name.trim(), detail: res.data.detail, at: new Date().toISOString(), address });
          })}
        >
          <Field id="psa-name" label="Name" error={errors.name?.message} hint="How this connection appears in Switchboard, e.g. “ConnectWise – US”.">
            <Input {...form.register("name")} />
          </Field>
          <CredentialFields descriptor={descriptor} register={form.register} errors={errors} idPrefix="cred" />
          {failure ? (
            <div role="alert" className="flex items-start gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
              <XCircle className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
              <span>
                <strong>Connection test failed.</strong> {failure}
              </span>
            </div>
          ) : (
            <FormError message={errors.root?.message} />
          )}
          <div className="flex flex-wrap justify-between gap-2 border-t border-slate-200 pt-4">
            {stored ? (
              <Button
                type="button"
                variant="ghost"
                onClick={() => {
                  form.reset();
                  setFailure(null);
                  setEditing(false);
                }}
              >
                Keep the stored credentials
              </Button>
            ) : (
              <Button asChild variant="ghost">
                <Link href="/settings/psa-email">Cancel</Link>
              </Button>
            )}
            <div className="flex gap-2">
              <Button type="submit" pending={isSubmitting}>
                <PlugZap className="h-4 w-4" aria-hidden />
                Test connection
              </Button>
              <Button type="button" disabled>
                Continue
                <ArrowRight className="h-4 w-4" aria-hidden />
              </Button>
            </div>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}

function ReviewStep({
  vendor,
  integrationId,
  detail,
  organizations,
  form,
  onBack,
  onSaved,
  onDefaultsInvalid,
}: {
  vendor: PsaVendor;
  integrationId: string;
  detail: string;
  organizations: OrganizationOption[];
  form: ReturnType<typeof usePsaConfigForm>;
  onBack: () => void;
  onSaved: (name: string) => void;
  onDefaultsInvalid: () => void;
}) {
  const descriptor = getPsaDescriptor(vendor);
  const values = form.watch();
  const names = new Map(organizations.map((o) => [o.id, o.name]));
  const keys = new Set(defaultFieldKeys(descriptor));
  const { isSubmitting, errors } = form.formState;
  return (
    <Card>
      <CardHeader title="Review and save" description="Saving enables ticket creation: from then on, new alerts create tickets as configured here." />
      <CardBody>
        <form
          noValidate
          onSubmit={form.handleSubmit(
            async (v: PsaConfigValues) => {
              const result = await savePsaConfigurationAction({ id: integrationId, ...v });
              if (!result.ok) {
                applyFieldErrors(form, result);
                if (Object.keys(result.fieldErrors ?? {}).some((k) => k.startsWith("defaults") || k.startsWith("priorityMap"))) onDefaultsInvalid();
                return;
              }
              onSaved(v.name);
            },
            (errs) => {
              if (errs.defaults || errs.priorityMap) onDefaultsInvalid();
            },
          )}
          className="space-y-5"
        >
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[12rem_1fr]">
            <dt className="font-medium text-slate-600">PSA</dt>
            <dd className="text-slate-900">
              {descriptor.displayName} — {detail}
            </dd>
            <dt className="font-medium text-slate-600">Mapped organizations</dt>
            <dd className="text-slate-900">
              {values.mappings.length === 0 ? (
                "None"
              ) : (
                <ul className="space-y-0.5">
                  {values.mappings.map((m) => (
                    <li key={m.organizationId}>
                      {names.get(m.organizationId)} → {m.companyName}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            <dt className="font-medium text-slate-600">Catch-all {descriptor.companyNoun.singular}</dt>
            <dd className="text-slate-900">
              {values.fallback ? values.fallback.companyName : `None — unmapped organizations create no ticket`}
            </dd>
            {descriptor.ticketFields
              .filter((f) => keys.has(f.key) && values.defaults[f.key])
              .map((f) => (
                <NamedValue key={f.key} label={f.label} integrationId={integrationId} field={f} params={values.defaults} value={values.defaults[f.key]} />
              ))}
            <dt className="font-medium text-slate-600">Priority map</dt>
            <dd className="text-slate-900">
              <ul className="space-y-0.5">
                {PRIORITIES.map((p) => (
                  <li key={p}>
                    {PRIORITY_LABELS[p]} →{" "}
                    <PriorityName integrationId={integrationId} vendor={vendor} params={values.defaults} value={values.priorityMap[p]} />
                  </li>
                ))}
              </ul>
            </dd>
          </dl>
          {psaConfigError(form, "mappings") ? <FormError message={psaConfigError(form, "mappings")} /> : null}
          <FormError message={errors.root?.message} />
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="setup-name" label="Name" error={errors.name?.message}>
              <Input {...form.register("name")} />
            </Field>
            <Field id="setup-note" label="Why?" optional hint="Kept in the audit log with this change." error={errors.note?.message}>
              <Input {...form.register("note")} />
            </Field>
          </div>
          <div className="flex justify-between border-t border-slate-200 pt-4">
            <Button type="button" variant="secondary" onClick={onBack}>
              <ArrowLeft className="h-4 w-4" aria-hidden />
              Back
            </Button>
            <Button type="submit" pending={isSubmitting}>
              Save and enable ticket creation
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}

function NamedValue({
  label,
  integrationId,
  field,
  params,
  value,
}: {
  label: string;
  integrationId: string;
  field: Parameters<typeof useLookupName>[1];
  params: Record<string, string>;
  value: string;
}) {
  const name = useLookupName(integrationId, field, params, value);
  return (
    <>
      <dt className="font-medium text-slate-600">{label}</dt>
      <dd className="text-slate-900">{name}</dd>
    </>
  );
}

function PriorityName({ integrationId, vendor, params, value }: { integrationId: string; vendor: PsaVendor; params: Record<string, string>; value?: string }) {
  const name = useLookupName(integrationId, getPsaDescriptor(vendor).priority, params, value);
  return <>{name ?? "PSA default"}</>;
}
