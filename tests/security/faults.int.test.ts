/**
 * R-REL-3 / R-REL-2 / R-REL-5 — the SMTP server is down for a while, then back. Alerts accepted meanwhile are
 * retried by a real worker process (scripts/worker.ts, as in production) and every email arrives once the
 * server is back: one message per (alert, recipient), none twice — counted by DATA commands and Message-IDs
 * at the SMTP server, which refuses every connection while it is down.
 * (SIGKILL of workers under PSA faults: tests/integration/crash.int.test.ts. SIGKILL of the web process during
 * intake and a PostgreSQL restart under load: e2e/security.spec.ts, against the production build.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { env } from "@/lib/env";
import { acceptAlert } from "@/lib/delivery/intake";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";
import { spawnWorker, waitForExit } from "../support/worker-process";
import { addGlobalRecipient, makeOrganization, makePartner } from "../support/fixtures";

const ALERTS = 60;
let smtp: SmtpSink;

beforeAll(async () => {
  smtp = await startSmtpSink({ parse: true });
});
afterAll(async () => {
  await smtp?.close();
});

async function counts() {
  const rows = await db.execute<{ status: string; n: number }>(sql`select status::text as status, count(*)::int as n from deliveries where channel = 'email' group by 1`);
  return Object.fromEntries([...rows].map((r) => [r.status, r.n])) as Record<string, number>;
}

describe("faults: SMTP outage", () => {
  it("R-REL-3, R-REL-2: SMTP down for a while, then back — every email delivered after it returns, none twice", async () => {
    const { partnerId, viewer } = await makePartner("Outage MSP");
    const org = await makeOrganization(viewer, "Outage Org");
    await addGlobalRecipient(partnerId, "soc@outage.test");
    await addGlobalRecipient(partnerId, "noc@outage.test");

    smtp.setDown(true);
    const worker = spawnWorker({
      DATABASE_URL: env.DATABASE_URL!,
      SWITCHBOARD_SECRET_KEYS: env.SWITCHBOARD_SECRET_KEYS!,
      SWITCHBOARD_HOME: env.SWITCHBOARD_HOME,
      SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "127.0.0.1",
      SMTP_URL: smtp.url,
      SWITCHBOARD_RETRY_SCHEDULE: "200ms,300ms,400ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms",
      SWITCHBOARD_WORKER_CONCURRENCY: "16",
    });
    try {
      for (let i = 0; i < ALERTS; i++) {
        await acceptAlert({ partnerId, label: "outage" }, { organizationId: org.id, priority: "high", title: `Outage alert ${i}`, summary: "smtp outage" });
      }
      // While the server is down: every email is attempted, fails and is rescheduled; nothing arrives, nothing is dead.
      const failed = async () => (await db.execute<{ n: number }>(sql`select count(distinct delivery_id)::int as n from delivery_attempts where outcome = 'failed'`))[0].n;
      const downDeadline = Date.now() + 60_000;
      while ((await failed()) < ALERTS * 2) {
        if (Date.now() > downDeadline) {
          const attempts = [...(await db.execute(sql`select outcome::text, max(error) as e, count(*)::int as n from delivery_attempts group by 1`))];
          const tail = (worker as unknown as { outputTail?: string[] }).outputTail?.join("") ?? "";
          throw new Error(`the worker did not try every email during the outage: ${await failed()} ${JSON.stringify(attempts)} ${JSON.stringify(await counts())} worker: ${tail.slice(-2000)}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      const during = await counts();
      expect(smtp.accepted()).toBe(0);
      expect(during.sent ?? 0).toBe(0);
      expect(during.dead ?? 0).toBe(0);

      smtp.setDown(false);
      const deadline = Date.now() + 60_000;
      while (((await counts()).sent ?? 0) < ALERTS * 2) {
        if (Date.now() > deadline) throw new Error(`not delivered after the outage: ${JSON.stringify(await counts())}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      worker.kill("SIGTERM");
      await waitForExit(worker);
    }
    expect(await counts()).toEqual({ sent: ALERTS * 2 });
    expect(smtp.accepted()).toBe(ALERTS * 2);
    const ids = smtp.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ALERTS * 2);
    const expected = await db.execute<{ external_ref: string }>(sql`select external_ref from deliveries where channel = 'email'`);
    for (const r of expected) expect(ids).toContain(r.external_ref);
  }, 120_000);
});
