/**
 * Email channel: turns one planned email delivery into one message, effectively once (R-REL-2): the
 * Message-ID is derived from the alert and the recipient, so a retry after an uncertain send carries
 * the same id and receivers (and our tests) see one message. Real SMTP through nodemailer when
 * SMTP_URL is set; otherwise the embedded default's built-in mailbox (dev_mailbox), deduplicated by
 * Message-ID. Bodies come from the same renderer as the settings preview.
 */
import { createHash } from "node:crypto";
import nodemailer, { type Transporter } from "nodemailer";
import { and, eq, sql } from "drizzle-orm";
import { db } from "@/db";
import { devMailbox } from "@/db/schema";
import { env, publicUrl } from "@/lib/env";
import { renderAlertEmail } from "../render/email";
import type { AlertForDelivery, EmailDeliveryDetail } from "../types";

export class EmailSendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function messageIdFor(alertId: string, address: string): string {
  const host = new URL(publicUrl()).hostname || "switchboard.local";
  const h = createHash("sha256").update(address.toLowerCase()).digest("hex").slice(0, 16);
  return `<alert.${alertId}.${h}@${host}>`;
}

let transport: { url: string; t: Transporter } | undefined;

function smtpTransport(url: string): Transporter {
  if (!transport || transport.url !== url) {
    transport?.t.close();
    transport = {
      url,
      t: nodemailer.createTransport(url, {
        pool: true,
        maxConnections: 5,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      } as never),
    };
  }
  return transport.t;
}

export function closeEmailTransport(): void {
  transport?.t.close();
  transport = undefined;
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
  const { html, text } = await renderAlertEmail({
    alert: input.alert,
    organizationName: input.organizationName,
    partnerName: input.partnerName,
    subject: input.email.subject,
    includeRespondEvents: input.email.includeRespondEvents,
    includeIocMatches: input.email.includeIocMatches,
    alertUrl: `${publicUrl()}/alerts/${input.alert.id}`,
  });
  if (env.SMTP_URL) {
    try {
      await smtpTransport(env.SMTP_URL).sendMail({
        from: env.MAIL_FROM,
        to: input.email.address,
        subject: input.email.subject,
        html,
        text,
        messageId,
        headers: { "X-Switchboard-Alert": input.alert.id },
      });
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; message?: string };
      // 5xx SMTP replies are permanent (bad mailbox, policy); connection problems and 4xx are transient.
      const permanent = typeof e.responseCode === "number" && e.responseCode >= 500;
      throw new EmailSendError(
        `SMTP ${e.responseCode ?? e.code ?? "error"}: ${(e.message ?? "send failed").slice(0, 300)}`,
        !permanent,
        e.responseCode,
      );
    }
  } else {
    await db.execute(sql`
      insert into ${devMailbox} (partner_id, message_id, from_address, to_address, subject, html, text)
      select ${input.partnerId}, ${messageId}, ${env.MAIL_FROM}, ${input.email.address}, ${input.email.subject}, ${html}, ${text}
      where not exists (select 1 from ${devMailbox} where ${and(eq(devMailbox.messageId, messageId), eq(devMailbox.partnerId, input.partnerId))})
    `);
  }
  return { messageId };
}
