"use client";

import * as React from "react";
import type { RecipientResolution } from "@/lib/delivery/recipients";
import { PRIORITIES, PRIORITY_LABELS, type Priority } from "@/lib/delivery/types";
import { Badge } from "@/components/ui/badge";
import { NativeSelect } from "@/components/ui/input";

const LIST_LABELS = { global: "Global", organization: "This organization" } as const;

/**
 * "Who receives a Critical alert for this organization": the resolution computed on the server by
 * resolveRecipients (R-DEL-5, R-DEL-6) for each priority; this component only shows it.
 */
export function AudienceSummary({
  organizationName,
  deliveryEnabled,
  byPriority,
}: {
  organizationName: string;
  deliveryEnabled: boolean;
  byPriority: Record<Priority, RecipientResolution>;
}) {
  const [priority, setPriority] = React.useState<Priority>("critical");
  const { recipients, excluded } = byPriority[priority];
  const label = PRIORITY_LABELS[priority];
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-2 text-sm text-slate-700">
        <label htmlFor="audience-priority">Who is emailed about a</label>
        <NativeSelect
          id="audience-priority"
          className="w-32"
          value={priority}
          onChange={(e) => setPriority(e.target.value as Priority)}
        >
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {PRIORITY_LABELS[p]}
            </option>
          ))}
        </NativeSelect>
        <span>alert for {organizationName}?</span>
      </div>
      {!deliveryEnabled ? (
        <p className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          PSA & email is off, so nobody is emailed. Below is who would be emailed once it is turned on.
        </p>
      ) : null}
      <div aria-live="polite" data-testid="audience">
        {recipients.length === 0 ? (
          <p className="text-sm text-slate-600">
            Nobody is emailed about a {label} alert: there are no global recipients and no recipient here whose scope
            includes {label}.
          </p>
        ) : (
          <>
            <p className="mb-2 text-sm text-slate-600">
              {recipients.length === 1 ? "1 address receives" : `${recipients.length} addresses receive`} one email each:
            </p>
            <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
              {recipients.map((r) => (
                <li key={r.address} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2 text-sm">
                  <span className="font-medium text-slate-900">{r.address}</span>
                  {r.lists.map((l) => (
                    <Badge key={l} tone={l === "global" ? "purple" : "blue"}>
                      {LIST_LABELS[l]}
                    </Badge>
                  ))}
                  <span className="text-xs text-slate-500">
                    {r.subjectFormat === "global" ? "global subject format" : "organization subject format"}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
        {excluded.length > 0 ? (
          <div className="mt-3">
            <p className="mb-1 text-sm text-slate-600">Not emailed about a {label} alert:</p>
            <ul className="space-y-1 text-sm">
              {excluded.map((r) => (
                <li key={r.address} className="text-slate-600">
                  <span className="font-medium text-slate-800">{r.address}</span> — {r.reason}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
    </div>
  );
}
