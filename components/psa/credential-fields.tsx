"use client";

/**
 * The vendor's credential fields from its descriptor, for the wizard's Connect step and Replace credentials.
 * Secret fields are password inputs that the browser is asked not to fill or remember; what is typed goes to
 * the server once, is tested and stored encrypted, and is never sent back (R-SEC-2).
 */
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import type { PsaDescriptor } from "@/lib/psa/types";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

type WithCredentials = { credentials: Record<string, string | undefined> };

export function CredentialFields<T extends WithCredentials>({
  descriptor,
  register,
  errors,
  idPrefix,
}: {
  descriptor: PsaDescriptor;
  register: UseFormRegister<T>;
  errors: FieldErrors<T>;
  idPrefix: string;
}) {
  const credentialErrors = (errors as FieldErrors<WithCredentials>).credentials as Record<string, { message?: string } | undefined> | undefined;
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      {descriptor.credentialFields.map((f) => (
        <Field
          key={f.name}
          id={`${idPrefix}-${f.name}`}
          label={f.label}
          optional={!f.required}
          hint={f.help}
          error={credentialErrors?.[f.name]?.message}
          className={f.input === "url" ? "sm:col-span-2" : undefined}
        >
          <Input
            type={f.input === "password" ? "password" : f.input === "email" ? "email" : "text"}
            autoComplete={f.secret ? "new-password" : "off"}
            spellCheck={false}
            placeholder={f.placeholder}
            {...register(`credentials.${f.name}` as never)}
          />
        </Field>
      ))}
    </div>
  );
}

/** Initial form values: the vendor's public defaults (URLs), everything else empty. */
export function credentialDefaults(descriptor: PsaDescriptor, address?: string | null): Record<string, string> {
  const values: Record<string, string> = {};
  for (const f of descriptor.credentialFields) values[f.name] = f.defaultValue ?? "";
  const urlField = descriptor.credentialFields.find((f) => f.input === "url" && !f.secret) ?? descriptor.credentialFields.find((f) => f.name === "subdomain");
  if (address && urlField) values[urlField.name] = address;
  return values;
}
