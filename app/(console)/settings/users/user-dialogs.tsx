"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { Controller, useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { UserPlus } from "lucide-react";
import { createUserSchema, type CreateUserInput } from "@/lib/validations/accounts";
import { ROLE_LABELS, ROLES, type Role } from "@/lib/auth/roles";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { Checkbox } from "@/components/ui/checkbox";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import { createUserAction, removeUserAction, updateUserAccessAction } from "./actions";

type Org = { id: string; name: string };

function OrganizationPicker({
  organizations,
  value,
  onChange,
  error,
}: {
  organizations: Org[];
  value: string[];
  onChange: (v: string[]) => void;
  error?: string;
}) {
  const [filter, setFilter] = React.useState("");
  const shown = organizations.filter((o) => o.name.toLowerCase().includes(filter.toLowerCase())).slice(0, 200);
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">Organizations this technician works in</legend>
      <Input aria-label="Filter organizations" placeholder="Filter" value={filter} onChange={(e) => setFilter(e.target.value)} />
      <div className="max-h-48 space-y-1 overflow-y-auto rounded-md border border-slate-200 p-2">
        {shown.length === 0 ? <p className="text-sm text-slate-500">No organizations.</p> : null}
        {shown.map((o) => {
          const id = `org-${o.id}`;
          return (
            <div key={o.id} className="flex items-center gap-2">
              <Checkbox
                id={id}
                checked={value.includes(o.id)}
                onCheckedChange={(c) => onChange(c ? [...value, o.id] : value.filter((v) => v !== o.id))}
              />
              <label htmlFor={id} className="text-sm text-slate-700">
                {o.name}
              </label>
            </div>
          );
        })}
      </div>
      {error ? (
        <p className="text-xs font-medium text-red-600" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

export function CreateUserDialog({ organizations }: { organizations: Org[] }) {
  const [open, setOpen] = React.useState(false);
  const router = useRouter();
  const form = useForm<CreateUserInput>({
    resolver: zodResolver(createUserSchema) as never,
    defaultValues: { email: "", name: "", password: "", role: "technician", organizationIds: [], note: "" },
  });
  const role = useWatch({ control: form.control, name: "role" });
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
        <Button>
          <UserPlus className="h-4 w-4" aria-hidden />
          Add user
        </Button>
      </DialogTrigger>
      <DialogContent title="Add user" description="Share the email and initial password with the person; they sign in with them.">
        <form
          noValidate
          className="space-y-4"
          onSubmit={form.handleSubmit(async (values) => {
            const result = await createUserAction(values);
            if (!result.ok) return applyFieldErrors(form, result);
            toast.success(`User ${values.email.trim().toLowerCase()} created.`);
            setOpen(false);
            form.reset();
            router.refresh();
          })}
        >
          <FormError message={errors.root?.message} />
          <Field id="new-email" label="Email" error={errors.email?.message}>
            <Input type="email" autoComplete="off" {...form.register("email")} />
          </Field>
          <Field id="new-name" label="Name" optional error={errors.name?.message}>
            <Input autoComplete="off" {...form.register("name")} />
          </Field>
          <Field id="new-password" label="Initial password" error={errors.password?.message} hint="At least 12 characters.">
            <Input type="password" autoComplete="new-password" {...form.register("password")} />
          </Field>
          <Field id="new-role" label="Role" error={errors.role?.message}>
            <NativeSelect {...form.register("role")}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </NativeSelect>
          </Field>
          {role === "technician" ? (
            <Controller
              control={form.control}
              name="organizationIds"
              render={({ field }) => (
                <OrganizationPicker
                  organizations={organizations}
                  value={field.value ?? []}
                  onChange={field.onChange}
                  error={errors.organizationIds?.message}
                />
              )}
            />
          ) : null}
          <Field id="new-note" label="Why?" optional hint="Kept in the audit log." error={errors.note?.message}>
            <Input {...form.register("note")} />
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={isSubmitting}>
              Add user
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function EditAccessDialog({
  user,
  organizations,
}: {
  user: { userId: string; email: string; role: Role; organizationIds: string[] };
  organizations: Org[];
}) {
  const [open, setOpen] = React.useState(false);
  const [role, setRole] = React.useState<Role>(user.role);
  const [orgIds, setOrgIds] = React.useState<string[]>(user.organizationIds);
  const [note, setNote] = React.useState("");
  const [error, setError] = React.useState<string | undefined>();
  const [pending, setPending] = React.useState(false);
  const router = useRouter();
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm">
          Edit access
        </Button>
      </DialogTrigger>
      <DialogContent title={`Access for ${user.email}`}>
        <form
          className="space-y-4"
          onSubmit={async (e) => {
            e.preventDefault();
            setPending(true);
            const result = await updateUserAccessAction({ userId: user.userId, role, organizationIds: orgIds, note });
            setPending(false);
            if (!result.ok) {
              setError(result.fieldErrors?.organizationIds?.[0] ?? result.formError);
              return;
            }
            toast.success("Access updated.");
            setOpen(false);
            router.refresh();
          }}
        >
          <FormError message={error} />
          <Field id={`role-${user.userId}`} label="Role">
            <NativeSelect value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </NativeSelect>
          </Field>
          {role === "technician" ? (
            <OrganizationPicker organizations={organizations} value={orgIds} onChange={setOrgIds} />
          ) : null}
          <Field id={`note-${user.userId}`} label="Why?" optional hint="Kept in the audit log.">
            <Input value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
          </Field>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={pending}>
              Save access
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}

export function RemoveUserButton({ userId, email }: { userId: string; email: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="sm" className="text-red-700 hover:bg-red-50">
          Remove
        </Button>
      }
      title={`Remove ${email}?`}
      description="They are signed out everywhere at once and can no longer sign in."
      confirmLabel="Remove user"
      destructive
      withNote
      onConfirm={async (note) => {
        const result = await removeUserAction({ userId, note });
        if (!result.ok) {
          toast.error(result.formError ?? "Could not remove the user.");
          return false;
        }
        toast.success(`${email} removed.`);
        router.refresh();
      }}
    />
  );
}
