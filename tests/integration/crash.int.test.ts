/**
 * Crash test (R-REL-2, R-REL-4, R-REL-5): 1,000 alerts into two real worker processes while the fake
 * PSAs fail 30 % of ticket requests (500, 429, connections dropped before and after processing), and
 * one worker is killed with SIGKILL mid-run and restarted. Every ticket and every email arrives exactly
 * once — counted by reference at the fakes and by Message-ID at the SMTP server — and nothing is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { db } from "@/db";
import { env } from "@/lib/env";
import { acceptAlert } from "@/lib/delivery/intake";
import { startFakePsas, type FakePsas } from "@/lib/psa/fakes";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";
import { spawnWorker, waitForExit } from "../support/worker-process";
import { addGlobalRecipient, addPsaIntegration, makeOrganization, makePartner } from "../support/fixtures";

const ALERTS = Number(process.env.CRASH_ALERTS ?? 1000);

let fakes: FakePsas;
let smtp: SmtpSink;

beforeAll(async () => {
  fakes = await startFakePsas();
  smtp = await startSmtpSink({ parse: true });
});
afterAll(async () => {
  await fakes?.stop();
  await smtp?.close();
});

async function pending(): Promise<number> {
  const [r] = await db.execute<{ n: number }>(sql`select count(*)::int as n from deliveries where status in ('planned','sending','failed')`);
  return r.n;
}

describe("crash test", () => {
  it(
    "R-REL-5, R-REL-4, R-REL-2: SIGKILL of a worker mid-run under 30% PSA faults loses nothing and duplicates nothing",
    async () => {
      const { partnerId, viewer } = await makePartner("Crash MSP");
      const orgs: { id: string }[] = [];
      for (const name of ["Acme Corp", "Globex Corporation", "Initech", "Umbrella Corp"]) orgs.push(await makeOrganization(viewer, name));
      const cw = fakes.connectwise.credentials;
      const halo = fakes.halopsa.credentials;
      await addPsaIntegration(partnerId, {
        vendor: "connectwise",
        name: "ConnectWise",
        credentials: cw as unknown as Record<string, string>,
        fallback: { companyId: "250", companyName: "Acme Corp" },
        defaults: {},
      });
      await addPsaIntegration(partnerId, {
        vendor: "halopsa",
        name: "HaloPSA",
        credentials: halo as unknown as Record<string, string>,
        fallback: { companyId: "42", companyName: "Acme Corp" },
        defaults: { ticketType: "21" },
      });
      await addGlobalRecipient(partnerId, "soc@crash.test");
      await addGlobalRecipient(partnerId, "noc@crash.test");

      for (const f of [fakes.connectwise, fakes.halopsa]) {
        f.setFaults({ rate: 0.3, kinds: ["server_error", "rate_limit", "drop_before", "drop_after"], retryAfterSeconds: 0, paths: ["ticket"] });
      }
      const workerEnv = {
        DATABASE_URL: env.DATABASE_URL!,
        SWITCHBOARD_SECRET_KEYS: env.SWITCHBOARD_SECRET_KEYS!,
        SWITCHBOARD_HOME: env.SWITCHBOARD_HOME,
        SWITCHBOARD_ALLOW_PRIVATE_TARGETS: "127.0.0.1,localhost",
        SMTP_URL: smtp.url,
        // 30 attempts: with 30 % faults on ticket requests and a search before the create after an uncertain
        // attempt, one attempt fails about half the time; 13 attempts left ~2,000 PSA deliveries a 1-in-4 chance
        // of one dead delivery per run (a flaky test, not a lost alert). 0.51^30 × 2,000 ≈ 3e-6.
        SWITCHBOARD_RETRY_SCHEDULE: ["50ms", "100ms", "200ms", "300ms", "500ms", ...Array(25).fill("500ms")].join(","),
        SWITCHBOARD_PSA_RATE_SCALE: "1000",
        SWITCHBOARD_LEASE_MS: "10000",
        SWITCHBOARD_BREAKER_OPEN_MS: "500",
        SWITCHBOARD_WORKERS: "2",
        SWITCHBOARD_WORKER_CONCURRENCY: "24",
      };
      let w1 = spawnWorker(workerEnv);
      const w2 = spawnWorker(workerEnv);
      try {
        // Eight intake lanes, like several API clients posting at once.
        let next = 0;
        let killed = false;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            for (;;) {
              const i = next++;
              if (i >= ALERTS) return;
              await acceptAlert(
                { partnerId, label: "crash" },
                { organizationId: orgs[i % orgs.length].id, priority: "high", title: `Alert ${i}`, summary: "crash test" },
              );
              if (!killed && i >= ALERTS / 2) {
                // Kill one worker mid-run, without warning, and start a replacement.
                killed = true;
                w1.kill("SIGKILL");
                await waitForExit(w1);
                w1 = spawnWorker(workerEnv);
              }
            }
          }),
        );
        const deadline = Date.now() + 240_000;
        while ((await pending()) > 0) {
          if (Date.now() > deadline) throw new Error(`still pending: ${await pending()}`);
          if (process.env.DEBUG_WORKERS) appendFileSync(process.env.DEBUG_WORKERS, `pending ${await pending()} ${JSON.stringify([...(await db.execute(sql`select status, count(*)::int n, max(last_error) e from deliveries group by 1`))])}\n`);
          await new Promise((r) => setTimeout(r, 250));
        }
      } finally {
        for (const w of [w1, w2]) w.kill("SIGTERM");
        await Promise.all([waitForExit(w1), waitForExit(w2)]);
      }

      const deadErrors = await db.execute<{ last_error: string; n: number }>(
        sql`select last_error, count(*)::int as n from deliveries where status = 'dead' group by 1`,
      );
      expect([...deadErrors]).toEqual([]);
      const statuses = await db.execute<{ channel: string; status: string; n: number }>(
        sql`select channel::text, status::text, count(*)::int as n from deliveries group by 1, 2 order by 1, 2`,
      );
      expect([...statuses].map((r) => `${r.channel}:${r.status}:${r.n}`)).toEqual([`email:sent:${ALERTS * 2}`, `psa:sent:${ALERTS * 2}`]);

      // Tickets: exactly one per PSA delivery, found by the reference each ticket carries.
      const psaRefs = await db.execute<{ id: string; external_ref: string; target: string }>(
        sql`select id, external_ref, target from deliveries where channel = 'psa'`,
      );
      const cwRefs = fakes.connectwise.tickets.map((t) => t.externalRef);
      const haloRefs = fakes.halopsa.tickets.map((t) => /\[(sb:[0-9a-f-]+)\]/.exec(t.title)?.[1]);
      const all = [...cwRefs, ...haloRefs];
      expect(all.length).toBe(ALERTS * 2);
      expect(new Set(all).size).toBe(ALERTS * 2);
      for (const r of psaRefs) expect(all).toContain(`sb:${r.id}`);

      // Emails: every expected Message-ID arrived, each once as a distinct message.
      const emailRefs = await db.execute<{ external_ref: string }>(sql`select external_ref from deliveries where channel = 'email'`);
      const received = new Set(smtp.messages.map((m) => m.messageId));
      expect(received.size).toBe(ALERTS * 2);
      for (const r of emailRefs) expect(received.has(r.external_ref)).toBe(true);
      // Faults really happened.
      const [{ n: retried }] = await db.execute<{ n: number }>(sql`select count(distinct delivery_id)::int as n from delivery_attempts where outcome = 'failed'`);
      expect(retried).toBeGreaterThan(ALERTS * 0.3);
    },
    300_000,
  );
});
