"use client";

import * as React from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Switch } from "@/components/ui/switch";
import { setOrganizationDeliveryAction } from "./actions";

/**
 * The organization's `PSA & email` toggle (R-DEL-2). Either direction asks for confirmation and the
 * optional "why" note for the audit log; turning it off stops PSA tickets and emails for new alerts.
 */
export function DeliveryToggle({
  organizationId,
  organizationName,
  enabled,
  readOnly,
}: {
  organizationId: string;
  organizationName: string;
  enabled: boolean;
  readOnly: boolean;
}) {
  const router = useRouter();
  const [confirming, setConfirming] = React.useState(false);
  const next = !enabled;
  return (
    <div className="flex items-center gap-3">
      <Switch
        id="psa-email-toggle"
        checked={enabled}
        disabled={readOnly}
        aria-describedby="psa-email-state"
        onCheckedChange={() => setConfirming(true)}
      />
      <label htmlFor="psa-email-toggle" className="text-sm font-medium text-slate-900">
        PSA & email
      </label>
      <span id="psa-email-state" className="text-sm text-slate-600">
        {enabled ? "On: PSA tickets and email notifications are sent." : "Off: no PSA tickets and no email notifications."}
      </span>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title={next ? `Turn PSA & email on for ${organizationName}?` : `Turn PSA & email off for ${organizationName}?`}
        description={
          next ? (
            "New alerts for this organization may create PSA tickets and send email notifications, using the configuration under Settings > PSA & Email."
          ) : (
            <>
              New alerts for this organization will not create PSA tickets or send email notifications. Alerts are still
              generated and investigated, and SOC workflows and response behavior are unaffected.
            </>
          )
        }
        confirmLabel={next ? "Turn on" : "Turn off"}
        destructive={!next}
        withNote
        onConfirm={async (note) => {
          const result = await setOrganizationDeliveryAction({ organizationId, enabled: next, note });
          if (!result.ok) {
            toast.error(result.formError ?? "Could not change PSA & email.");
            return false;
          }
          toast.success(result.message ?? "Saved.");
          router.refresh();
        }}
      />
    </div>
  );
}
