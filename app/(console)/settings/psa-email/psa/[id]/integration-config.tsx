"use client";

/** The integration page's configuration form: name, organizations ↔ companies, catch-all, ticket defaults, priority map. */
import * as React from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { getPsaDescriptor } from "@/lib/psa/catalog";
import type { PsaVendor } from "@/lib/psa/types";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import {
  DefaultsSection,
  MappingSection,
  usePsaConfigForm,
  type OrganizationOption,
  type PsaConfigValues,
} from "@/components/psa/psa-config-form";
import { savePsaConfigurationAction } from "../actions";

export function IntegrationConfig({
  id,
  vendor,
  organizations,
  initial,
}: {
  id: string;
  vendor: PsaVendor;
  organizations: OrganizationOption[];
  initial: PsaConfigValues;
}) {
  const descriptor = getPsaDescriptor(vendor);
  const router = useRouter();
  const form = usePsaConfigForm(vendor, initial);
  const { errors, isSubmitting, isDirty } = form.formState;

  return (
    <form
      noValidate
      className="space-y-6"
      onSubmit={form.handleSubmit(
        async (values) => {
          const result = await savePsaConfigurationAction({ id, ...values });
          if (!result.ok) {
            applyFieldErrors(form, result);
            toast.error(result.formError ?? "Nothing was saved.");
            return;
          }
          toast.success(`${values.name} saved. New alerts use these settings.`);
          form.reset({ ...values, note: "" });
          router.refresh();
        },
        () => toast.error("Check the highlighted fields; nothing was saved."),
      )}
    >
      <Card>
        <CardHeader
          title="Organizations"
          description={`Which ${descriptor.companyNoun.singular} each organization’s tickets go to, with per-organization details and overrides.`}
        />
        <CardBody>
          <MappingSection form={form} vendor={vendor} integrationId={id} organizations={organizations} />
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Ticket defaults and priorities" />
        <CardBody>
          <DefaultsSection form={form} vendor={vendor} integrationId={id} />
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Save changes" description="Changes apply to alerts created after you save; alerts already planned keep their plan." />
        <CardBody className="space-y-4">
          <FormError message={errors.root?.message} />
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="config-name" label="Name" error={errors.name?.message}>
              <Input {...form.register("name")} />
            </Field>
            <Field id="config-note" label="Why this change?" optional hint="Kept in the audit log." error={errors.note?.message}>
              <Input {...form.register("note")} />
            </Field>
          </div>
          <div className="flex items-center justify-end gap-3">
            {isDirty ? <span className="text-sm text-amber-800">Unsaved changes</span> : null}
            <Button type="submit" pending={isSubmitting} disabled={!isDirty}>
              Save changes
            </Button>
          </div>
        </CardBody>
      </Card>
    </form>
  );
}
