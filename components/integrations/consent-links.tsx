"use client";

/**
 * Consent links of an organization (R-INT-6): state (sent, opened, completed, expired, revoked), resend (a new
 * link; the old one stops working) and revoke. A link is shown only when it is issued: Switchboard keeps its hash.
 */
import * as React from "react";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { Send } from "lucide-react";
import type { ConsentLinkRow } from "@/lib/integrations/consent";
import { resendConsentLinkSchema, type ResendConsentLinkInput } from "@/lib/validations/integrations";
import { formatDateTime } from "@/lib/utils";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import { resendConsentLinkAction, revokeConsentLinkAction } from "@/app/(console)/organizations/[id]/applications/actions";
import { ConsentStateBadge } from "./badges";
import { CopyField } from "./copy-field";
import { Notice } from "./notices";

type Row = Omit<ConsentLinkRow, "createdAt" | "expiresAt" | "openedAt" | "completedAt"> & {
  createdAt: string;
  expiresAt: string;
  openedAt: string | null;
  completedAt: string | null;
};

export function ConsentLinksTable({ links }: { links: Row[] }) {
  return (
    <Table>
      <THead>
        <tr>
          <TH>Application</TH>
          <TH>Sent to</TH>
          <TH>State</TH>
          <TH>Expires</TH>
          <TH className="text-right">Actions</TH>
        </tr>
      </THead>
      <TBody>
        {links.map((l) => {
          const open = l.state === "sent" || l.state === "opened";
          return (
            // Keyed by connection: a resend replaces the row's link, and its dialog must stay open to show the new one.
            <TR key={l.connectionId}>
              <TD>
                <p className="font-medium text-slate-900">{l.appName}</p>
                <p className="text-xs text-slate-500">Created {formatDateTime(l.createdAt)}</p>
              </TD>
              <TD className="text-slate-700">{l.sentTo ?? <span className="text-slate-500">Not emailed (link copied)</span>}</TD>
              <TD>
                <ConsentStateBadge state={l.state} />
                {l.state === "opened" && l.openedAt ? <p className="mt-1 text-xs text-slate-500">{formatDateTime(l.openedAt)}</p> : null}
                {l.state === "completed" && l.completedAt ? <p className="mt-1 text-xs text-slate-500">{formatDateTime(l.completedAt)}</p> : null}
              </TD>
              <TD className="text-slate-600">{l.state === "completed" ? "—" : formatDateTime(l.expiresAt)}</TD>
              <TD className="text-right">
                {l.canManage && l.state !== "completed" ? (
                  <div className="flex justify-end gap-1">
                    <ResendDialog link={l} />
                    {open ? <RevokeButton link={l} /> : null}
                  </div>
                ) : null}
              </TD>
            </TR>
          );
        })}
      </TBody>
    </Table>
  );
}

function ResendDialog({ link }: { link: Row }) {
  const router = useRouter();
  const [open, setOpen] = React.useState(false);
  const [issued, setIssued] = React.useState<{ url: string; sentTo: string | null; emailed: boolean; emailError?: string } | null>(null);
  const defaults: ResendConsentLinkInput = { linkId: link.id, sentTo: link.sentTo ?? "", note: "" };
  const form = useForm<ResendConsentLinkInput>({ resolver: zodResolver(resendConsentLinkSchema) as never, defaultValues: defaults });
  const { errors, isSubmitting } = form.formState;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) {
          setIssued(null);
          form.reset(defaults);
        }
      }}
    >
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={`Resend ${link.appName} consent link`}>
          <Send className="h-4 w-4" aria-hidden />
          Resend
        </Button>
      </DialogTrigger>
      <DialogContent
        title={issued ? "New consent link" : `Resend the ${link.appName} consent link`}
        description={issued ? undefined : "A new link is issued and the previous one stops working."}
      >
        {issued ? (
          <div className="space-y-4">
            {issued.emailed ? (
              <Notice tone="info" role="status">Emailed to {issued.sentTo}.</Notice>
            ) : issued.emailError ? (
              <Notice tone="warning" role="alert">{issued.emailError}</Notice>
            ) : null}
            <CopyField label="Consent link" value={issued.url} />
            <p className="text-xs text-slate-500">The link works once and is shown only now.</p>
            <div className="flex justify-end">
              <Button onClick={() => setOpen(false)}>Done</Button>
            </div>
          </div>
        ) : (
          <form
            noValidate
            className="space-y-4"
            onSubmit={form.handleSubmit(async (values) => {
              const result = await resendConsentLinkAction(values);
              if (!result.ok) return applyFieldErrors(form, result);
              setIssued({ url: result.data.url, sentTo: result.data.sentTo, emailed: result.data.emailed, emailError: result.data.emailError });
              toast.success("New consent link issued.");
              router.refresh();
            })}
          >
            <FormError message={errors.root?.message} />
            <Field id={`resend-${link.id}-to`} label="Customer admin's email" optional hint="Leave empty to copy the link yourself." error={errors.sentTo?.message}>
              <Input type="email" autoComplete="off" {...form.register("sentTo")} />
            </Field>
            <Field id={`resend-${link.id}-note`} label="Why?" optional hint="Kept in the audit log." error={errors.note?.message}>
              <Input {...form.register("note")} />
            </Field>
            <div className="flex justify-end gap-2">
              <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" pending={isSubmitting}>
                Issue new link
              </Button>
            </div>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

function RevokeButton({ link }: { link: Row }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="sm" className="text-red-700 hover:bg-red-50" aria-label={`Revoke ${link.appName} consent link`}>
          Revoke
        </Button>
      }
      title={`Revoke the ${link.appName} consent link?`}
      description="The link stops working at once. The application stays waiting for authorization until you resend a link or enter the credentials yourself."
      confirmLabel="Revoke link"
      destructive
      withNote
      onConfirm={async (note) => {
        const result = await revokeConsentLinkAction({ linkId: link.id, note });
        if (!result.ok) {
          toast.error(result.formError ?? "Could not revoke the link.");
          return false;
        }
        toast.success(result.message ?? "Revoked.");
        router.refresh();
      }}
    />
  );
}
