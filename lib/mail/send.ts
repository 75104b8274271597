/**
 * The one mail sender (consent links, alert emails): real SMTP through nodemailer when SMTP_URL is set,
 * otherwise the embedded default's built-in mailbox (the dev_mailbox table), so a fresh install works
 * without a mail server. A caller that retries passes a stable `messageId`: receivers and the mailbox
 * see one message however often it is sent (R-REL-2 for the delivery engine).
 */
import { randomUUID } from "node:crypto";
import net from "node:net";
import nodemailer, { type Transporter } from "nodemailer";
import { and, eq, sql } from "drizzle-orm";
import { db } from "@/db";
import { devMailbox } from "@/db/schema";
import { env, publicUrl } from "@/lib/env";
import { OutboundError, resolveOutboundAddress } from "@/lib/http/outbound";

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

/**
 * R-SEC-3 for SMTP: the SMTP_URL host must resolve to public addresses unless SWITCHBOARD_ALLOW_PRIVATE_TARGETS
 * names it (the same policy as outboundFetch). Returns the URL pinned to the checked address (the original
 * name kept as the TLS server name), so a DNS answer that changes after the check is not used.
 * Throws OutboundError (`ssrf_refused`, or `network` when the name does not resolve).
 */
export async function guardedSmtpUrl(smtpUrl: string): Promise<string> {
  const url = new URL(smtpUrl);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const address = await resolveOutboundAddress(host);
  if (address === host) return smtpUrl;
  url.hostname = net.isIPv6(address) ? `[${address}]` : address;
  if (!net.isIP(host) && !url.searchParams.has("servername")) url.searchParams.set("servername", host);
  return url.toString();
}

/** An SMTP refusal or failure as the caller's error type: an SSRF refusal is permanent (configuration). */
export function describeSmtpFailure(err: unknown): { message: string; retryable: boolean; responseCode?: number } {
  if (err instanceof OutboundError) {
    return { message: `SMTP host refused: ${err.message}`, retryable: err.kind !== "ssrf_refused" };
  }
  const e = err as { responseCode?: number; code?: string; message?: string };
  // 5xx SMTP replies are permanent (bad mailbox, policy); connection problems and 4xx are transient.
  const permanent = typeof e.responseCode === "number" && e.responseCode >= 500;
  return { message: `SMTP ${e.responseCode ?? e.code ?? "error"}: ${(e.message ?? "send failed").slice(0, 300)}`, retryable: !permanent, responseCode: e.responseCode };
}

let transport: { url: string; t: Promise<Transporter> } | undefined;

/** One pooled transport per SMTP_URL, created after the host passed the SSRF check (shared by concurrent sends). */
function smtpTransport(url: string): Promise<Transporter> {
  if (!transport || transport.url !== url) {
    const previous = transport;
    const current = {
      url,
      // The options go in the transport's own object beside `url`: nodemailer's second argument is message
      // defaults, so passing them there left every send on a new, unpooled connection with default timeouts.
      t: guardedSmtpUrl(url).then((pinned) =>
        nodemailer.createTransport({
          url: pinned,
          pool: true,
          maxConnections: 5,
          connectionTimeout: 10_000,
          greetingTimeout: 10_000,
          socketTimeout: 20_000,
        } as never),
      ),
    };
    transport = current;
    // A refused or unresolvable host is checked again on the next send, not remembered.
    current.t.catch(() => {
      if (transport === current) transport = undefined;
    });
    previous?.t.then((t) => t.close(), () => undefined);
  }
  return transport.t;
}

/** Closes pooled SMTP connections (shutdown, tests). */
export function closeMailTransport(): void {
  transport?.t.then((t) => t.close(), () => undefined);
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
      await (await smtpTransport(smtpUrl)).sendMail({
        from: env.MAIL_FROM,
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        messageId,
        headers: message.headers,
      });
    } catch (err) {
      const failure = describeSmtpFailure(err);
      throw new MailSendError(failure.message, failure.retryable, failure.responseCode);
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
