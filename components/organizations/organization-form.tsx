"use client";

import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { organizationSchema, type OrganizationInput } from "@/lib/validations/organizations";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input, Textarea } from "@/components/ui/input";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import type { ActionResult } from "@/lib/actions/safe-action";

/** Presentational organization form; the container passes defaults and what to do on submit. */
export function OrganizationForm({
  defaultValues,
  submitLabel,
  onSubmit,
  readOnly,
}: {
  defaultValues: OrganizationInput;
  submitLabel: string;
  onSubmit: (values: OrganizationInput) => Promise<ActionResult<unknown>>;
  readOnly?: boolean;
}) {
  const form = useForm<OrganizationInput>({ resolver: zodResolver(organizationSchema) as never, defaultValues });
  const { errors, isSubmitting, isDirty } = form.formState;
  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={form.handleSubmit(async (values) => {
        const result = await onSubmit(values);
        if (!result.ok) applyFieldErrors(form, result);
        else form.reset({ ...values, note: "" });
      })}
    >
      <FormError message={errors.root?.message} />
      <fieldset disabled={readOnly} className="space-y-4">
        <Field id="name" label="Name" error={errors.name?.message}>
          <Input {...form.register("name")} />
        </Field>
        <Field
          id="externalRef"
          label="Reference"
          optional
          error={errors.externalRef?.message}
          hint="Your own id for this customer. The alert API accepts it in place of the organization id."
        >
          <Input {...form.register("externalRef")} />
        </Field>
        <Field id="notes" label="Notes" optional error={errors.notes?.message}>
          <Textarea rows={3} {...form.register("notes")} />
        </Field>
        {readOnly ? null : (
          <>
            <Field id="note" label="Why this change?" optional error={errors.note?.message} hint="Kept in the audit log.">
              <Input {...form.register("note")} />
            </Field>
            <div className="flex justify-end">
              <Button type="submit" pending={isSubmitting} disabled={!isDirty && submitLabel !== "Create organization"}>
                {submitLabel}
              </Button>
            </div>
          </>
        )}
      </fieldset>
    </form>
  );
}
