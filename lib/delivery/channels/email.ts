/**
 * Email channel: turns one planned email delivery into one message, effectively once (R-REL-2): the
 * Message-ID is derived from the alert and the recipient, so a retry after an uncertain send carries
 * the same id and receivers (and our tests) see one message. Sending (SMTP, or the
 * built-in mailbox deduplicated by Message-ID) is lib/mail/send.ts; bodies come from the same renderer
 * as the settings preview, rendered once per alert and subject and reused for each recipient.
 */
import { createHash } from "node:crypto";
import { publicUrl } from "@/lib/env";
import { makeMessageId, sendMail } from "@/lib/mail/send";
import { renderAlertEmailCached } from "../render/email-cache";
import type { AlertForDelivery, EmailDeliveryDetail } from "../types";

export function messageIdFor(alertId: string, address: string): string {
  const h = createHash("sha256").update(address.toLowerCase()).digest("hex").slice(0, 16);
  return makeMessageId(`alert.${alertId}.${h}`);
}

export type EmailDeliveryInput = {
  partnerId: string;
  alert: AlertForDelivery;
  organizationName: string;
  partnerName: string;
  email: EmailDeliveryDetail;
};

export async function sendEmailDelivery(input: EmailDeliveryInput): Promise<{ messageId: string }> {
  const messageId = messageIdFor(input.alert.id, input.email.address);
  // Rendered once per alert and subject, shared by every recipient of that message (render/email-cache.ts).
  const { html, text } = await renderAlertEmailCached({
    alert: input.alert,
    organizationName: input.organizationName,
    partnerName: input.partnerName,
    subject: input.email.subject,
    includeRespondEvents: input.email.includeRespondEvents,
    includeIocMatches: input.email.includeIocMatches,
    alertUrl: `${publicUrl()}/alerts/${input.alert.id}`,
  });
  await sendMail({
    partnerId: input.partnerId,
    to: input.email.address,
    subject: input.email.subject,
    html,
    text,
    messageId,
    headers: { "X-Switchboard-Alert": input.alert.id },
  });
  return { messageId };
}
