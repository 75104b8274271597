"use client";

import * as React from "react";
import { Checkbox } from "@/components/ui/checkbox";
import { PRIORITIES, PRIORITY_LABELS, type Priority } from "@/lib/delivery/types";

/**
 * Multi-select of the four alert priorities for an organization recipient's scope (R-DEL-5).
 * Keyboard: Tab between boxes, Space toggles.
 */
export function PriorityScopePicker({
  idPrefix,
  value,
  onChange,
  error,
  disabled,
}: {
  idPrefix: string;
  value: readonly Priority[];
  onChange: (next: Priority[]) => void;
  error?: string;
  disabled?: boolean;
}) {
  const errorId = `${idPrefix}-error`;
  const hintId = `${idPrefix}-hint`;
  return (
    <fieldset className="space-y-1.5" aria-describedby={[hintId, error ? errorId : null].filter(Boolean).join(" ")}>
      <legend className="block text-sm font-medium text-slate-800">Priority scope</legend>
      <p id={hintId} className="text-xs text-slate-500">
        This address is emailed about alerts of the priorities you tick.
      </p>
      <div className="flex flex-wrap gap-x-5 gap-y-2 pt-1">
        {PRIORITIES.map((p) => {
          const id = `${idPrefix}-${p}`;
          return (
            <div key={p} className="flex items-center gap-2">
              <Checkbox
                id={id}
                disabled={disabled}
                checked={value.includes(p)}
                aria-invalid={error ? true : undefined}
                onCheckedChange={(checked) =>
                  onChange(PRIORITIES.filter((q) => (q === p ? checked === true : value.includes(q))))
                }
              />
              <label htmlFor={id} className="text-sm text-slate-700">
                {PRIORITY_LABELS[p]}
              </label>
            </div>
          );
        })}
      </div>
      {error ? (
        <p id={errorId} className="text-xs font-medium text-red-600" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
