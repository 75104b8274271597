"use client";

import * as React from "react";
import {
  renderSubject,
  SAMPLE_SUBJECT_CONTEXT,
  validateSubjectFormat,
} from "@/lib/delivery/render/subject";

/** What a format renders to for the sample alert, with the partner's own name (R-DEL-6). */
export function renderSampleSubject(format: string, partnerName: string): { ok: true; subject: string } | { ok: false; message: string } {
  const trimmed = format.trim();
  const check = validateSubjectFormat(trimmed);
  if (!check.ok) return check;
  return { ok: true, subject: renderSubject(trimmed, { ...SAMPLE_SUBJECT_CONTEXT, partner: { name: partnerName } }) };
}

/**
 * The live preview under a subject format field: rendered in the browser by the same renderSubject the
 * planner uses, so it updates on every keystroke.
 */
export function SubjectPreview({ id, format, partnerName }: { id: string; format: string; partnerName: string }) {
  const result = React.useMemo(() => renderSampleSubject(format, partnerName), [format, partnerName]);
  return (
    <div id={id} className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2" aria-live="polite">
      <p className="text-xs font-medium text-slate-500">Preview for the sample alert</p>
      {result.ok ? (
        <p className="mt-0.5 break-words text-sm text-slate-900" data-testid={`${id}-text`}>
          {result.subject}
        </p>
      ) : (
        <p className="mt-0.5 text-sm italic text-slate-500">No preview until the format is fixed.</p>
      )}
    </div>
  );
}
