/**
 * The email preview on Settings > PSA & Email: what a global recipient and an organization recipient
 * would receive for the sample alert with the given settings (saved or still being edited). Rendered
 * by `renderSubject` and `renderAlertEmail`, the functions that render real messages, so the preview
 * is the message. Read-only: nothing is stored or sent.
 */
import type { Viewer } from "@/lib/auth/viewer";
import { renderAlertEmail } from "@/lib/delivery/render/email";
import { renderSubject, SAMPLE_ALERT, SAMPLE_ORGANIZATION, type SubjectContext } from "@/lib/delivery/render/subject";
import { priorityLabel, type EmailSettingsSnapshot, type RecipientList } from "@/lib/delivery/types";
import { publicUrl } from "@/lib/env";
import { emailPreviewSchema } from "@/lib/validations/delivery-settings";
import { assertCanReadGlobalEmailSettings } from "./access";
import { parseInput } from "./input";

export type PreviewMessage = { subject: string; html: string; text: string };

export type EmailPreview = {
  sample: { organizationName: string; priority: string; title: string };
  global: PreviewMessage;
  organization: PreviewMessage;
};

export async function previewAlertEmails(
  viewer: Viewer,
  settings: EmailSettingsSnapshot,
): Promise<EmailPreview> {
  assertCanReadGlobalEmailSettings(viewer);
  const s = parseInput(emailPreviewSchema, settings);
  const context: SubjectContext = {
    alert: SAMPLE_ALERT,
    organization: { name: SAMPLE_ORGANIZATION.name },
    partner: { name: viewer.partnerName },
  };
  const render = async (list: RecipientList): Promise<PreviewMessage> => {
    const subject = renderSubject(list === "global" ? s.globalSubjectFormat : s.organizationSubjectFormat, context);
    const { html, text } = await renderAlertEmail({
      alert: SAMPLE_ALERT,
      organizationName: SAMPLE_ORGANIZATION.name,
      partnerName: viewer.partnerName,
      subject,
      includeRespondEvents: s.respondEventDetail,
      includeIocMatches: s.iocEventDetail,
      alertUrl: `${publicUrl()}/alerts/${SAMPLE_ALERT.id}`,
    });
    return { subject, html, text };
  };
  const [global, organization] = await Promise.all([render("global"), render("organization")]);
  return {
    sample: { organizationName: SAMPLE_ORGANIZATION.name, priority: priorityLabel(SAMPLE_ALERT.priority), title: SAMPLE_ALERT.title },
    global,
    organization,
  };
}
