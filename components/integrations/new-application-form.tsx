"use client";

/**
 * Completing a connection from an organization's Applications tab (R-INT-1, R-INT-6): the user chooses who
 * authorizes — "I have the customer's admin credentials" (complete it now: credentials, or the provider's
 * admin consent) or "I want my customer to create the connection" (a consent link, emailed or copied). Who
 * authorizes changes nothing afterwards (R-INT-7). The duplicate-instance warning lets the user continue or
 * cancel (R-INT-4).
 */
import * as React from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useForm, useWatch, type Resolver } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { CheckCircle2, ExternalLink, Link2, KeyRound } from "lucide-react";
import { findApplication, providerLabel, type CredentialField, type OAuthProvider } from "@/lib/integrations/catalog";
import type { DuplicateInstance, ExistingApplication } from "@/lib/integrations/org-apps";
import { createApplicationSchema, withCredentials, type CreateApplicationInput } from "@/lib/validations/integrations";
import { cn, formatDateTime } from "@/lib/utils";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import { checkApplicationAction, createApplicationAction } from "@/app/(console)/organizations/[id]/applications/actions";
import { CopyField } from "./copy-field";
import { CredentialInputs, emptyCredentials } from "./credential-inputs";
import { DuplicateInstanceNotice, ExistingConnectionNotice, Notice } from "./notices";

type Values = CreateApplicationInput & { credentials: Record<string, string> };

type Done = {
  connectionId: string;
  href: string;
  token: string;
  authorizeUrl?: string;
  consent?: { url: string; expiresAt: string; sentTo: string | null; emailed: boolean; emailError?: string };
};

