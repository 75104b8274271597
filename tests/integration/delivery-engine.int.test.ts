/**
 * The delivery engine end to end against a real PostgreSQL and a real SMTP server on loopback:
 * intake (one transaction), the worker (claims, leases, retries) and the email channel.
 * PSA deliveries here go through a recording channel; the PSA channel against the fake PSA servers
 * has its own tests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { db } from "@/db";
import { alerts, deliveries, deliveryAttempts, organizations, recipients } from "@/db/schema";
import { resetEnvCache } from "@/lib/env";
import { acceptAlert } from "@/lib/delivery/intake";
import { DeliveryWorker, type Channels, type PsaChannelInput } from "@/lib/delivery/worker";
import { sendEmailDelivery } from "@/lib/delivery/channels/email";
import { closeMailTransport } from "@/lib/mail/send";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";
import {
  addGlobalRecipient,
  addOrganizationRecipient,
  addPsaIntegration,
  makeOrganization,
  makePartner,
  setEmailSettings,
} from "../support/fixtures";

let smtp: SmtpSink;

beforeAll(async () => {
  smtp = await startSmtpSink();
  process.env.SMTP_URL = smtp.url;
  resetEnvCache();
});
afterAll(async () => {
  closeMailTransport();
  await smtp.close();
});

function recordingPsa(behaviour: (input: PsaChannelInput) => Promise<{ ticketId: string }> = async (i) => ({ ticketId: `T-${i.deliveryId.slice(0, 8)}` })) {
  const calls: PsaChannelInput[] = [];
  const psa: Channels["psa"] = async (input) => {
    calls.push(input);
    return behaviour(input);
  };
  return { calls, psa };
}

async function drain(worker: DeliveryWorker, alertIds: string[], timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await db.execute<{ n: number }>(sql`
      select count(*)::int as n from deliveries
       where alert_id = any(${sql.raw(`array[${alertIds.map((i) => `'${i}'`).join(",")}]::uuid[]`)})
         and status in ('planned', 'sending', 'failed')`);
    if (row.n === 0) return;
    if (Date.now() > deadline) throw new Error(`deliveries still pending: ${row.n}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const baseAlert = {
  priority: "high" as const,
  title: "Ransomware behaviour on DESKTOP-01",
  summary: "Mass file renames detected.",
  respondEvents: [{ time: "2026-11-22T10:00:00Z", action: "Isolate host", target: "DESKTOP-01", result: "success" }],
  iocMatches: [{ type: "sha256", value: "a".repeat(64), source: "Threat intel" }],
};

describe("delivery engine", () => {
  it("R-REL-1, R-DEL-5, R-DEL-6, R-REL-2: one transaction stores the alert and its deliveries; an address in both lists gets one email with the global subject; Message-ID is derived from alert and recipient", async () => {
    const { partnerId, viewer } = await makePartner("Northwind");
    const org = await makeOrganization(viewer, "Acme Corp");
    await setEmailSettings(partnerId, { globalSubjectFormat: "G: {{ alert.title }}", organizationSubjectFormat: "O: {{ organization.name }}" });
    await addGlobalRecipient(partnerId, "soc@northwind.test");
    await addGlobalRecipient(partnerId, "both@acme.test");
    await addOrganizationRecipient(partnerId, org.id, "both@acme.test", ["high", "critical"]);
    await addOrganizationRecipient(partnerId, org.id, "it@acme.test", ["medium", "high", "critical"]);
    await addOrganizationRecipient(partnerId, org.id, "ceo@acme.test", ["critical"]);
    const { calls, psa } = recordingPsa();
    const worker = new DeliveryWorker({ channels: { psa, email: sendEmailDelivery }, pollMs: 100 });
    await worker.start();
    try {
      const res = await acceptAlert({ partnerId, label: "test" }, { ...baseAlert, organizationId: org.id });
      expect(res.plan).toEqual({ planned: 3, skipped: 1 });
      // Committed together with the alert: every candidate has its row, the out-of-scope one as a skip.
      const rows = await db.select().from(deliveries).where(eq(deliveries.alertId, res.alertId));
      expect(rows.map((r) => r.target).sort()).toEqual(["both@acme.test", "ceo@acme.test", "it@acme.test", "soc@northwind.test"]);
      expect(rows.filter((r) => r.status === "skipped").map((r) => r.target)).toEqual(["ceo@acme.test"]);
      await drain(worker, [res.alertId]);
      const mine = smtp.messages.filter((m) => m.headers.get("x-switchboard-alert") === res.alertId);
      const to = mine.map((m) => (Array.isArray(m.to) ? m.to[0] : m.to)!.text).sort();
      expect(to).toEqual(["both@acme.test", "it@acme.test", "soc@northwind.test"]);
      const byTo = Object.fromEntries(mine.map((m) => [(Array.isArray(m.to) ? m.to[0] : m.to)!.text, m]));
      expect(byTo["both@acme.test"].subject).toBe(`G: ${baseAlert.title}`);
      expect(byTo["it@acme.test"].subject).toBe("O: Acme Corp");
      expect(new Set(mine.map((m) => m.messageId)).size).toBe(3);
      expect(byTo["it@acme.test"].messageId).toContain(res.alertId);
      expect(calls).toHaveLength(0);
      const skip = (await db.select().from(deliveries).where(eq(deliveries.alertId, res.alertId))).find((d) => d.target === "ceo@acme.test")!;
      expect(skip.rule).toBe("R-DEL-5");
      expect(skip.reason).toMatch(/Critical/);
    } finally {
      await worker.stop();
    }
  });

  it("R-DEL-2, R-DEL-1: organization off ⇒ no ticket and no email, each channel recorded as skipped, the alert still stored", async () => {
    const { partnerId, viewer } = await makePartner();
    const org = await makeOrganization(viewer, "Initech", { deliveryEnabled: false });
    await addGlobalRecipient(partnerId, "soc@msp.test");
    await addPsaIntegration(partnerId, { vendor: "connectwise", name: "ConnectWise", credentials: { x: "y" }, fallback: { companyId: "1", companyName: "Catch-all" } });
    const { calls, psa } = recordingPsa();
    const worker = new DeliveryWorker({ channels: { psa, email: sendEmailDelivery }, pollMs: 100 });
    await worker.start();
    try {
      const before = smtp.accepted();
      const res = await acceptAlert({ partnerId, label: "test" }, { ...baseAlert, organizationId: org.id });
      expect(res.plan).toEqual({ planned: 0, skipped: 2 });
      await new Promise((r) => setTimeout(r, 300));
      expect(calls).toHaveLength(0);
      expect(smtp.accepted()).toBe(before);
      const [a] = await db.select().from(alerts).where(eq(alerts.id, res.alertId));
      expect(a.title).toBe(baseAlert.title);
      const rows = await db.select().from(deliveries).where(eq(deliveries.alertId, res.alertId));
      expect(rows.every((r) => r.status === "skipped" && r.rule === "R-DEL-2")).toBe(true);
      expect(rows.map((r) => r.reason)).toContain("Organization Initech has PSA & email turned off");
    } finally {
      await worker.stop();
    }
  });

  it("R-DEL-3, R-DEL-4: a paused PSA creates no ticket while email still goes; an unmapped organization goes to the catch-all company", async () => {
    const { partnerId, viewer } = await makePartner();
    const org = await makeOrganization(viewer, "Globex");
    await addGlobalRecipient(partnerId, "soc@msp2.test");
    const paused = await addPsaIntegration(partnerId, { vendor: "autotask", name: "Autotask", credentials: { a: "b" }, status: "paused", fallback: { companyId: "9", companyName: "Catch" } });
    const active = await addPsaIntegration(partnerId, { vendor: "halopsa", name: "Halo", credentials: { a: "b" }, fallback: { companyId: "42", companyName: "Unmapped customers", contactId: "7" } });
    const { calls, psa } = recordingPsa();
    const worker = new DeliveryWorker({ channels: { psa, email: sendEmailDelivery }, pollMs: 100 });
    await worker.start();
    try {
      const res = await acceptAlert({ partnerId, label: "test" }, { ...baseAlert, organizationId: org.id });
      await drain(worker, [res.alertId]);
      expect(calls.map((c) => c.planned.integrationId)).toEqual([active]);
      expect(calls[0].planned).toMatchObject({ companyId: "42", via: "fallback", contactId: "7" });
      const rows = await db.select().from(deliveries).where(eq(deliveries.alertId, res.alertId));
      const byTarget = Object.fromEntries(rows.map((r) => [r.target, r]));
      expect(byTarget[paused]).toMatchObject({ status: "skipped", rule: "R-DEL-3" });
      expect(byTarget[active]).toMatchObject({ status: "sent" });
      expect(byTarget[active].externalRef).toMatch(/^T-/);
      expect(byTarget["soc@msp2.test"]).toMatchObject({ status: "sent" });
    } finally {
      await worker.stop();
    }
  });

  it("R-DEL-7: the detail toggles change only the email body (same recipients, same subject); R-DEL-4: unmapped with no catch-all is a recorded skip", async () => {
    const { partnerId, viewer } = await makePartner();
    const org = await makeOrganization(viewer, "Soylent");
    await addGlobalRecipient(partnerId, "detail@msp.test");
    const unmapped = await addPsaIntegration(partnerId, { vendor: "connectwise", name: "CW no catch-all", credentials: {} });
    const worker = new DeliveryWorker({ channels: { psa: recordingPsa().psa, email: sendEmailDelivery }, pollMs: 100 });
    await worker.start();
    try {
      await setEmailSettings(partnerId, { respondEventDetail: true, iocEventDetail: true });
      const on = await acceptAlert({ partnerId, label: "t" }, { ...baseAlert, organizationId: org.id });
      await setEmailSettings(partnerId, { respondEventDetail: false, iocEventDetail: false });
      const off = await acceptAlert({ partnerId, label: "t" }, { ...baseAlert, organizationId: org.id });
      await drain(worker, [on.alertId, off.alertId]);
      const mail = (id: string) => smtp.messages.find((m) => m.headers.get("x-switchboard-alert") === id)!;
      expect(mail(on.alertId).subject).toBe(mail(off.alertId).subject);
      expect(mail(on.alertId).text).toContain("Isolate host");
      expect(mail(on.alertId).text).toContain("a".repeat(64));
      expect(mail(off.alertId).text).not.toContain("Isolate host");
      expect(mail(off.alertId).text).not.toContain("a".repeat(64));
      expect(mail(off.alertId).text).toContain(baseAlert.summary);
      const [skip] = await db.select().from(deliveries).where(eq(deliveries.target, unmapped));
      expect(skip).toMatchObject({ status: "skipped", rule: "R-DEL-4" });
      expect(skip.reason).toMatch(/not mapped in ConnectWise/);
    } finally {
      await worker.stop();
    }
  });

  it("R-DEL-10: settings changed after intake do not change that alert's deliveries", async () => {
    const { partnerId, viewer } = await makePartner();
    const org = await makeOrganization(viewer, "Hooli");
    await addGlobalRecipient(partnerId, "first@msp.test");
    const res = await acceptAlert({ partnerId, label: "test" }, { ...baseAlert, organizationId: org.id });
    // After intake: the recipient is removed, a new one added, and the organization turned off.
    await db.delete(recipients).where(eq(recipients.partnerId, partnerId));
    await addGlobalRecipient(partnerId, "second@msp.test");
    await db.update(organizations).set({ deliveryEnabled: false }).where(eq(organizations.id, org.id));
    const worker = new DeliveryWorker({ channels: { psa: recordingPsa().psa, email: sendEmailDelivery }, pollMs: 100 });
    await worker.start();
    try {
      await drain(worker, [res.alertId]);
    } finally {
      await worker.stop();
    }
    const rows = await db.select().from(deliveries).where(eq(deliveries.alertId, res.alertId));
    expect(rows.map((r) => `${r.target}:${r.status}`)).toEqual(["first@msp.test:sent"]);
    const next = await acceptAlert({ partnerId, label: "test" }, { ...baseAlert, organizationId: org.id });
    expect(next.deliveries.map((d) => `${d.target}:${d.status}`)).toEqual(["second@msp.test:skipped"]);
  });

  it("R-REL-3: transient failures are retried with backoff (Retry-After honoured) and permanent failures stop at once as dead", async () => {
    const { partnerId, viewer } = await makePartner();
    const org = await makeOrganization(viewer, "Umbrella");
    const flaky = await addPsaIntegration(partnerId, { vendor: "connectwise", name: "Flaky", credentials: {}, fallback: { companyId: "1", companyName: "C" } });
    const broken = await addPsaIntegration(partnerId, { vendor: "syncro", name: "Broken", credentials: {}, fallback: { companyId: "2", companyName: "D" } });
    let flakyCalls = 0;
    const { calls, psa } = recordingPsa(async (input) => {
      if (input.planned.integrationId === broken) {
        throw Object.assign(new Error("x"), { retryable: false, status: 400, vendorMessage: "customer_id is invalid" });
      }
      flakyCalls += 1;
      if (flakyCalls <= 2) throw Object.assign(new Error("x"), { retryable: true, status: 429, retryAfterMs: 300, vendorMessage: "Too Many Requests" });
      return { ticketId: "CW-1" };
    });
    const worker = new DeliveryWorker({ channels: { psa, email: sendEmailDelivery }, pollMs: 50, schedule: [100, 100, 100] });
    await worker.start();
    try {
      const res = await acceptAlert({ partnerId, label: "test" }, { ...baseAlert, organizationId: org.id });
      await drain(worker, [res.alertId]);
      const rows = await db.select().from(deliveries).where(eq(deliveries.alertId, res.alertId));
      const byTarget = Object.fromEntries(rows.map((r) => [r.target, r]));
      expect(byTarget[flaky]).toMatchObject({ status: "sent", attempts: 3, externalRef: "CW-1" });
      expect(byTarget[broken]).toMatchObject({ status: "dead", attempts: 1, lastError: "customer_id is invalid" });
      const attempts = await db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, byTarget[flaky].id));
      expect(attempts.map((a) => a.outcome)).toEqual(["failed", "failed", "sent"]);
      expect(attempts[0].httpStatus).toBe(429);
      // Retry-After (300 ms) won over the 100 ms schedule.
      expect(attempts[1].startedAt.getTime() - attempts[0].startedAt.getTime()).toBeGreaterThanOrEqual(290);
      // Retries search before creating (R-REL-2).
      expect(calls.filter((c) => c.planned.integrationId === flaky).map((c) => c.previousAttemptUncertain)).toEqual([false, true, true]);
    } finally {
      await worker.stop();
    }
  });

  it("R-REL-3: a dead delivery shows its last error; support can retry it, the channel searches first, and it is sent", async () => {
    const { partnerId, viewer } = await makePartner();
    const org = await makeOrganization(viewer, "Cyberdyne");
    const cw = await addPsaIntegration(partnerId, { vendor: "connectwise", name: "CW", credentials: {}, fallback: { companyId: "1", companyName: "C" } });
    let fail = true;
    const { calls, psa } = recordingPsa(async () => {
      if (fail) throw Object.assign(new Error("x"), { retryable: false, status: 400, vendorMessage: "board is inactive" });
      return { ticketId: "CW-9" };
    });
    const worker = new DeliveryWorker({ channels: { psa, email: sendEmailDelivery }, pollMs: 50 });
    await worker.start();
    try {
      const res = await acceptAlert({ partnerId, label: "t" }, { ...baseAlert, organizationId: org.id });
      await drain(worker, [res.alertId]);
      const [dead] = await db.select().from(deliveries).where(eq(deliveries.target, cw));
      expect(dead).toMatchObject({ status: "dead", lastError: "board is inactive" });
      const { createUser } = await import("@/lib/auth/accounts");
      const { loadViewer } = await import("@/lib/auth/viewer");
      const { retryDelivery } = await import("@/lib/delivery/retry-delivery");
      const tech = await createUser(viewer, { email: "t@cyberdyne.test", name: "", password: "correct horse battery", role: "technician", organizationIds: [org.id] });
      await expect(retryDelivery((await loadViewer(tech.userId, "t@cyberdyne.test", "t", "s"))!, { deliveryId: dead.id })).rejects.toThrow(/Only admins and support/);
      const sup = await createUser(viewer, { email: "s@cyberdyne.test", name: "", password: "correct horse battery", role: "support", organizationIds: [] });
      fail = false;
      await retryDelivery((await loadViewer(sup.userId, "s@cyberdyne.test", "s", "s"))!, { deliveryId: dead.id, note: "board re-enabled" });
      await drain(worker, [res.alertId]);
      const [sent] = await db.select().from(deliveries).where(eq(deliveries.id, dead.id));
      expect(sent).toMatchObject({ status: "sent", externalRef: "CW-9", manualRetries: 1 });
      expect(calls.at(-1)!.previousAttemptUncertain).toBe(true);
      await expect(retryDelivery((await loadViewer(sup.userId, "s@cyberdyne.test", "s", "s"))!, { deliveryId: dead.id })).rejects.toThrow(/only failed or dead/);
    } finally {
      await worker.stop();
    }
  });

  it("R-REL-4: two workers on one database never send the same delivery twice", async () => {
    const { partnerId, viewer } = await makePartner();
    const org = await makeOrganization(viewer, "Vandelay");
    await addGlobalRecipient(partnerId, "a@msp.test");
    await addPsaIntegration(partnerId, { vendor: "connectwise", name: "CW", credentials: {}, fallback: { companyId: "1", companyName: "C" } });
    const seen = new Map<string, number>();
    const psa: Channels["psa"] = async (i) => {
      seen.set(i.deliveryId, (seen.get(i.deliveryId) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 2));
      return { ticketId: i.deliveryId };
    };
    const emailSeen = new Map<string, number>();
    const email: Channels["email"] = async (i) => {
      const k = `${i.alert.id}/${i.email.address}`;
      emailSeen.set(k, (emailSeen.get(k) ?? 0) + 1);
      return { messageId: k };
    };
    const w1 = new DeliveryWorker({ channels: { psa, email }, pollMs: 20, batchSize: 7, concurrency: 8 });
    const w2 = new DeliveryWorker({ channels: { psa, email }, pollMs: 20, batchSize: 5, concurrency: 8 });
    await Promise.all([w1.start(), w2.start()]);
    try {
      const ids: string[] = [];
      for (let i = 0; i < 150; i++) ids.push((await acceptAlert({ partnerId, label: "t" }, { ...baseAlert, organizationId: org.id })).alertId);
      await drain(w1, ids, 30_000);
    } finally {
      await Promise.all([w1.stop(), w2.stop()]);
    }
    expect(seen.size).toBe(150);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(emailSeen.size).toBe(150);
    expect([...emailSeen.values()].every((n) => n === 1)).toBe(true);
    expect(w1.stats.sent).toBeGreaterThan(0);
    expect(w2.stats.sent).toBeGreaterThan(0);
  });

  it("Idempotency-Key: a retried POST returns the first result instead of a second alert", async () => {
    const { partnerId, viewer } = await makePartner();
    const org = await makeOrganization(viewer, "Stark", { externalRef: "STARK-1" });
    const first = await acceptAlert({ partnerId, label: "t" }, { ...baseAlert, organizationRef: "STARK-1" }, { idempotencyKey: "k-1" });
    const again = await Promise.all([1, 2, 3].map(() => acceptAlert({ partnerId, label: "t" }, { ...baseAlert, organizationRef: "STARK-1" }, { idempotencyKey: "k-1" })));
    expect(again.every((a) => a.alertId === first.alertId && a.duplicate)).toBe(true);
    const rows = await db.select().from(alerts).where(eq(alerts.organizationId, org.id));
    expect(rows).toHaveLength(1);
  });
});
