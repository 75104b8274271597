"use client";

import * as React from "react";
import { AlertDialog } from "radix-ui";
import { Button } from "./button";
import { inputClass } from "./input";
import { cn } from "@/lib/utils";

/**
 * Confirmation for destructive or consequential changes (delete, pause a PSA). Optionally asks for
 * the "why" note that goes to the audit log.
 */
export function ConfirmDialog({
  trigger,
  title,
  description,
  confirmLabel,
  destructive,
  withNote,
  onConfirm,
  open: openProp,
  onOpenChange,
}: {
  trigger?: React.ReactNode;
  title: string;
  description: React.ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  withNote?: boolean;
  onConfirm: (note: string) => Promise<boolean | void> | boolean | void;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
}) {
  const [openState, setOpenState] = React.useState(false);
  const open = openProp ?? openState;
  const setOpen = onOpenChange ?? setOpenState;
  const [note, setNote] = React.useState("");
  const [pending, setPending] = React.useState(false);
  const noteId = React.useId();
  return (
    <AlertDialog.Root
      open={open}
      onOpenChange={(o) => {
        if (!pending) setOpen(o);
        if (!o) setNote("");
      }}
    >
      {trigger ? <AlertDialog.Trigger asChild>{trigger}</AlertDialog.Trigger> : null}
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <AlertDialog.Content className="fixed left-1/2 top-1/2 z-50 w-[min(92vw,28rem)] -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-5 shadow-xl">
          <AlertDialog.Title className="text-base font-semibold text-slate-900">{title}</AlertDialog.Title>
          <AlertDialog.Description asChild>
            <div className="mt-2 text-sm text-slate-600">{description}</div>
          </AlertDialog.Description>
          {withNote ? (
            <div className="mt-4 space-y-1.5">
              <label htmlFor={noteId} className="block text-sm font-medium text-slate-800">
                Why? <span className="font-normal text-slate-500">(optional, kept in the audit log)</span>
              </label>
              <textarea
                id={noteId}
                value={note}
                maxLength={500}
                onChange={(e) => setNote(e.target.value)}
                className={cn(inputClass, "min-h-16")}
              />
            </div>
          ) : null}
          <div className="mt-5 flex justify-end gap-2">
            <AlertDialog.Cancel asChild>
              <Button variant="secondary" disabled={pending}>
                Cancel
              </Button>
            </AlertDialog.Cancel>
            <Button
              variant={destructive ? "destructive" : "primary"}
              pending={pending}
              onClick={async () => {
                setPending(true);
                try {
                  const result = await onConfirm(note);
                  if (result !== false) {
                    setOpen(false);
                    setNote("");
                  }
                } finally {
                  setPending(false);
                }
              }}
            >
              {confirmLabel}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
