"use client";

/**
 * The customer's Authorize button (R-INT-6). It POSTs to /consent/{token}/authorize — the only request that
 * uses the link. OAuth applications continue at the provider's admin-consent page; credential applications
 * send the fields (validated with the catalogue's schema here and again on the server).
 */
import * as React from "react";
import { useForm, type Resolver } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { CheckCircle2, ExternalLink } from "lucide-react";
import { findApplication, type CredentialField, type OAuthProvider } from "@/lib/integrations/catalog";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { CredentialInputs, emptyCredentials } from "./credential-inputs";

type Authorization = { kind: "credentials"; fields: CredentialField[] } | { kind: "oauth"; provider: OAuthProvider; configured: boolean };
type Values = { credentials: Record<string, string> };

async function post(token: string, body: unknown) {
  const res = await fetch(`/consent/${encodeURIComponent(token)}/authorize`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    cache: "no-store",
  });
  const data = (await res.json().catch(() => ({}))) as {
    status?: string;
    redirectTo?: string;
    error?: string;
    fieldErrors?: Record<string, string[]>;
  };
  return { ok: res.ok, status: res.status, data };
}

export function ConsentAuthorizeForm({
  token,
  appType,
  appName,
  setupHint,
  authorization,
}: {
  token: string;
  appType: string;
  appName: string;
  setupHint?: string;
  authorization: Authorization;
}) {
  const [connected, setConnected] = React.useState(false);
  const [gone, setGone] = React.useState<string | null>(null);
  const [pending, setPending] = React.useState(false);
  const [error, setError] = React.useState<string | null>(null);
  const app = findApplication(appType);
  const schema = React.useMemo(() => z.object({ credentials: app?.credentials ?? z.object({}) }), [app]);
  const form = useForm<Values>({
    resolver: zodResolver(schema) as unknown as Resolver<Values>,
    defaultValues: { credentials: authorization.kind === "credentials" ? emptyCredentials(authorization.fields) : {} },
  });
  const { errors, isSubmitting } = form.formState;

  if (connected) {
    return (
      <div role="status" className="flex items-start gap-3 rounded-md border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-900">
        <CheckCircle2 className="mt-0.5 h-5 w-5 shrink-0 text-emerald-600" aria-hidden />
        <div>
          <p className="font-semibold">{appName} is connected</p>
          <p>Thank you. Your service provider can now receive security telemetry from {appName}. You can close this window.</p>
        </div>
      </div>
    );
  }
  if (gone) {
    return (
      <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
        {gone} Ask your service provider for a new link.
      </div>
    );
  }

  if (authorization.kind === "oauth") {
    const provider = authorization.provider === "microsoft" ? "Microsoft" : "Google";
    return (
      <div className="space-y-3">
        <FormError message={error} />
        <p className="text-sm text-slate-700">
          {authorization.provider === "microsoft"
            ? "Authorize takes you to Microsoft. Sign in as a Global Administrator of your tenant and accept the permissions listed above."
            : "Authorize takes you to Google. Sign in as a super admin of your Google Workspace and allow the access listed above."}
        </p>
        {!authorization.configured ? (
          <p role="alert" className="text-sm font-medium text-amber-800">
            {provider} sign-in is not configured on your provider&apos;s Switchboard yet. Tell them; nothing has been changed.
          </p>
        ) : null}
        <div className="flex justify-end">
          <Button
            pending={pending}
            disabled={!authorization.configured}
            onClick={async () => {
              setPending(true);
              setError(null);
              const res = await post(token, {});
              if (res.ok && res.data.redirectTo) {
                window.location.assign(res.data.redirectTo);
                return;
              }
              setPending(false);
              if (res.status === 410) setGone(res.data.error ?? "This link can no longer be used.");
              else setError(res.data.error ?? "Something went wrong. Nothing was changed; try again.");
            }}
          >
            <ExternalLink className="h-4 w-4" aria-hidden />
            Authorize
          </Button>
        </div>
      </div>
    );
  }

  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={form.handleSubmit(async (values) => {
        const res = await post(token, { credentials: values.credentials });
        if (res.ok) return setConnected(true);
        if (res.status === 410) return setGone(res.data.error ?? "This link can no longer be used.");
        let placed = false;
        for (const [key, messages] of Object.entries(res.data.fieldErrors ?? {})) {
          if (key.startsWith("credentials.")) {
            form.setError(key as `credentials.${string}`, { type: "server", message: messages[0] });
            placed = true;
          }
        }
        if (!placed) form.setError("root", { type: "server", message: res.data.error ?? "Something went wrong. Nothing was changed; try again." });
      })}
    >
      <FormError message={errors.root?.message} />
      {setupHint ? <p className="text-sm text-slate-700">{setupHint}</p> : null}
      <CredentialInputs fields={authorization.fields} register={form.register as never} errors={errors} idPrefix="consent" />
      <p className="text-xs text-slate-500">The values are sent once over an encrypted connection and stored encrypted; nobody can read them back in Switchboard.</p>
      <div className="flex justify-end">
        <Button type="submit" pending={isSubmitting}>
          Authorize
        </Button>
      </div>
    </form>
  );
}

