/**
 * R-SEC-5 — hostile alert text in emails. Titles, summaries, organization names, Respond events and IOC values
 * carrying HTML/script are escaped in the HTML part; CR/LF (and other line breaks) in anything that reaches the
 * subject cannot start a new header. Proven end to end: the alert is accepted through intake (the planner
 * renders the subject with lib/delivery/render), the planned email is sent by the email channel through SMTP
 * to a loopback server that keeps the raw message and the SMTP envelope, and the raw bytes are inspected.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import { and, eq } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import { db } from "@/db";
import { deliveries, organizations } from "@/db/schema";
import { resetEnvCache } from "@/lib/env";
import { sendEmailDelivery } from "@/lib/delivery/channels/email";
import { acceptAlert } from "@/lib/delivery/intake";
import { renderAlertEmail } from "@/lib/delivery/render/email";
import { renderSubject, SAMPLE_SUBJECT_CONTEXT, SUBJECT_TOKENS } from "@/lib/delivery/render/subject";
import type { EmailDeliveryDetail } from "@/lib/delivery/types";
import { sendMail } from "@/lib/mail/send";
import { addGlobalRecipient, makeOrganization, makePartner, setEmailSettings } from "../support/fixtures";

type Received = { raw: string; from: string; to: string[] };

let server: SMTPServer;
let port: number;
const received: Received[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          raw: Buffer.concat(chunks).toString("utf8"),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.server.address() as AddressInfo).port;
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  process.env.SWITCHBOARD_URL = "https://console.switchboard.test";
  resetEnvCache();
});

afterAll(async () => {
  delete process.env.SMTP_URL;
  resetEnvCache();
  await new Promise<void>((r) => server.close(() => r()));
});

const SCRIPT = `<script>alert("xss")</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">click</a>`;
const CRLF = "Quarterly report\r\nBcc: attacker@evil.test\r\nX-Injected: yes\n\nbody-injection";

function headerBlock(raw: string): string {
  return raw.split(/\r?\n\r?\n/)[0];
}

describe("R-SEC-5: alert text in emails", () => {
  it("R-SEC-5: HTML and script in every alert field are escaped in the HTML part (rendered with lib/delivery/render)", async () => {
    const { html, text } = await renderAlertEmail({
      alert: {
        id: "00000000-0000-4000-8000-000000000001",
        organizationId: "00000000-0000-4000-8000-000000000002",
        priority: "critical",
        title: SCRIPT,
        summary: `${SCRIPT}\nsecond line`,
        detectedAt: new Date("2026-01-01T00:00:00Z"),
        source: SCRIPT,
        respondEvents: [{ time: "2026-01-01T00:00:00Z", action: SCRIPT, target: SCRIPT, result: SCRIPT, detail: SCRIPT }],
        iocMatches: [{ type: "url", value: "javascript:alert(3)", source: SCRIPT }],
      },
      organizationName: SCRIPT,
      partnerName: SCRIPT,
      subject: SCRIPT,
      includeRespondEvents: true,
      includeIocMatches: true,
      alertUrl: "javascript:alert(4)",
    });
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img[^>]*onerror/i);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain("&lt;script&gt;");
    expect(text).toContain('<script>alert("xss")</script>'); // plain text is plain text
  });

  it("R-SEC-5: CR/LF and other line breaks in any subject token render as one line", () => {
    const context = {
      ...SAMPLE_SUBJECT_CONTEXT,
      alert: { ...SAMPLE_SUBJECT_CONTEXT.alert, title: CRLF, source: "a\u2028b\u2029c\u0085d" },
      organization: { ...SAMPLE_SUBJECT_CONTEXT.organization, name: "Acme\r\nBcc: x@evil.test" },
      partner: { ...SAMPLE_SUBJECT_CONTEXT.partner, name: "MSP\nTo: y@evil.test" },
    };
    const format = SUBJECT_TOKENS.map((t) => `{{ ${t.token} }}`).join(" ");
    const subject = renderSubject(format, context as typeof SAMPLE_SUBJECT_CONTEXT);
    expect(subject).not.toMatch(/[\r\n\u2028\u2029\u0085]/);
    expect(subject).toContain("Bcc: attacker@evil.test"); // kept as text, on the same line
  });

  it("R-SEC-5: end to end — an alert whose title and organization carry CRLF and script is delivered as one message with the planned headers only", async () => {
    const { partnerId, viewer } = await makePartner("Injection MSP");
    const org = await makeOrganization(viewer, "Injection Org");
    // Stored text that bypassed validation (an old row, a direct import): rendering must still hold.
    await db.update(organizations).set({ name: `Acme\r\nBcc: attacker@evil.test\r\n${SCRIPT}` }).where(eq(organizations.id, org.id));
    await addGlobalRecipient(partnerId, "soc@injection.test");
    await setEmailSettings(partnerId, { globalSubjectFormat: "[{{ alert.priority }}] {{ alert.title }} – {{ organization.name }} {{ alert.source }}" });
    const accepted = await acceptAlert(
      { partnerId, label: "test" },
      { organizationId: org.id, priority: "high", title: CRLF, summary: SCRIPT, source: "src\r\nX-Evil: 1" },
    );
    const [row] = await db.select().from(deliveries).where(and(eq(deliveries.alertId, accepted.alertId), eq(deliveries.channel, "email")));
    const detail = (row.payload as { email: EmailDeliveryDetail }).email;
    expect(detail.subject).not.toMatch(/[\r\n]/);

    const before = received.length;
    await sendEmailDelivery({
      partnerId,
      alert: { id: accepted.alertId, organizationId: org.id, priority: "high", title: CRLF, summary: SCRIPT, detectedAt: new Date(), source: "src\r\nX-Evil: 1", respondEvents: [], iocMatches: [] },
      organizationName: `Acme\r\nBcc: attacker@evil.test\r\n${SCRIPT}`,
      partnerName: "Injection MSP",
      email: detail,
    });
    expect(received.length).toBe(before + 1);
    const msg = received[received.length - 1];
    expect(msg.to).toEqual(["soc@injection.test"]); // the SMTP envelope: nobody else
    const headers = headerBlock(msg.raw);
    expect(headers).not.toMatch(/^(bcc|x-injected|x-evil|to: y@)/im);
    const names = headers.split(/\r?\n/).filter((l) => /^[A-Za-z-]+:/.test(l)).map((l) => l.split(":")[0].toLowerCase());
    expect(names.filter((n) => !["content-type", "from", "to", "subject", "message-id", "date", "mime-version", "x-switchboard-alert"].includes(n))).toEqual([]);
    const parsed = await simpleParser(msg.raw);
    expect(parsed.subject).toBe(detail.subject);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.html || "").not.toMatch(/<script/i);
  });

  it("R-SEC-5: the mail sender itself refuses a subject or recipient with a line break (defence in depth)", async () => {
    await expect(sendMail({ partnerId: null, to: "a@b.test\r\nBcc: x@evil.test", subject: "s", html: "", text: "" })).rejects.toThrow(/single line/);
    await expect(sendMail({ partnerId: null, to: "a@b.test", subject: "s\r\nBcc: x@evil.test", html: "", text: "" })).rejects.toThrow(/single line/);
  });
});
