"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { Controller, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import {
  addOrganizationRecipientSchema,
  DEFAULT_ORGANIZATION_RECIPIENT_PRIORITIES,
  updateOrganizationRecipientSchema,
  type AddOrganizationRecipientInput,
  type UpdateOrganizationRecipientInput,
} from "@/lib/validations/delivery-settings";
import type { Priority } from "@/lib/delivery/types";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import { PriorityScopePicker } from "@/components/delivery-settings/priority-scope-picker";
import {
  addOrganizationRecipientAction,
  removeOrganizationRecipientAction,
  updateOrganizationRecipientAction,
} from "./actions";

const NOTE_HINT = "Kept with the address and in the audit log, e.g. “customer's IT manager, wants criticals only”.";

export function AddRecipientDialog({ organizationId, organizationName }: { organizationId: string; organizationName: string }) {
  const [open, setOpen] = React.useState(false);
  const router = useRouter();
  const defaults: AddOrganizationRecipientInput = {
    organizationId,
    email: "",
    priorities: [...DEFAULT_ORGANIZATION_RECIPIENT_PRIORITIES],
    note: "",
  };
  const form = useForm<AddOrganizationRecipientInput>({
    resolver: zodResolver(addOrganizationRecipientSchema) as never,
    defaultValues: defaults,
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) form.reset(defaults);
      }}
    >
      <DialogTrigger asChild>
        <Button>+ Add recipient</Button>
      </DialogTrigger>
      <DialogContent
        title="Add alert recipient"
        description={`Receives notifications for ${organizationName}'s alerts only, in addition to the global recipients.`}
      >
        <form
          noValidate
          className="space-y-4"
          onSubmit={form.handleSubmit(async (values) => {
            const result = await addOrganizationRecipientAction(values);
            if (!result.ok) {
              applyFieldErrors(form, result);
              // A duplicate or invalid address is explained once, on the address field.
              if (result.fieldErrors?.email) form.clearErrors("root");
              return;
            }
            toast.success(result.message ?? "Recipient added successfully", {
              description: `${result.data.email} was saved. This confirms the save only; no email has been sent.`,
            });
            setOpen(false);
            form.reset(defaults);
            router.refresh();
          })}
        >
          <FormError message={errors.root?.message} />
          <Field id="org-recipient-email" label="Email address" error={errors.email?.message}>
            <Input type="email" autoComplete="off" spellCheck={false} {...form.register("email")} />
          </Field>
          <Controller
            control={form.control}
            name="priorities"
            render={({ field }) => (
              <PriorityScopePicker
                idPrefix="org-recipient-priority"
                value={(field.value ?? []) as Priority[]}
                onChange={field.onChange}
                error={errors.priorities?.message ?? errors.priorities?.root?.message}
              />
            )}
          />
          <Field id="org-recipient-note" label="Why this recipient?" optional hint={NOTE_HINT} error={errors.note?.message}>
            <Textarea rows={2} className="min-h-14" {...form.register("note")} />
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={isSubmitting}>
              Add
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function EditRecipientDialog({
  organizationId,
  recipient,
}: {
  organizationId: string;
  recipient: { id: string; email: string; priorities: Priority[]; note: string | null };
}) {
  const [open, setOpen] = React.useState(false);
  const router = useRouter();
  const defaults: UpdateOrganizationRecipientInput = {
    organizationId,
    id: recipient.id,
    priorities: recipient.priorities,
    note: recipient.note ?? "",
  };
  const form = useForm<UpdateOrganizationRecipientInput>({
    resolver: zodResolver(updateOrganizationRecipientSchema) as never,
    defaultValues: defaults,
  });
  const { errors, isSubmitting, isDirty } = form.formState;
  const idPrefix = `edit-${recipient.id}`;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) form.reset(defaults);
      }}
    >
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm" aria-label={`Edit scope of ${recipient.email}`}>
          Edit scope
        </Button>
      </DialogTrigger>
      <DialogContent title={`Edit ${recipient.email}`} description="Change which alert priorities this address is emailed about.">
        <form
          noValidate
          className="space-y-4"
          onSubmit={form.handleSubmit(async (values) => {
            const result = await updateOrganizationRecipientAction(values);
            if (!result.ok) return applyFieldErrors(form, result);
            toast.success(result.message ?? "Recipient updated.");
            setOpen(false);
            router.refresh();
          })}
        >
          <FormError message={errors.root?.message} />
          <Controller
            control={form.control}
            name="priorities"
            render={({ field }) => (
              <PriorityScopePicker
                idPrefix={`${idPrefix}-priority`}
                value={(field.value ?? []) as Priority[]}
                onChange={field.onChange}
                error={errors.priorities?.message ?? errors.priorities?.root?.message}
              />
            )}
          />
          <Field id={`${idPrefix}-note`} label="Why this recipient?" optional hint={NOTE_HINT} error={errors.note?.message}>
            <Textarea rows={2} className="min-h-14" {...form.register("note")} />
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={isSubmitting} disabled={!isDirty}>
              Save
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function RemoveRecipientButton({ organizationId, id, email }: { organizationId: string; id: string; email: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="sm" className="text-red-700 hover:bg-red-50" aria-label={`Remove ${email}`}>
          Remove
        </Button>
      }
      title={`Remove ${email}?`}
      description="This address stops receiving this organization's alert notifications. The global email recipients are not affected."
      confirmLabel="Remove recipient"
      destructive
      withNote
      onConfirm={async (note) => {
        const result = await removeOrganizationRecipientAction({ organizationId, id, note });
        if (!result.ok) {
          toast.error(result.formError ?? "Could not remove the recipient.");
          return false;
        }
        toast.success(`${email} removed.`);
        router.refresh();
      }}
    />
  );
}
