"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { Copy, KeyRound } from "lucide-react";
import { createApiKeySchema } from "@/lib/validations/accounts";
import type { z } from "zod";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Field, FormError } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { applyFieldErrors } from "@/components/forms/apply-field-errors";
import { createApiKeyAction, revokeApiKeyAction } from "./actions";

type Values = z.input<typeof createApiKeySchema>;

export function CreateApiKeyDialog() {
  const [open, setOpen] = React.useState(false);
  const [created, setCreated] = React.useState<{ name: string; key: string } | null>(null);
  const router = useRouter();
  const form = useForm<Values>({ resolver: zodResolver(createApiKeySchema) as never, defaultValues: { name: "", note: "" } });
  const { errors, isSubmitting } = form.formState;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) {
          setCreated(null);
          form.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <KeyRound className="h-4 w-4" aria-hidden />
          Create API key
        </Button>
      </DialogTrigger>
      <DialogContent title={created ? "Copy your API key" : "Create API key"}>
        {created ? (
          <div className="space-y-4">
            <p className="text-sm text-slate-600">
              This is the only time the key <strong>{created.name}</strong> is shown. Switchboard keeps only a hash of it.
            </p>
            <div className="flex items-center gap-2">
              <Input readOnly value={created.key} aria-label="New API key" className="font-mono text-xs" />
              <Button
                type="button"
                variant="secondary"
                onClick={async () => {
                  await navigator.clipboard.writeText(created.key).catch(() => undefined);
                  toast.success("Copied.");
                }}
              >
                <Copy className="h-4 w-4" aria-hidden />
                Copy
              </Button>
            </div>
            <div className="flex justify-end">
              <Button onClick={() => setOpen(false)}>Done</Button>
            </div>
          </div>
        ) : (
          <form
            noValidate
            className="space-y-4"
            onSubmit={form.handleSubmit(async (values) => {
              const result = await createApiKeyAction(values);
              if (!result.ok) return applyFieldErrors(form, result);
              setCreated({ name: result.data.name, key: result.data.key });
              router.refresh();
            })}
          >
            <FormError message={errors.root?.message} />
            <Field id="key-name" label="Name" error={errors.name?.message} hint="Where the key is used, e.g. “Detection pipeline”.">
              <Input {...form.register("name")} />
            </Field>
            <Field id="key-note" label="Why?" optional hint="Kept in the audit log." error={errors.note?.message}>
              <Input {...form.register("note")} />
            </Field>
            <div className="flex justify-end gap-2">
              <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" pending={isSubmitting}>
                Create key
              </Button>
            </div>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

export function RevokeApiKeyButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="sm" className="text-red-700 hover:bg-red-50">
          Revoke
        </Button>
      }
      title={`Revoke ${name}?`}
      description="Requests with this key are refused from now on. This cannot be undone."
      confirmLabel="Revoke key"
      destructive
      withNote
      onConfirm={async (note) => {
        const result = await revokeApiKeyAction({ id, note });
        if (!result.ok) {
          toast.error(result.formError ?? "Could not revoke the key.");
          return false;
        }
        toast.success(`${name} revoked.`);
        router.refresh();
      }}
    />
  );
}
