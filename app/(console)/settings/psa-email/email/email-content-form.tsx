"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { Controller, useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { emailSettingsSchema, type EmailSettingsInput } from "@/lib/validations/delivery-settings";
import { PRIORITY_LABELS, type EmailSettingsSnapshot } from "@/lib/delivery/types";
import { SAMPLE_ALERT, SAMPLE_ORGANIZATION } from "@/lib/delivery/render/subject";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { Switch } from "@/components/ui/switch";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import { EmailPreview } from "@/components/delivery-settings/email-preview";
import { renderSampleSubject, SubjectPreview } from "@/components/delivery-settings/subject-preview";
import { SubjectTokenReference } from "@/components/delivery-settings/subject-tokens";
import { useDebouncedValue } from "@/components/delivery-settings/use-debounced-value";
import { updateEmailSettingsAction } from "./actions";

const DETAIL_TOGGLES = [
  {
    name: "respondEventDetail",
    label: "Respond Event Detail",
    on: "Emails include the individual Respond events that triggered the alert.",
    off: "Emails contain only the summary-level alert information.",
  },
  {
    name: "iocEventDetail",
    label: "IOC Event Detail",
    on: "Emails include the individual IOC matches associated with the alert.",
    off: "Emails contain only summary-level information.",
  },
] as const;

const SUBJECT_FIELDS = [
  {
    name: "globalSubjectFormat",
    label: "Default subject format for global recipients",
    hint: "Used for emails to the global recipients above.",
  },
  {
    name: "organizationSubjectFormat",
    label: "Default subject format for organization-specific recipients",
    hint: "Used for emails to the additional recipients added on an organization's Settings tab.",
  },
] as const;

/**
 * Subject formats (R-DEL-6) and event detail toggles (R-DEL-7) in one form, with live previews that
 * follow what is typed: each subject under its field, and the whole email below.
 */
export function EmailContentForm({
  defaultValues,
  partnerName,
  readOnly,
}: {
  defaultValues: EmailSettingsSnapshot;
  partnerName: string;
  readOnly: boolean;
}) {
  const router = useRouter();
  const form = useForm<EmailSettingsInput>({
    resolver: zodResolver(emailSettingsSchema) as never,
    defaultValues: { ...defaultValues, note: "" },
    mode: "onChange",
  });
  const { errors, isSubmitting, isDirty } = form.formState;
  const watched = useWatch({ control: form.control });
  const current: EmailSettingsSnapshot = {
    globalSubjectFormat: watched.globalSubjectFormat ?? "",
    organizationSubjectFormat: watched.organizationSubjectFormat ?? "",
    respondEventDetail: watched.respondEventDetail ?? true,
    iocEventDetail: watched.iocEventDetail ?? true,
  };
  const settingsKey = JSON.stringify(current);
  const debouncedKey = useDebouncedValue(settingsKey, 350);
  const debounced = React.useMemo(() => JSON.parse(debouncedKey) as EmailSettingsSnapshot, [debouncedKey]);
  const debouncedValid =
    renderSampleSubject(debounced.globalSubjectFormat, partnerName).ok &&
    renderSampleSubject(debounced.organizationSubjectFormat, partnerName).ok;

  return (
    <div className="space-y-8">
      <form
        noValidate
        className="space-y-6"
        aria-label="Subject formats and event detail"
        onSubmit={form.handleSubmit(async (values) => {
          const result = await updateEmailSettingsAction(values);
          if (!result.ok) return applyFieldErrors(form, result);
          toast.success(result.message ?? "Email settings saved.");
          form.reset({ ...values, note: "" });
          router.refresh();
        })}
      >
        <FormError message={errors.root?.message} />
        <fieldset disabled={readOnly} className="space-y-6">
          <legend className="sr-only">Subject formats and event detail</legend>
          <div className="space-y-5">
            {SUBJECT_FIELDS.map((f) => (
              <div key={f.name} className="space-y-2">
                <Field id={f.name} label={f.label} hint={f.hint} error={errors[f.name]?.message}>
                  <Input
                    className="font-mono text-[13px]"
                    spellCheck={false}
                    autoComplete="off"
                    {...form.register(f.name)}
                  />
                </Field>
                <SubjectPreview id={`${f.name}-preview`} format={current[f.name]} partnerName={partnerName} />
              </div>
            ))}
            <SubjectTokenReference partnerName={partnerName} />
          </div>

          <div className="space-y-4">
            {DETAIL_TOGGLES.map((t) => (
              <Controller
                key={t.name}
                control={form.control}
                name={t.name}
                render={({ field }) => (
                  <div className="flex items-start gap-3">
                    <Switch
                      id={t.name}
                      className="mt-0.5"
                      checked={field.value}
                      onCheckedChange={field.onChange}
                      onBlur={field.onBlur}
                      disabled={readOnly}
                      aria-describedby={`${t.name}-help`}
                    />
                    <div className="min-w-0">
                      <label htmlFor={t.name} className="text-sm font-medium text-slate-900">
                        {t.label}
                        <span className="ml-2 text-xs font-normal text-slate-500">{field.value ? "On" : "Off"}</span>
                      </label>
                      <p id={`${t.name}-help`} className="text-sm text-slate-600">
                        <span className="font-medium text-slate-700">On:</span> {t.on}{" "}
                        <span className="font-medium text-slate-700">Off:</span> {t.off}
                      </p>
                    </div>
                  </div>
                )}
              />
            ))}
            <p className="text-xs text-slate-500">
              These settings change email content only. They do not change alert generation, severity, investigations or
              SOC behavior, and they are independent of PSA status.
            </p>
          </div>

          {readOnly ? null : (
            <div className="flex flex-wrap items-end gap-3 border-t border-slate-200 pt-4">
              <Field
                id="email-settings-note"
                label="Why this change?"
                optional
                hint="Kept in the audit log."
                error={errors.note?.message}
                className="min-w-64 flex-1"
              >
                <Input {...form.register("note")} />
              </Field>
              <div className="flex gap-2 pb-5">
                <Button
                  type="button"
                  variant="secondary"
                  disabled={!isDirty || isSubmitting}
                  onClick={() => form.reset({ ...defaultValues, note: "" })}
                >
                  Discard changes
                </Button>
                <Button type="submit" pending={isSubmitting} disabled={!isDirty}>
                  Save email settings
                </Button>
              </div>
            </div>
          )}
        </fieldset>
      </form>

      <section aria-labelledby="email-preview-heading" className="space-y-3 border-t border-slate-200 pt-6">
        <div>
          <h3 id="email-preview-heading" className="text-sm font-semibold text-slate-900">
            Email preview
          </h3>
          <p className="text-sm text-slate-600">
            The email for a sample {PRIORITY_LABELS[SAMPLE_ALERT.priority]} alert at {SAMPLE_ORGANIZATION.name}, rendered with the settings above (including unsaved changes)
            by the same code that renders real notifications.
          </p>
        </div>
        <EmailPreview settings={debounced} valid={debouncedValid} />
      </section>
    </div>
  );
}
