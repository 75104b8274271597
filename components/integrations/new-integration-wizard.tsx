"use client";

/**
 * Settings > Integrations > + New Integration, in the seed's order (R-INT-1): select an organization to route
 * incoming data → choose the integration type → provide the credentials → Next → map the source's sites /
 * customers / tenants to organizations. The constraints are stated up front (R-INT-2, R-INT-3, R-INT-5); an
 * organization that already has the type is named with a link before the admin types anything, and an
 * instance already connected elsewhere is a warning the admin may continue past or cancel (R-INT-4).
 */
import * as React from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFieldArray, useForm, useWatch, type Resolver } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { ArrowLeft, ArrowRight, CheckCircle2, Plus, Trash2 } from "lucide-react";
import { applicationsByCategory, credentialFields, findApplication, type AppDefinition } from "@/lib/integrations/catalog";
import type { DuplicateInstance } from "@/lib/integrations/org-apps";
import { createIntegrationSchema, withCredentials, type CreateIntegrationInput } from "@/lib/validations/integrations";
import { cn } from "@/lib/utils";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import { checkIntegrationAction, createIntegrationAction } from "@/app/(console)/settings/integrations/actions";
import { AppMark } from "./app-mark";
import { CopyField } from "./copy-field";
import { CredentialInputs, emptyCredentials } from "./credential-inputs";
import { DuplicateInstanceNotice, ExistingConnectionNotice, Notice, RoutingConstraints } from "./notices";
import { useExistingApplications } from "./queries";

type Org = { id: string; name: string };
type Values = CreateIntegrationInput & { credentials: Record<string, string>; mappings: NonNullable<CreateIntegrationInput["mappings"]> };

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const STEPS = ["Organization", "Integration type", "Credentials", "Mapping"] as const;
const GROUPS = applicationsByCategory("settings");

