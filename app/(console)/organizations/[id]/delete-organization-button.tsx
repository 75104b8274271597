"use client";

import { toast } from "sonner";
import { Trash2 } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { deleteOrganizationAction } from "../actions";

export function DeleteOrganizationButton({ id, name }: { id: string; name: string }) {
  return (
    <ConfirmDialog
      trigger={
        <Button variant="secondary">
          <Trash2 className="h-4 w-4" aria-hidden />
          Delete organization
        </Button>
      }
      title={`Delete ${name}?`}
      description={
        <p>
          This deletes the organization with its delivery settings, applications, alerts and telemetry. It cannot be undone.
        </p>
      }
      confirmLabel="Delete organization"
      destructive
      withNote
      onConfirm={async (note) => {
        const result = await deleteOrganizationAction({ id, note });
        if (result && !result.ok) {
          toast.error(result.formError ?? "Could not delete the organization.");
          return false;
        }
      }}
    />
  );
}
