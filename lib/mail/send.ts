/**
 * The one mail sender (consent links, alert emails): real SMTP through nodemailer when SMTP_URL is set,
 * otherwise the embedded default's built-in mailbox (the dev_mailbox table), so a fresh install works
 * without a mail server. A caller that retries passes a stable `messageId`: receivers and the mailbox
 * see one message however often it is sent (R-REL-2 for the delivery engine).
 */
import { randomUUID } from "node:crypto";
import nodemailer, { type Transporter } from "nodemailer";
import { and, eq, sql } from "drizzle-orm";
import { db } from "@/db";
import { devMailbox } from "@/db/schema";
import { env, publicUrl } from "@/lib/env";

export type MailMessage = {
  /** The partner the message is sent for (mailbox ownership); null for platform mail. */
  partnerId: string | null;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** `<id@host>`; derived from what is being sent when retries must not duplicate. Generated when absent. */
  messageId?: string;
  headers?: Record<string, string>;
};

export type MailSent = { messageId: string; transport: "smtp" | "mailbox" };

export class MailSendError extends Error {
  override readonly name = "MailSendError";
  constructor(
    message: string,
    /** false for permanent refusals (SMTP 5xx: unknown mailbox, policy); true for 4xx and network failures. */
    readonly retryable: boolean,
    readonly responseCode?: number,
  ) {
    super(message);
  }
}

/** A Message-ID on this installation's host: `<local@host>`. */
export function makeMessageId(local: string = randomUUID()): string {
  let host = "switchboard.local";
  try {
    host = new URL(publicUrl()).hostname || host;
  } catch {
    // keep the default
  }
  return `<${local.replace(/[<>@\s]/g, "")}@${host}>`;
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

/** Closes pooled SMTP connections (shutdown, tests). */
export function closeMailTransport(): void {
  transport?.t.close();
  transport = undefined;
}

const HEADER_INJECTION = /[\r\n]/;

/**
 * Sends one message. Throws MailSendError (with `retryable`) when SMTP refuses or cannot be reached;
 * never logs or returns the body.
 */
export async function sendMail(message: MailMessage): Promise<MailSent> {
  if (HEADER_INJECTION.test(message.to) || HEADER_INJECTION.test(message.subject)) {
    throw new MailSendError("Recipient and subject must be a single line.", false);
  }
  const messageId = message.messageId ?? makeMessageId();
  const smtpUrl = env.SMTP_URL;
  if (smtpUrl) {
    try {
      await smtpTransport(smtpUrl).sendMail({
        from: env.MAIL_FROM,
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        messageId,
        headers: message.headers,
      });
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; message?: string };
      const permanent = typeof e.responseCode === "number" && e.responseCode >= 500;
      throw new MailSendError(
        `SMTP ${e.responseCode ?? e.code ?? "error"}: ${(e.message ?? "send failed").slice(0, 300)}`,
        !permanent,
        e.responseCode,
      );
    }
    return { messageId, transport: "smtp" };
  }
  // Built-in mailbox: insert once per Message-ID and partner, like a receiver deduplicating a resend.
  const partnerMatch = message.partnerId === null ? sql`${devMailbox.partnerId} is null` : eq(devMailbox.partnerId, message.partnerId);
  await db.execute(sql`
    insert into ${devMailbox} (partner_id, message_id, from_address, to_address, subject, html, text)
    select ${message.partnerId}::uuid, ${messageId}, ${env.MAIL_FROM}, ${message.to}, ${message.subject}, ${message.html}, ${message.text}
    where not exists (select 1 from ${devMailbox} where ${and(eq(devMailbox.messageId, messageId), partnerMatch)})
  `);
  return { messageId, transport: "mailbox" };
}
