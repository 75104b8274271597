"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Send } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { OrganizationPicker, type OrganizationOption } from "@/components/organizations/organization-picker";
import { PRIORITIES, PRIORITY_LABELS, type Priority } from "@/lib/delivery/types";
import { sendTestAlertAction } from "@/app/(console)/alerts/actions";

/** Picks organization and priority and sends a test alert through the normal intake. */
export function SendTestAlert({
  defaultOrganization,
  fixedOrganizationId,
}: {
  /** Preselected in the searchable picker; null when the partner has no organization yet. */
  defaultOrganization?: OrganizationOption | null;
  fixedOrganizationId?: string;
}) {
  const router = useRouter();
  const [open, setOpen] = React.useState(false);
  const [organization, setOrganization] = React.useState<OrganizationOption | null>(defaultOrganization ?? null);
  const organizationId = fixedOrganizationId ?? organization?.id ?? "";
  const [priority, setPriority] = React.useState<Priority>("high");
  const [title, setTitle] = React.useState("");
  const [error, setError] = React.useState<string>();
  const [pending, setPending] = React.useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="secondary" disabled={!defaultOrganization && !fixedOrganizationId}>
          <Send className="h-4 w-4" aria-hidden />
          Send test alert
        </Button>
      </DialogTrigger>
      <DialogContent
        title="Send test alert"
        description="A test alert goes through the same intake and delivery as real alerts: PSA tickets and emails are created according to your current settings, marked [TEST]."
      >
        <form
          className="space-y-4"
          onSubmit={async (e) => {
            e.preventDefault();
            setPending(true);
            const result = await sendTestAlertAction({ organizationId, priority, title: title || undefined });
            setPending(false);
            if (!result.ok) {
              setError(result.fieldErrors?.organizationId?.[0] ?? result.formError);
              return;
            }
            toast.success("Test alert accepted. Its deliveries are on its page.");
            setOpen(false);
            router.push(`/alerts/${result.data.alertId}`);
          }}
        >
          <FormError message={error} />
          {fixedOrganizationId ? null : (
            <Field id="test-org" label="Organization">
              <OrganizationPicker value={organization} onChange={setOrganization} />
            </Field>
          )}
          <Field id="test-priority" label="Priority">
            <NativeSelect value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {PRIORITY_LABELS[p]}
                </option>
              ))}
            </NativeSelect>
          </Field>
          <Field id="test-title" label="Title" optional hint="Prefixed with [TEST].">
            <Input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} placeholder="Test alert from Switchboard" />
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={pending}>
              Send test alert
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
