"use client";

import { EMAIL_FRAME_SANDBOX, withDisplayCsp } from "@/lib/delivery/render/sandbox";
import * as React from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Loader2 } from "lucide-react";
import type { EmailSettingsSnapshot, RecipientList } from "@/lib/delivery/types";
import { cn } from "@/lib/utils";
import { emailPreviewKeys, fetchEmailPreview } from "./email-preview-query";

function Segmented<T extends string>({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: { value: T; label: string }[];
  value: T;
  onChange: (v: T) => void;
}) {
  return (
    <div role="group" aria-label={label} className="inline-flex rounded-md border border-slate-300 bg-white p-0.5 shadow-sm">
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={value === o.value}
          onClick={() => onChange(o.value)}
          className={cn(
            "rounded px-3 py-1 text-sm",
            value === o.value ? "bg-brand-600 font-medium text-white" : "text-slate-700 hover:bg-slate-100",
          )}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

/**
 * The email a global and an organization recipient would receive for the sample alert, rendered by the
 * server with renderAlertEmail (the code that renders real messages). The HTML is shown in a sandboxed
 * iframe: no scripts, no same-origin access, so even hostile alert text could not reach the console.
 */
export function EmailPreview({ settings, valid }: { settings: EmailSettingsSnapshot; valid: boolean }) {
  const [list, setList] = React.useState<RecipientList>("global");
  const [view, setView] = React.useState<"html" | "text">("html");
  const query = useQuery({
    queryKey: emailPreviewKeys.detail(settings),
    queryFn: ({ signal }) => fetchEmailPreview(settings, signal),
    enabled: valid,
    placeholderData: keepPreviousData,
    staleTime: Infinity,
    retry: false,
  });
  const message = query.data?.[list];
  const stale = !valid || query.isPlaceholderData;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <Segmented
          label="Recipient"
          value={list}
          onChange={setList}
          options={[
            { value: "global", label: "Global recipient" },
            { value: "organization", label: "Organization recipient" },
          ]}
        />
        <Segmented
          label="Format"
          value={view}
          onChange={setView}
          options={[
            { value: "html", label: "HTML" },
            { value: "text", label: "Plain text" },
          ]}
        />
        <p className="flex items-center gap-1.5 text-xs text-slate-500" aria-live="polite">
          {query.isFetching ? (
            <>
              <Loader2 className="h-3.5 w-3.5 animate-spin" aria-hidden />
              Updating preview…
            </>
          ) : !valid ? (
            "Fix the subject format above to update the preview."
          ) : null}
        </p>
      </div>
      {query.isError && !message ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
          {query.error.message}
        </p>
      ) : null}
      {message ? (
        <div
          className={cn("overflow-hidden rounded-md border border-slate-200 transition-opacity", stale && "opacity-60")}
          data-testid="email-preview"
        >
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 border-b border-slate-200 bg-slate-50 px-4 py-2.5 text-sm">
            <dt className="text-slate-500">To</dt>
            <dd className="text-slate-800">
              {list === "global" ? "Each global recipient" : `Each recipient of ${query.data!.sample.organizationName} whose scope includes ${query.data!.sample.priority}`}
            </dd>
            <dt className="text-slate-500">Subject</dt>
            <dd className="font-medium text-slate-900" data-testid="email-preview-subject">
              {message.subject}
            </dd>
          </dl>
          {view === "html" ? (
            <iframe
              title={`Email preview (HTML) for a ${list === "global" ? "global" : "organization"} recipient`}
              sandbox={EMAIL_FRAME_SANDBOX}
              srcDoc={withDisplayCsp(message.html)}
              className="h-[640px] w-full bg-slate-100"
            />
          ) : (
            <pre className="max-h-[640px] overflow-auto whitespace-pre-wrap bg-white px-4 py-3 font-mono text-xs leading-5 text-slate-800">
              {message.text}
            </pre>
          )}
        </div>
      ) : query.isPending && valid ? (
        <p className="flex items-center gap-2 px-1 py-6 text-sm text-slate-500">
          <Loader2 className="h-4 w-4 animate-spin" aria-hidden /> Rendering the preview…
        </p>
      ) : null}
    </div>
  );
}
