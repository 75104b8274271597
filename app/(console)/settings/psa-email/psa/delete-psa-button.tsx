"use client";

import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { deletePsaIntegrationAction } from "./actions";

/** Delete with confirmation: the integration, its mappings and its stored credentials go; alerts already planned keep their plan. */
export function DeletePsaButton({ id, name, compact }: { id: string; name: string; compact?: boolean }) {
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={
        compact ? (
          <Button variant="ghost" size="sm" className="text-red-700 hover:bg-red-50" aria-label={`Delete ${name}`}>
            Delete
          </Button>
        ) : (
          <Button variant="secondary">
            <Trash2 className="h-4 w-4" aria-hidden />
            Delete integration
          </Button>
        )
      }
      title={`Delete ${name}?`}
      description={
        <p>
          This deletes the integration with its organization mappings, ticket defaults and stored credentials. New alerts create no
          tickets in this PSA. Tickets already created stay in the PSA. This cannot be undone.
        </p>
      }
      confirmLabel="Delete integration"
      destructive
      withNote
      onConfirm={async (note) => {
        const result = await deletePsaIntegrationAction({ id, note });
        if (!result.ok) {
          toast.error(result.formError ?? "The integration could not be deleted.");
          return false;
        }
        toast.success(`${name} deleted.`);
        router.push("/settings/psa-email");
        router.refresh();
      }}
    />
  );
}
