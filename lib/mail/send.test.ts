import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { simpleParser } from "mailparser";
import { resetEnvCache } from "@/lib/env";
import { closeMailTransport, MailSendError, makeMessageId, sendMail } from "./send";

const received: { to: string[]; raw: string }[] = [];
let refuseWith: number | null = null;
let connections = 0;
let server: SMTPServer;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    onConnect(_session, cb) {
      connections += 1;
      cb();
    },
    onRcptTo(_address, _session, cb) {
      if (refuseWith) {
        const err = new Error(refuseWith >= 500 ? "mailbox unavailable" : "try again later") as Error & { responseCode: number };
        err.responseCode = refuseWith;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      stream.on("end", () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  process.env.SMTP_URL = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  process.env.MAIL_FROM = "Switchboard <noreply@msp.example>";
  process.env.SWITCHBOARD_URL = "https://console.msp.example";
  // The SMTP host is checked like any outbound target (R-SEC-3): this loopback server is allow-listed.
  process.env.SWITCHBOARD_ALLOW_PRIVATE_TARGETS = "127.0.0.1";
  resetEnvCache();
});

afterAll(async () => {
  closeMailTransport();
  await new Promise<void>((r) => server.close(() => r()));
  delete process.env.SMTP_URL;
  delete process.env.SWITCHBOARD_ALLOW_PRIVATE_TARGETS;
  resetEnvCache();
});

describe("sendMail over SMTP", () => {
  it("sends HTML + text with the caller's Message-ID (a resend is recognisably the same message)", async () => {
    const messageId = makeMessageId("consent.1234");
    expect(messageId).toBe("<consent.1234@console.msp.example>");
    const sent = await sendMail({ partnerId: null, to: "admin@customer.example", subject: "Connect Microsoft 365", html: "<p>Hi</p>", text: "Hi", messageId });
    expect(sent).toEqual({ messageId, transport: "smtp" });
    const mail = await simpleParser(received.at(-1)!.raw);
    expect(received.at(-1)!.to).toEqual(["admin@customer.example"]);
    expect(mail.messageId).toBe(messageId);
    expect(mail.subject).toBe("Connect Microsoft 365");
    expect(mail.text?.trim()).toBe("Hi");
    expect(mail.html).toContain("<p>Hi</p>");
    expect(mail.from?.text).toContain("noreply@msp.example");
  });

  it("a permanent refusal (5xx) is not retryable; a temporary one (4xx) is", async () => {
    refuseWith = 550;
    await expect(sendMail({ partnerId: null, to: "gone@customer.example", subject: "s", html: "h", text: "t" })).rejects.toMatchObject({
      name: "MailSendError",
      retryable: false,
      responseCode: 550,
    });
    refuseWith = 451;
    const err = await sendMail({ partnerId: null, to: "busy@customer.example", subject: "s", html: "h", text: "t" }).catch((e) => e);
    expect(err).toBeInstanceOf(MailSendError);
    expect(err.retryable).toBe(true);
    refuseWith = null;
  });

  it("reuses a pool of at most 5 SMTP connections instead of connecting for every message", async () => {
    const before = connections;
    const n = received.length;
    await Promise.all(Array.from({ length: 30 }, (_, i) => sendMail({ partnerId: null, to: `r${i}@customer.example`, subject: "s", html: "h", text: "t" })));
    await Promise.all(Array.from({ length: 10 }, (_, i) => sendMail({ partnerId: null, to: `q${i}@customer.example`, subject: "s", html: "h", text: "t" })));
    expect(received.length - n).toBe(40);
    expect(connections - before).toBeLessThanOrEqual(5);
  });

  it("refuses header injection in recipient or subject", async () => {
    await expect(sendMail({ partnerId: null, to: "a@b.example\r\nBcc: x@y.example", subject: "s", html: "h", text: "t" })).rejects.toThrow(/single line/);
    await expect(sendMail({ partnerId: null, to: "a@b.example", subject: "s\nBcc: x@y.example", html: "h", text: "t" })).rejects.toThrow(/single line/);
  });
});
