import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MailMessage } from "@/lib/mail/send";
import { publicUrl } from "@/lib/env";
import { renderAlertEmail } from "../render/email";
import { emailRenderCache, EMAIL_RENDER_CACHE_SIZE, emailRenderKey, LruPromiseCache, renderAlertEmailCached } from "../render/email-cache";
import { SAMPLE_ALERT } from "../render/subject";
import type { AlertForDelivery, EmailDeliveryDetail } from "../types";
import { messageIdFor, sendEmailDelivery, type EmailDeliveryInput } from "./email";

const sent: MailMessage[] = [];
vi.mock("@/lib/mail/send", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/mail/send")>()),
  sendMail: vi.fn(async (m: MailMessage) => {
    sent.push(m);
    return { messageId: m.messageId!, transport: "mailbox" as const };
  }),
}));

const alert: AlertForDelivery = { ...SAMPLE_ALERT, id: "6a0c1e7e-3f7b-4d8e-9a51-0f6f3c2b9d10" };

function detail(address: string, subjectFormat: "global" | "organization", over: Partial<EmailDeliveryDetail> = {}): EmailDeliveryDetail {
  return {
    address,
    lists: [subjectFormat],
    subjectFormat,
    subject: subjectFormat === "global" ? `[High] ${alert.title} – Acme Dental` : `Acme Dental: ${alert.title}`,
    includeRespondEvents: true,
    includeIocMatches: subjectFormat === "global",
    ...over,
  };
}

const input = (email: EmailDeliveryDetail, a: AlertForDelivery = alert): EmailDeliveryInput => ({
  partnerId: "p1",
  alert: a,
  organizationName: "Acme Dental",
  partnerName: "Northwind IT Services",
  email,
});

/** What sending did before the cache: render for this one recipient. */
async function perRecipient(i: EmailDeliveryInput) {
  return renderAlertEmail({
    alert: i.alert,
    organizationName: i.organizationName,
    partnerName: i.partnerName,
    subject: i.email.subject,
    includeRespondEvents: i.email.includeRespondEvents,
    includeIocMatches: i.email.includeIocMatches,
    alertUrl: `${publicUrl()}/alerts/${i.alert.id}`,
  });
}

beforeEach(() => {
  sent.length = 0;
  emailRenderCache.clear();
});
afterEach(() => vi.restoreAllMocks());

describe("email channel: one render per alert and subject (R-DEL-6, R-DEL-7 unchanged)", () => {
  it("every recipient gets the message per-recipient rendering gives, except To and the Message-ID derived from it", async () => {
    const recipients = [
      detail("a@acme.test", "global"),
      detail("b@acme.test", "global"),
      detail("c@acme.test", "organization"),
      detail("d@acme.test", "organization"),
      detail("e@acme.test", "global"),
    ];
    await Promise.all(recipients.map((r) => sendEmailDelivery(input(r))));
    expect(sent).toHaveLength(recipients.length);
    for (const r of recipients) {
      const m = sent.find((s) => s.to === r.address)!;
      const expected = await perRecipient(input(r));
      expect(m.html).toBe(expected.html);
      expect(m.text).toBe(expected.text);
      expect(m.subject).toBe(r.subject);
      expect(m.messageId).toBe(messageIdFor(alert.id, r.address));
      expect(m.headers).toEqual({ "X-Switchboard-Alert": alert.id });
    }
    // Two distinct messages (global subject with IOCs, organization subject without): rendered twice, not five times.
    expect(emailRenderCache.misses).toBe(2);
    expect(emailRenderCache.hits).toBe(3);
  });

  it("any input that changes the message changes the key: subject, toggles, names, the alert's content", async () => {
    const base = { alert, organizationName: "Acme Dental", partnerName: "Northwind", subject: "S", includeRespondEvents: true, includeIocMatches: false, alertUrl: "http://x/alerts/1" };
    const key = emailRenderKey(base);
    expect(emailRenderKey({ ...base })).toBe(key);
    for (const changed of [
      { subject: "S2" },
      { includeRespondEvents: false },
      { includeIocMatches: true },
      { organizationName: "Acme Dental Group" },
      { partnerName: "Southwind" },
      { alertUrl: "http://y/alerts/1" },
      { alert: { ...alert, title: `${alert.title}!` } },
      { alert: { ...alert, respondEvents: alert.respondEvents.slice(1) } },
    ]) {
      expect(emailRenderKey({ ...base, ...changed }), JSON.stringify(Object.keys(changed))).not.toBe(key);
    }
  });

  it("a different alert is rendered for itself", async () => {
    const other: AlertForDelivery = { ...alert, id: "0d7e3c51-5b7e-4f61-8f0a-7b6a3e2c1d40", title: "Another alert" };
    await sendEmailDelivery(input(detail("a@acme.test", "global")));
    await sendEmailDelivery(input(detail("a@acme.test", "global", { subject: "Another alert" }), other));
    expect(sent[1].html).toBe((await perRecipient(input(detail("a@acme.test", "global", { subject: "Another alert" }), other))).html);
    expect(sent[1].html).not.toBe(sent[0].html);
  });
});

describe("LruPromiseCache", () => {
  it("is bounded: never holds more than its capacity, evicting the least recently used", async () => {
    const cache = new LruPromiseCache<number>(3);
    for (const k of ["a", "b", "c"]) await cache.get(k, async () => 1);
    await cache.get("a", async () => 2); // a is now the most recently used
    await cache.get("d", async () => 4); // evicts b
    expect(cache.size).toBe(3);
    expect(cache.has("b")).toBe(false);
    expect(["a", "c", "d"].every((k) => cache.has(k))).toBe(true);
    for (let i = 0; i < 1000; i++) await cache.get(`k${i}`, async () => i);
    expect(cache.size).toBe(3);
  });

  it("the worker's cache is bounded too", async () => {
    for (let i = 0; i < EMAIL_RENDER_CACHE_SIZE + 20; i++) {
      await renderAlertEmailCached({ alert: { ...alert, id: `id-${i}` }, organizationName: "O", partnerName: "P", subject: "S", includeRespondEvents: false, includeIocMatches: false });
    }
    expect(emailRenderCache.size).toBe(EMAIL_RENDER_CACHE_SIZE);
  });

  it("shares a render in flight and forgets a failed one", async () => {
    const cache = new LruPromiseCache<string>(4);
    const make = vi.fn(async () => "x");
    await Promise.all([cache.get("k", make), cache.get("k", make), cache.get("k", make)]);
    expect(make).toHaveBeenCalledTimes(1);
    await expect(cache.get("bad", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(cache.has("bad")).toBe(false);
    expect(await cache.get("bad", async () => "ok")).toBe("ok");
  });
});