export function NewApplicationForm({
  organizationId,
  organizationName,
  app,
  authorization,
  fields,
  existing,
  blockedMessage,
}: {
  organizationId: string;
  organizationName: string;
  app: { type: string; name: string; access: string[]; setupHint?: string };
  authorization: { kind: "credentials" } | { kind: "oauth"; provider: OAuthProvider };
  fields: CredentialField[];
  /** The organization already has this application (R-INT-2): say so, with a link, instead of a form. */
  existing?: ExistingApplication;
  /** Why it cannot be connected on this server (an OAuth provider without configuration). */
  blockedMessage?: string;
}) {
  const router = useRouter();
  const definition = findApplication(app.type);
  const [authorizer, setAuthorizer] = React.useState<"msp" | "customer">("msp");
  const [duplicates, setDuplicates] = React.useState<DuplicateInstance[] | null>(null);
  const [done, setDone] = React.useState<Done | null>(null);
  const validateCredentials = authorizer === "msp" && authorization.kind === "credentials";
  const resolver = React.useMemo(
    () => zodResolver(validateCredentials ? withCredentials(createApplicationSchema, definition) : createApplicationSchema) as unknown as Resolver<Values>,
    [validateCredentials, definition],
  );
  const form = useForm<Values>({
    resolver,
    mode: "onTouched",
    defaultValues: {
      organizationId,
      appType: app.type,
      authorizer: "msp",
      name: app.name,
      credentials: emptyCredentials(fields),
      customerEmail: "",
      acknowledgeDuplicate: false,
      note: "",
    },
  });
  const { errors, isSubmitting } = form.formState;
  const acknowledged = useWatch({ control: form.control, name: "acknowledgeDuplicate" });
  const typed = JSON.stringify(useWatch({ control: form.control, name: "credentials" }));
  // The warning is about the values it was given: changing them asks again on the next Connect.
  React.useEffect(() => {
    setDuplicates(null);
    form.setValue("acknowledgeDuplicate", false);
  }, [typed, form]);
  const provider = authorization.kind === "oauth" ? providerLabel(authorization.provider) : null;

  const submit = form.handleSubmit(async (values) => {
    const payload = { ...values, authorizer, credentials: validateCredentials ? values.credentials : {} };
    if (validateCredentials && !values.acknowledgeDuplicate) {
      const check = await checkApplicationAction({ organizationId, appType: app.type, credentials: values.credentials });
      if (!check.ok) return applyFieldErrors(form, check);
      if (check.data.existing) {
        toast.error("A connection already exists for this application.");
        router.refresh();
        return;
      }
      if (check.data.duplicates.length) {
        setDuplicates(check.data.duplicates);
        return;
      }
    }
    const result = await createApplicationAction(payload);
    if (!result.ok) return applyFieldErrors(form, result);
    const d = result.data;
    setDone({
      connectionId: d.connectionId,
      href: d.href,
      token: d.ingestToken,
      authorizeUrl: d.authorizeUrl,
      consent: d.consent ? { ...d.consent, expiresAt: new Date(d.consent.expiresAt).toISOString() } : undefined,
    });
    toast.success(d.consent ? "Consent link created." : d.authorizeUrl ? `${app.name} added; complete the admin consent.` : `${app.name} connected.`);
    router.refresh();
  });

  // The page re-renders with the new application after a create; this component keeps showing the result.
  if (done) return <Created app={app} done={done} organizationId={organizationId} provider={provider} />;
  if (existing) return <ExistingConnectionNotice existing={existing} appName={app.name} />;
  if (blockedMessage) {
    return (
      <Notice tone="warning" role="alert" title={`${app.name} cannot be connected on this server yet`}>
        {blockedMessage}
      </Notice>
    );
  }

  const choice = (value: "msp" | "customer", title: string, body: string, Icon: typeof KeyRound) => (
    <label
      className={cn(
        "flex cursor-pointer items-start gap-3 rounded-lg border p-4 hover:border-brand-300 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-brand-500",
        authorizer === value ? "border-brand-600 bg-brand-50/60 ring-1 ring-brand-600" : "border-slate-200 bg-white",
      )}
    >
      <input
        type="radio"
        name="authorizer"
        value={value}
        checked={authorizer === value}
        onChange={() => {
          setAuthorizer(value);
          form.setValue("authorizer", value);
          form.clearErrors();
          setDuplicates(null);
          form.setValue("acknowledgeDuplicate", false);
        }}
        className="mt-1 h-4 w-4 accent-brand-600"
      />
      <Icon className="mt-0.5 h-4 w-4 shrink-0 text-slate-500" aria-hidden />
      <span>
        <span className="block text-sm font-semibold text-slate-900">{title}</span>
        <span className="mt-0.5 block text-xs text-slate-600">{body}</span>
      </span>
    </label>
  );

  return (
    <form noValidate className="space-y-5" onSubmit={submit}>
      <fieldset>
        <legend className="mb-2 text-sm font-medium text-slate-800">Who completes the authorization?</legend>
        <div className="grid gap-3 md:grid-cols-2">
          {choice(
            "msp",
            "I have the customer's admin credentials",
            provider
              ? `Sign in to ${provider} as the customer's administrator and grant consent now.`
              : `Enter the ${app.name} API credentials now; the application is connected when you save.`,
            KeyRound,
          )}
          {choice(
            "customer",
            "I want my customer to create the connection",
            `Switchboard creates a single-use link that expires in 7 days. Email it to the customer's admin or copy it; the application connects when they authorize.`,
            Link2,
          )}
        </div>
      </fieldset>

      <div className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm">
        <p className="font-medium text-slate-800">Access requested</p>
        <ul className="mt-1 list-disc space-y-0.5 pl-5 text-slate-700">
          {app.access.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      </div>

      <FormError message={duplicates ? undefined : errors.root?.message} />
      <Field id="app-name" label="Name" optional hint={`How it is listed on ${organizationName}'s Applications tab.`} error={errors.name?.message}>
        <Input {...form.register("name")} />
      </Field>

      {authorizer === "msp" && authorization.kind === "credentials" ? (
        <>
          {app.setupHint ? <p className="text-sm text-slate-600">{app.setupHint}</p> : null}
          <CredentialInputs fields={fields} register={form.register as never} errors={errors} idPrefix="app" />
        </>
      ) : null}

      {authorizer === "customer" ? (
        <Field
          id="app-customer-email"
          label="Customer admin's email"
          optional
          hint="We email the link from Switchboard. Leave empty to copy the link and send it yourself."
          error={errors.customerEmail?.message}
        >
          <Input type="email" autoComplete="off" {...form.register("customerEmail")} />
        </Field>
      ) : null}

      <Field id="app-note" label="Why?" optional hint="Kept in the audit log." error={errors.note?.message}>
        <Input {...form.register("note")} />
      </Field>

      {duplicates?.length ? (
        <DuplicateInstanceNotice duplicates={duplicates}>
          {acknowledged ? null : (
            <div className="mt-3 flex flex-wrap gap-2">
              <Button
                type="button"
                size="sm"
                variant="secondary"
                pending={isSubmitting}
                onClick={() => {
                  form.setValue("acknowledgeDuplicate", true);
                  void submit();
                }}
              >
                Continue anyway
              </Button>
              <Button asChild size="sm" variant="ghost">
                <Link href={`/organizations/${organizationId}/applications`}>Cancel</Link>
              </Button>
            </div>
          )}
        </DuplicateInstanceNotice>
      ) : null}

      <div className="flex items-center justify-end gap-2 border-t border-slate-100 pt-4">
        <Button asChild variant="ghost">
          <Link href={`/organizations/${organizationId}/applications`}>Cancel</Link>
        </Button>
        <Button type="submit" pending={isSubmitting} disabled={Boolean(duplicates?.length) && !acknowledged}>
          {authorizer === "customer" ? "Create consent link" : provider ? `Continue to ${provider}` : "Connect"}
        </Button>
      </div>
    </form>
  );
}

function Created({ app, done, organizationId, provider }: { app: { name: string }; done: Done; organizationId: string; provider: string | null }) {
  const back = `/organizations/${organizationId}/applications`;
  const title = done.consent
    ? `Consent link for ${app.name} created`
    : done.authorizeUrl
      ? `${app.name} added — admin consent needed`
      : `${app.name} connected`;
  return (
    <div className="space-y-5" role="status">
      <p className="flex items-center gap-2 text-base font-semibold text-slate-900">
        <CheckCircle2 className="h-5 w-5 text-emerald-600" aria-hidden />
        {title}
      </p>
      {done.consent ? (
        <div className="space-y-2">
          {done.consent.emailed ? (
            <Notice tone="info">Emailed to {done.consent.sentTo}. You can also copy the link below.</Notice>
          ) : done.consent.emailError ? (
            <Notice tone="warning" role="alert">{done.consent.emailError}</Notice>
          ) : null}
          <p className="text-sm font-medium text-slate-800">Consent link</p>
          <CopyField label="Consent link" value={done.consent.url} />
          <p className="text-xs text-slate-500">
            Works once, until {formatDateTime(done.consent.expiresAt)}. It is shown only now; if it is lost, resend it from the Applications tab (the old one then stops working).
          </p>
        </div>
      ) : null}
      <div className="space-y-2">
        <p className="text-sm font-medium text-slate-800">Ingest token</p>
        <CopyField label="Ingest token" value={done.token} />
        <p className="text-xs text-slate-500">
          Shown once. The source posts telemetry to <code className="rounded bg-slate-100 px-1">POST /api/v1/telemetry/{done.connectionId}</code> with it as a Bearer token
          {done.consent || done.authorizeUrl ? ", once the application is authorized" : ""}.
        </p>
      </div>
      <div className="flex flex-wrap justify-end gap-2 border-t border-slate-100 pt-4">
        <Button asChild variant="secondary">
          <Link href={back}>Back to Applications</Link>
        </Button>
        {done.authorizeUrl ? (
          <Button onClick={() => window.location.assign(done.authorizeUrl!)}>
            <ExternalLink className="h-4 w-4" aria-hidden />
            Continue to {provider} admin consent
          </Button>
        ) : (
          <Button asChild>
            <Link href={done.href}>Open application</Link>
          </Button>
        )}
      </div>
    </div>
  );
}
