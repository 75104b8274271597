"use client";

/**
 * An application's credential fields from the catalogue. Secret fields are password inputs the browser is
 * asked not to fill or remember; what is typed goes to the server once and is never sent back (R-SEC-2).
 */
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import type { CredentialField } from "@/lib/integrations/catalog";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

export function CredentialInputs({
  fields,
  register,
  errors,
  idPrefix,
  name = "credentials",
}: {
  fields: CredentialField[];
  // Forms differ in shape; every one keeps these values under `name`.
  register: UseFormRegister<never>;
  errors: FieldErrors;
  idPrefix: string;
  name?: string;
}) {
  const errs = errors[name] as Record<string, { message?: string } | undefined> | undefined;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {fields.map((f) => (
        <Field
          key={f.key}
          id={`${idPrefix}-${f.key}`}
          label={f.label.charAt(0).toUpperCase() + f.label.slice(1)}
          hint={f.hint}
          error={errs?.[f.key]?.message}
          className={f.kind === "url" || f.secret ? "sm:col-span-2" : undefined}
        >
          <Input
            type={f.secret ? "password" : "text"}
            autoComplete={f.secret ? "new-password" : "off"}
            spellCheck={false}
            placeholder={f.placeholder}
            {...(register as unknown as UseFormRegister<Record<string, string>>)(`${name}.${f.key}`)}
          />
        </Field>
      ))}
    </div>
  );
}

export function emptyCredentials(fields: CredentialField[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f.key, ""]));
}