function StepPills({ step }: { step: number }) {
  return (
    <nav aria-label="New integration steps">
      <ol className="flex flex-wrap gap-2 text-sm">
        {STEPS.map((label, i) => (
          <li
            key={label}
            aria-current={i === step ? "step" : undefined}
            className={cn(
              "flex items-center gap-2 rounded-full border px-3 py-1",
              i === step ? "border-brand-600 bg-brand-50 font-medium text-brand-700" : i < step ? "border-slate-300 bg-white text-slate-700" : "border-slate-200 bg-white text-slate-500",
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
  );
}

function useDynamicResolver(app: AppDefinition | undefined): Resolver<Values> {
  return React.useMemo(() => zodResolver(withCredentials(createIntegrationSchema, app)) as unknown as Resolver<Values>, [app]);
}

export function NewIntegrationWizard({ organizations }: { organizations: Org[] }) {
  const router = useRouter();
  const [step, setStep] = React.useState(0);
  const [duplicates, setDuplicates] = React.useState<DuplicateInstance[]>([]);
  const [created, setCreated] = React.useState<{ href: string; token: string; connectionId: string } | null>(null);
  const [checking, setChecking] = React.useState(false);
  const [appType, setAppType] = React.useState<string>("");
  const app = findApplication(appType);
  const form = useForm<Values>({
    resolver: useDynamicResolver(app),
    mode: "onTouched",
    defaultValues: { organizationId: "", appType: "", name: "", credentials: {}, mappings: [], acknowledgeDuplicate: false, note: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const organizationId = useWatch({ control: form.control, name: "organizationId" });
  const acknowledged = useWatch({ control: form.control, name: "acknowledgeDuplicate" });
  const existingQuery = useExistingApplications(organizationId || undefined);
  const existingOfType = existingQuery.data?.find((e) => e.appType === appType);
  const orgName = organizations.find((o) => o.id === organizationId)?.name ?? "";
  const headingRef = React.useRef<HTMLDivElement>(null);

  const go = (n: number) => {
    setStep(n);
    // Move focus to the new step so keyboard and screen-reader users land on it.
    requestAnimationFrame(() => headingRef.current?.querySelector<HTMLElement>("h2 [tabindex='-1']")?.focus());
  };

  if (created) {
    return (
      <div className="space-y-6" ref={headingRef}>
        <Card>
          <CardHeader title={<span className="flex items-center gap-2"><CheckCircle2 className="h-5 w-5 text-emerald-600" aria-hidden />{app?.name} integration created</span>} description={`Incoming data is routed to ${orgName} unless a mapped source sends it elsewhere.`} />
          <CardBody className="space-y-4">
            <div className="space-y-1.5">
              <p className="text-sm font-medium text-slate-800">Ingest token</p>
              <CopyField label="Ingest token" value={created.token} />
              <p className="text-xs text-slate-500">
                This is the only time the token is shown; Switchboard keeps only a hash. The source posts telemetry to{" "}
                <code className="rounded bg-slate-100 px-1">POST /api/v1/telemetry/{created.connectionId}</code> with <code className="rounded bg-slate-100 px-1">Authorization: Bearer &lt;token&gt;</code>.
              </p>
            </div>
            <div className="flex flex-wrap justify-end gap-2">
              <Button asChild variant="secondary">
                <Link href="/settings/integrations">Back to Integrations</Link>
              </Button>
              <Button asChild>
                <Link href={created.href}>Open integration</Link>
              </Button>
            </div>
          </CardBody>
        </Card>
      </div>
    );
  }

  const fields = app ? credentialFields(app) : [];

  return (
    <form
      noValidate
      className="space-y-6"
      onSubmit={form.handleSubmit(async (values) => {
        const result = await createIntegrationAction({ ...values, appType });
        if (!result.ok) {
          applyFieldErrors(form, result);
          if (result.fieldErrors?.acknowledgeDuplicate) toast.error("Confirm the duplicate-instance warning to continue.");
          return;
        }
        toast.success(`${app?.name} integration created.`);
        setCreated({ href: result.data.href, token: result.data.ingestToken, connectionId: result.data.connectionId });
        router.refresh();
      })}
    >
      <StepPills step={step} />
      <div ref={headingRef} className="space-y-6">
        {step === 0 ? (
          <Card>
            <CardHeader title={<span tabIndex={-1} className="outline-none">Select an organization to route incoming data</span>} description="Telemetry from this integration is stored and analysed under this organization unless you map a source elsewhere in the last step." />
            <CardBody className="space-y-4">
              <RoutingConstraints entry="settings" />
              <Field id="wizard-organization" label="Organization" error={errors.organizationId?.message}>
                <NativeSelect
                  {...form.register("organizationId", {
                    // Re-check at once when a choice fixes an error shown by Continue.
                    onChange: () => (form.getFieldState("organizationId").error ? form.trigger("organizationId") : undefined),
                  })}
                >
                  <option value="">Select an organization…</option>
                  {organizations.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                    </option>
                  ))}
                </NativeSelect>
              </Field>
              {organizations.length === 0 ? (
                <p className="text-sm text-slate-600">
                  There are no organizations yet. <Link className="font-medium text-brand-700 hover:underline" href="/organizations/new">Create one</Link> first.
                </p>
              ) : null}
              <StepButtons
                back={<Button asChild variant="ghost"><Link href="/settings/integrations">Cancel</Link></Button>}
                next={
                  <Button
                    type="button"
                    onClick={async () => {
                      if (await form.trigger("organizationId")) go(1);
                    }}
                  >
                    Continue
                    <ArrowRight className="h-4 w-4" aria-hidden />
                  </Button>
                }
              />
            </CardBody>
          </Card>
        ) : null}

        {step === 1 ? (
          <Card>
            <CardHeader title={<span tabIndex={-1} className="outline-none">Choose the integration type</span>} description={`Partner-level integrations for ${orgName}. Customer-owned apps (Microsoft 365, Google Workspace, Okta, Duo ...) are added from the organization's Applications tab.`} />
            <CardBody className="space-y-5">
              <fieldset className="space-y-5">
                <legend className="sr-only">Integration type</legend>
                {GROUPS.map((g) => (
                  <div key={g.category}>
                    <p className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">{g.label}</p>
                    <div className="grid gap-3 sm:grid-cols-2">
                      {g.apps.map((a) => {
                        const taken = existingQuery.data?.some((e) => e.appType === a.type);
                        return (
                          <label
                            key={a.type}
                            className={cn(
                              "flex cursor-pointer items-start gap-3 rounded-lg border p-4 hover:border-brand-300 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-500",
                              appType === a.type ? "border-brand-600 bg-brand-50/60 ring-1 ring-brand-600" : "border-slate-200 bg-white",
                            )}
                          >
                            <input
                              type="radio"
                              name="appType"
                              value={a.type}
                              checked={appType === a.type}
                              onChange={() => {
                                setAppType(a.type);
                                form.setValue("appType", a.type);
                                form.setValue("credentials", emptyCredentials(credentialFields(a)));
                                form.setValue("name", a.name);
                                form.setValue("acknowledgeDuplicate", false);
                                setDuplicates([]);
                              }}
                              className="mt-1 h-4 w-4 accent-brand-600"
                            />
                            <AppMark name={a.name} category={a.category} />
                            <span className="min-w-0">
                              <span className="block text-sm font-semibold text-slate-900">{a.name}</span>
                              <span className="mt-0.5 block text-xs text-slate-600">{a.description}</span>
                              {taken ? <span className="mt-1 block text-xs font-medium text-amber-700">{orgName} already has one</span> : null}
                            </span>
                          </label>
                        );
                      })}
                    </div>
                  </div>
                ))}
              </fieldset>
              {errors.appType?.message ? <p role="alert" className="text-xs font-medium text-red-600">{errors.appType.message}</p> : null}
              {existingOfType && app ? <ExistingConnectionNotice existing={existingOfType} appName={app.name} /> : null}
              <StepButtons
                back={<BackButton onClick={() => go(0)} />}
                next={
                  <Button type="button" disabled={!app || Boolean(existingOfType) || existingQuery.isLoading} onClick={() => app && go(2)}>
                    Continue
                    <ArrowRight className="h-4 w-4" aria-hidden />
                  </Button>
                }
              />
            </CardBody>
          </Card>
        ) : null}

        {step === 2 && app ? (
          <Card>
            <CardHeader title={<span tabIndex={-1} className="outline-none">Provide the {app.name} credentials</span>} description={`Stored encrypted and never shown again; you can replace them later. ${app.setupHint ?? ""}`} />
            <CardBody className="space-y-4">
              <FormError message={errors.root?.message} />
              <Field id="wizard-name" label="Name" optional hint="How this integration is listed, e.g. “Datto RMM (EU platform)”." error={errors.name?.message}>
                <Input {...form.register("name")} />
              </Field>
              <CredentialInputs fields={fields} register={form.register as never} errors={errors} idPrefix="wizard" />
              <StepButtons
                back={<BackButton onClick={() => go(1)} />}
                next={
                  <Button
                    type="button"
                    pending={checking}
                    onClick={async () => {
                      if (!(await form.trigger(["credentials", "name"]))) return;
                      setChecking(true);
                      try {
                        const result = await checkIntegrationAction({ organizationId, appType, credentials: form.getValues("credentials") });
                        if (!result.ok) return applyFieldErrors(form, result);
                        if (result.data.existing) {
                          toast.error("A connection already exists for this application.");
                          return go(1);
                        }
                        setDuplicates(result.data.duplicates);
                        form.setValue("acknowledgeDuplicate", false);
                        go(3);
                      } finally {
                        setChecking(false);
                      }
                    }}
                  >
                    Next
                    <ArrowRight className="h-4 w-4" aria-hidden />
                  </Button>
                }
              />
            </CardBody>
          </Card>
        ) : null}

        {step === 3 && app ? (
          <MappingStep
            app={app}
            form={form}
            organizations={organizations}
            selectedOrganization={orgName}
            duplicates={duplicates}
            acknowledged={Boolean(acknowledged)}
            onBack={() => go(2)}
            submitting={isSubmitting}
          />
        ) : null}
      </div>
    </form>
  );
}

function StepButtons({ back, next }: { back: React.ReactNode; next: React.ReactNode }) {
  return (
    <div className="flex items-center justify-between border-t border-slate-100 pt-4">
      {back}
      {next}
    </div>
  );
}

function BackButton({ onClick }: { onClick: () => void }) {
  return (
    <Button type="button" variant="ghost" onClick={onClick}>
      <ArrowLeft className="h-4 w-4" aria-hidden />
      Back
    </Button>
  );
}

function MappingStep({
  app,
  form,
  organizations,
  selectedOrganization,
  duplicates,
  acknowledged,
  onBack,
  submitting,
}: {
  app: AppDefinition;
  form: ReturnType<typeof useForm<Values>>;
  organizations: Org[];
  selectedOrganization: string;
  duplicates: DuplicateInstance[];
  acknowledged: boolean;
  onBack: () => void;
  submitting: boolean;
}) {
  const { fields, append, remove } = useFieldArray({ control: form.control, name: "mappings" });
  const { errors } = form.formState;
  const noun = app.sourceNoun;
  const mustDecide = duplicates.length > 0 && !acknowledged;
  return (
    <Card>
      <CardHeader
        title={<span tabIndex={-1} className="outline-none">Map {noun}s to organizations</span>}
        description={`Telemetry tagged with a mapped ${noun} goes to that organization. Anything unmapped — including ${noun}s you do not list here — is stored under ${selectedOrganization}. You can change the mapping at any time, and ${noun}s seen in telemetry appear on the integration's page.`}
      />
      <CardBody className="space-y-4">
        <FormError message={errors.root?.message} />
        {duplicates.length ? (
          <DuplicateInstanceNotice duplicates={duplicates}>
            {acknowledged ? (
              <p className="mt-2 font-medium">You chose to continue: this integration will be created as a separate connection.</p>
            ) : (
              <div className="mt-3 flex flex-wrap gap-2">
                <Button type="button" size="sm" variant="secondary" onClick={() => form.setValue("acknowledgeDuplicate", true)}>
                  Continue anyway
                </Button>
                <Button asChild size="sm" variant="ghost">
                  <Link href="/settings/integrations">Cancel</Link>
                </Button>
              </div>
            )}
          </DuplicateInstanceNotice>
        ) : null}
        {fields.length === 0 ? (
          <p className="rounded-md border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600">
            No {noun}s mapped: all telemetry from this integration will be stored under {selectedOrganization}.
          </p>
        ) : (
          <div className="space-y-3">
            <div className="hidden grid-cols-[1fr_1fr_1fr_auto] gap-3 text-xs font-semibold uppercase tracking-wide text-slate-500 sm:grid">
              <span>{noun} id</span>
              <span>{noun} name</span>
              <span>Organization</span>
              <span className="w-9" />
            </div>
            {fields.map((f, i) => (
              <MappingRow key={f.id} index={i} form={form} organizations={organizations} app={app} onRemove={() => remove(i)} />
            ))}
          </div>
        )}
        <Button type="button" variant="secondary" size="sm" onClick={() => append({ externalSourceId: "", externalSourceName: "", organizationId: "" })}>
          <Plus className="h-4 w-4" aria-hidden />
          Add {noun}
        </Button>
        <Field id="wizard-note" label="Why?" optional hint="Kept in the audit log." error={errors.note?.message}>
          <Input {...form.register("note")} />
        </Field>
        <StepButtons
          back={<BackButton onClick={onBack} />}
          next={
            <Button type="submit" pending={submitting} disabled={mustDecide}>
              Create integration
            </Button>
          }
        />
        {mustDecide ? <p className="text-right text-xs text-slate-600">Choose “Continue anyway” or “Cancel” above first.</p> : null}
      </CardBody>
    </Card>
  );
}

function MappingRow({
  index,
  form,
  organizations,
  app,
  onRemove,
}: {
  index: number;
  form: ReturnType<typeof useForm<Values>>;
  organizations: Org[];
  app: AppDefinition;
  onRemove: () => void;
}) {
  const rowErrors = form.formState.errors.mappings?.[index];
  const orgId = useWatch({ control: form.control, name: `mappings.${index}.organizationId` });
  const existing = useExistingApplications(orgId || undefined);
  const taken = existing.data?.find((e) => e.appType === app.type);
  const noun = app.sourceNoun;
  return (
    <div className="space-y-2">
      <div className="grid gap-3 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-start">
        <Field id={`map-${index}-id`} label={<span className="sm:sr-only">{`${cap(noun)} id (row ${index + 1})`}</span>} error={rowErrors?.externalSourceId?.message}>
          <Input placeholder={`${noun} id`} spellCheck={false} {...form.register(`mappings.${index}.externalSourceId`)} />
        </Field>
        <Field id={`map-${index}-name`} label={<span className="sm:sr-only">{`${cap(noun)} name (row ${index + 1})`}</span>} error={rowErrors?.externalSourceName?.message}>
          <Input placeholder="Name (optional)" {...form.register(`mappings.${index}.externalSourceName`)} />
        </Field>
        <Field id={`map-${index}-org`} label={<span className="sm:sr-only">{`Organization (row ${index + 1})`}</span>} error={rowErrors?.organizationId?.message}>
          <NativeSelect {...form.register(`mappings.${index}.organizationId`)}>
            <option value="">Choose…</option>
            {organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </NativeSelect>
        </Field>
        <Button type="button" variant="ghost" size="icon" className="mt-0.5" aria-label={`Remove ${noun} row ${index + 1}`} onClick={onRemove}>
          <Trash2 className="h-4 w-4" aria-hidden />
        </Button>
      </div>
      {taken ? (
        <Notice tone="warning" role="alert">
          A connection already exists for this application: {taken.organizationName} already has {app.name}. Map this {noun} to another organization, or change{" "}
          {taken.href ? (
            <Link href={taken.href} className="font-medium underline underline-offset-2">
              the existing connection
            </Link>
          ) : (
            "the existing connection"
          )}
          .
        </Notice>
      ) : null}
    </div>
  );
}
