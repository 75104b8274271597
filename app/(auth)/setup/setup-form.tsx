"use client";

import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { setupSchema, type SetupInput } from "@/lib/validations/accounts";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import { completeSetup } from "./actions";

export function SetupForm() {
  const router = useRouter();
  const form = useForm<SetupInput>({
    resolver: zodResolver(setupSchema),
    defaultValues: { partnerName: "", name: "", email: "", password: "" },
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={form.handleSubmit(async (values) => {
        const result = await completeSetup(values);
        if (!result.ok) return applyFieldErrors(form, result);
        toast.success("Your MSP is set up. Welcome to Switchboard.");
        router.replace("/organizations");
        router.refresh();
      })}
    >
      <FormError message={errors.root?.message} />
      <Field id="partnerName" label="MSP name" error={errors.partnerName?.message} hint="Your company, as your team and customers know it.">
        <Input autoComplete="organization" {...form.register("partnerName")} />
      </Field>
      <Field id="name" label="Your name" optional error={errors.name?.message}>
        <Input autoComplete="name" {...form.register("name")} />
      </Field>
      <Field id="email" label="Admin email" error={errors.email?.message}>
        <Input type="email" autoComplete="email" {...form.register("email")} />
      </Field>
      <Field id="password" label="Password" error={errors.password?.message} hint="At least 12 characters.">
        <Input type="password" autoComplete="new-password" {...form.register("password")} />
      </Field>
      <Button type="submit" className="w-full" pending={isSubmitting}>
        Create MSP and admin
      </Button>
    </form>
  );
}
