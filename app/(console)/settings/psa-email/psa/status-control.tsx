"use client";

/**
 * The PSA Status control (seed 000 "Pausing a PSA connection"): Active → Paused asks for confirmation (with the
 * optional "why" for the audit log); Paused → Active needs nothing re-entered (R-DEL-3). It changes only this
 * integration; email settings are separate.
 */
import * as React from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { NativeSelect } from "@/components/ui/input";
import { setPsaStatusAction } from "./actions";

export function PsaStatusControl({
  id,
  name,
  status,
  className,
}: {
  id: string;
  name: string;
  status: "active" | "paused";
  className?: string;
}) {
  const router = useRouter();
  const [shown, setShown] = React.useState(status);
  const [confirming, setConfirming] = React.useState(false);
  const [pending, setPending] = React.useState(false);
  const paused = React.useRef(false);
  React.useEffect(() => setShown(status), [status]);

  const apply = async (next: "active" | "paused", note?: string) => {
    setPending(true);
    try {
      const result = await setPsaStatusAction({ id, status: next, note });
      if (!result.ok) {
        toast.error(result.formError ?? "The Status could not be changed.");
        setShown(status);
        return false;
      }
      setShown(next);
      toast.success(next === "paused" ? `${name} is paused. No tickets are created until it is Active again.` : `${name} is active. New alerts create tickets again.`);
      router.refresh();
      return true;
    } finally {
      setPending(false);
    }
  };

  return (
    <>
      <NativeSelect
        aria-label={`Status of ${name}`}
        value={shown}
        disabled={pending}
        aria-busy={pending || undefined}
        className={className ?? "w-32"}
        onChange={(e) => {
          const next = e.target.value as "active" | "paused";
          if (next === "paused") {
            paused.current = false;
            setShown("paused");
            setConfirming(true);
          } else void apply("active");
        }}
      >
        <option value="active">Active</option>
        <option value="paused">Paused</option>
      </NativeSelect>
      <ConfirmDialog
        open={confirming}
        onOpenChange={(o) => {
          setConfirming(o);
          // Closed without confirming: the Status stays what it was.
          if (!o && !paused.current) setShown(status);
        }}
        title={`Pause ${name}?`}
        description={
          <div className="space-y-2">
            <p>While it is paused, alerts create no tickets in this PSA. They are still stored, investigated and emailed as usual.</p>
            <p>Credentials, mappings and ticket defaults stay as they are; set the Status back to Active to resume for new alerts.</p>
          </div>
        }
        confirmLabel="Pause"
        withNote
        onConfirm={async (note) => {
          const ok = await apply("paused", note);
          paused.current = ok;
          return ok;
        }}
      />
    </>
  );
}
