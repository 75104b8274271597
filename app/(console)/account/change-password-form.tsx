"use client";

import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { authClient } from "@/lib/auth/client";
import { changePasswordSchema, type ChangePasswordInput } from "@/lib/validations/accounts";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

/**
 * Change password through better-auth (/api/auth/change-password, rate-limited): it checks the current password,
 * stores the new hash and, with revokeOtherSessions, ends every other session of this user.
 */
export function ChangePasswordForm() {
  const form = useForm<ChangePasswordInput>({
    resolver: zodResolver(changePasswordSchema),
    defaultValues: { currentPassword: "", newPassword: "", confirmPassword: "" },
  });
  const { errors, isSubmitting } = form.formState;
  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={form.handleSubmit(async (values) => {
        const { error } = await authClient.changePassword({
          currentPassword: values.currentPassword,
          newPassword: values.newPassword,
          revokeOtherSessions: true,
        });
        if (error) {
          if (error.status === 429) form.setError("root", { message: "Too many attempts. Wait a minute and try again." });
          else if (error.status === 400 || error.status === 401) form.setError("currentPassword", { message: "That is not your current password." });
          else form.setError("root", { message: "The password could not be changed. Nothing was changed; try again." });
          return;
        }
        form.reset();
        toast.success("Password changed. Your other sessions were signed out.");
      })}
    >
      <FormError message={errors.root?.message} />
      <Field id="currentPassword" label="Current password" error={errors.currentPassword?.message}>
        <Input type="password" autoComplete="current-password" {...form.register("currentPassword")} />
      </Field>
      <Field id="newPassword" label="New password" hint="At least 12 characters." error={errors.newPassword?.message}>
        <Input type="password" autoComplete="new-password" {...form.register("newPassword")} />
      </Field>
      <Field id="confirmPassword" label="Confirm new password" error={errors.confirmPassword?.message}>
        <Input type="password" autoComplete="new-password" {...form.register("confirmPassword")} />
      </Field>
      <Button type="submit" pending={isSubmitting}>
        Change password
      </Button>
    </form>
  );
}
