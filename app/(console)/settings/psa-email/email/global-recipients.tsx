"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { addGlobalRecipientSchema, type AddGlobalRecipientInput } from "@/lib/validations/delivery-settings";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import { addGlobalRecipientAction, removeGlobalRecipientAction } from "./actions";

/** Seed 000: "In the Email settings section, select + Add Email … Click Add to save the address." */
export function AddEmailDialog() {
  const [open, setOpen] = React.useState(false);
  const router = useRouter();
  const form = useForm<AddGlobalRecipientInput>({
    resolver: zodResolver(addGlobalRecipientSchema) as never,
    defaultValues: { email: "", note: "" },
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) form.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button>+ Add Email</Button>
      </DialogTrigger>
      <DialogContent
        title="Add email"
        description="This address will receive notifications for every alert of every organization whose PSA & email toggle is on."
      >
        <form
          noValidate
          className="space-y-4"
          onSubmit={form.handleSubmit(async (values) => {
            const result = await addGlobalRecipientAction(values);
            if (!result.ok) {
              applyFieldErrors(form, result);
              // A duplicate or invalid address is explained once, on the address field.
              if (result.fieldErrors?.email) form.clearErrors("root");
              return;
            }
            // R-DEL-8: this confirms the save; nothing has been sent.
            toast.success(result.message ?? "Email added successfully", {
              description: `${result.data.email} was saved. This confirms the save only; no email has been sent.`,
            });
            setOpen(false);
            form.reset();
            router.refresh();
          })}
        >
          <FormError message={errors.root?.message} />
          <Field id="global-recipient-email" label="Email address" error={errors.email?.message}>
            <Input type="email" autoComplete="off" spellCheck={false} {...form.register("email")} />
          </Field>
          <Field
            id="global-recipient-note"
            label="Why this recipient?"
            optional
            error={errors.note?.message}
            hint="Kept with the address and in the audit log, e.g. “24×7 SOC shared inbox”."
          >
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

export function RemoveEmailButton({ id, email }: { id: string; email: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="sm" className="text-red-700 hover:bg-red-50" aria-label={`Remove ${email}`}>
          Remove
        </Button>
      }
      title={`Remove ${email}?`}
      description="This address stops receiving alert notifications for new alerts. Organization-level recipients are not affected."
      confirmLabel="Remove email"
      destructive
      withNote
      onConfirm={async (note) => {
        const result = await removeGlobalRecipientAction({ id, note });
        if (!result.ok) {
          toast.error(result.formError ?? "Could not remove the email.");
          return false;
        }
        toast.success(`${email} removed.`);
        router.refresh();
      }}
    />
  );
}
