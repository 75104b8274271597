import type { EmailPreview } from "@/lib/delivery-settings/preview";
import type { EmailSettingsSnapshot } from "@/lib/delivery/types";

/** The read-only GET route that renders previews (app/(console)/settings/psa-email/email/preview). */
export const EMAIL_PREVIEW_PATH = "/settings/psa-email/email/preview";

export const emailPreviewKeys = {
  all: ["email-preview"] as const,
  detail: (settings: EmailSettingsSnapshot) => [...emailPreviewKeys.all, settings] as const,
};

export class EmailPreviewError extends Error {}

export async function fetchEmailPreview(settings: EmailSettingsSnapshot, signal?: AbortSignal): Promise<EmailPreview> {
  const params = new URLSearchParams({
    globalSubjectFormat: settings.globalSubjectFormat,
    organizationSubjectFormat: settings.organizationSubjectFormat,
    respondEventDetail: settings.respondEventDetail ? "1" : "0",
    iocEventDetail: settings.iocEventDetail ? "1" : "0",
  });
  const res = await fetch(`${EMAIL_PREVIEW_PATH}?${params}`, { signal, headers: { accept: "application/json" } });
  const body = (await res.json().catch(() => null)) as (EmailPreview & { error?: string }) | null;
  if (!res.ok || !body) throw new EmailPreviewError(body?.error ?? "The preview could not be rendered.");
  return body;
}
