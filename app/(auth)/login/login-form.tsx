"use client";

import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { z } from "zod";
import { authClient } from "@/lib/auth/client";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

const loginSchema = z.object({
  email: z.string().trim().min(1, "Enter your email.").max(254).pipe(z.email({ message: "Enter a valid email address." })),
  password: z.string().min(1, "Enter your password.").max(256),
});
type LoginInput = z.infer<typeof loginSchema>;

export function LoginForm({ next }: { next: string }) {
  const router = useRouter();
  const form = useForm<LoginInput>({ resolver: zodResolver(loginSchema), defaultValues: { email: "", password: "" } });
  const { errors, isSubmitting } = form.formState;
  return (
    <form
      noValidate
      className="space-y-4"
      onSubmit={form.handleSubmit(async (values) => {
        const { error } = await authClient.signIn.email({ email: values.email, password: values.password });
        if (error) {
          const message =
            error.status === 429
              ? "Too many sign-in attempts. Wait a minute and try again."
              : error.status === 401 || error.status === 400
                ? "That email and password do not match an account."
                : "Sign-in failed. Try again.";
          form.setError("root", { message });
          return;
        }
        router.replace(next);
        router.refresh();
      })}
    >
      <FormError message={errors.root?.message} />
      <Field id="email" label="Email" error={errors.email?.message}>
        <Input type="email" autoComplete="username" {...form.register("email")} />
      </Field>
      <Field id="password" label="Password" error={errors.password?.message}>
        <Input type="password" autoComplete="current-password" {...form.register("password")} />
      </Field>
      <Button type="submit" className="w-full" pending={isSubmitting}>
        Sign in
      </Button>
    </form>
  );
}
