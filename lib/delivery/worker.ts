/**
 * The delivery worker (R-REL-3, R-REL-4, R-REL-5). Any number of worker processes may run against one
 * database: each claims due deliveries with FOR UPDATE SKIP LOCKED and a lease (lease_until, renewed
 * while sending; an expired lease — a killed worker — makes the row claimable again), calls the
 * channel, records the attempt, and schedules a retry or marks the delivery dead. Every status write
 * is guarded by the lease owner, so a worker that lost its lease cannot overwrite another's result.
 * LISTEN/NOTIFY wakes idle workers as soon as intake commits; a slow poll covers due retries.
 * The per-delivery statements run as prepared statements on the shared client (one round trip each;
 * Drizzle's unnamed statements cost a describe round trip more — see bench/RESULTS.md).
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { db, getSqlClient } from "@/db";
import { env } from "@/lib/env";
import { psaIntegrations } from "@/db/schema";
import { logger } from "@/lib/logger";
import { DELIVERY_CHANNEL_NOTIFY } from "./intake";
import { DestinationGuards } from "./limits";
import { decideAfterFailure, DEFAULT_RETRY_SCHEDULE_MS, maxAttempts } from "./retry";
import type { AlertForDelivery, EmailDeliveryDetail, PsaDeliveryDetail } from "./types";

export type PsaChannelInput = {
  partnerId: string;
  deliveryId: string;
  alert: AlertForDelivery & { organizationName: string };
  planned: PsaDeliveryDetail;
  /** True on any retry: the previous attempt may have created the ticket (search before create, R-REL-2). */
  previousAttemptUncertain: boolean;
};
export type EmailChannelInput = {
  partnerId: string;
  alert: AlertForDelivery;
  organizationName: string;
  partnerName: string;
  email: EmailDeliveryDetail;
};

export type Channels = {
  psa: (input: PsaChannelInput) => Promise<{ ticketId: string; found?: boolean }>;
  email: (input: EmailChannelInput) => Promise<{ messageId: string }>;
};

type ClaimedRow = {
  id: string;
  partner_id: string;
  alert_id: string;
  channel: "psa" | "email";
  target: string;
  attempts: number;
  manual_retries: number;
  payload: { psa?: PsaDeliveryDetail; email?: EmailDeliveryDetail };
};

type AlertRow = {
  id: string;
  organization_id: string;
  priority: AlertForDelivery["priority"];
  title: string;
  summary: string;
  detected_at: Date;
  source: string | null;
  respond_events: AlertForDelivery["respondEvents"];
  ioc_matches: AlertForDelivery["iocMatches"];
  organization_name: string;
  partner_name: string;
};

export type WorkerOptions = {
  channels: Channels;
  id?: string;
  concurrency?: number;
  batchSize?: number;
  leaseMs?: number;
  pollMs?: number;
  schedule?: readonly number[];
  guards?: DestinationGuards;
};

type Failure = { message: string; retryable: boolean; retryAfterMs?: number; status?: number; kind?: string };

function describeFailure(err: unknown): Failure {
  const e = err as { message?: string; retryable?: unknown; retryAfterMs?: unknown; status?: unknown; kind?: unknown; vendorMessage?: unknown };
  const message = String(e?.vendorMessage || e?.message || err).slice(0, 1000);
  return {
    message,
    // Unknown errors (a bug, the database blinking) are treated as transient: retrying is safe
    // because every channel is effectively-once.
    retryable: typeof e?.retryable === "boolean" ? e.retryable : true,
    retryAfterMs: typeof e?.retryAfterMs === "number" ? e.retryAfterMs : undefined,
    status: typeof e?.status === "number" ? e.status : undefined,
    kind: typeof e?.kind === "string" ? e.kind : undefined,
  };
}

export class DeliveryWorker {
  readonly id: string;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly refillBatch: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly schedule: readonly number[];
  private readonly guards: DestinationGuards;
  private running = false;
  private readonly inflight = new Set<string>();
  private wake: (() => void) | null = null;
  private unlisten: (() => Promise<void>) | null = null;
  private loopDone: Promise<void> | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private pending = new Set<Promise<void>>();
  /**
   * A small connection pool of its own for LISTEN and lease renewal, so a renewal never waits behind
   * the delivery work in the main pool: a late renewal would let another worker take the lease while
   * this one is still sending (a duplicate ticket).
   */
  private control: postgres.Sql | null = null;
  /** Counters for tests, benchmarks and logs. */
  readonly stats = { sent: 0, failed: 0, dead: 0, claimed: 0 };

  constructor(private readonly opts: WorkerOptions) {
    this.id = opts.id ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.concurrency = opts.concurrency ?? 32;
    this.batchSize = opts.batchSize ?? 100;
    this.refillBatch = Math.max(1, Math.floor(this.concurrency / 4));
    this.leaseMs = opts.leaseMs ?? 60_000;
    this.pollMs = opts.pollMs ?? 1_000;
    this.schedule = opts.schedule ?? DEFAULT_RETRY_SCHEDULE_MS;
    this.guards = opts.guards ?? new DestinationGuards();
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.control = postgres(env.DATABASE_URL!, { max: 2, onnotice: () => {}, connection: { application_name: "switchboard-worker-control" } });
    const listener = await this.control.listen(DELIVERY_CHANNEL_NOTIFY, () => this.poke());
    this.unlisten = () => listener.unlisten();
    this.renewTimer = setInterval(() => void this.renewLeases(), Math.max(1000, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
    this.loopDone = this.loop();
  }

  /** Stops claiming, waits for in-flight deliveries to finish (their results are recorded). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.poke();
    await this.loopDone;
    await Promise.allSettled([...this.pending]);
    if (this.renewTimer) clearInterval(this.renewTimer);
    await this.unlisten?.().catch(() => undefined);
    await this.control?.end({ timeout: 5 }).catch(() => undefined);
    this.control = null;
  }

  private poke() {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const room = this.concurrency - this.inflight.size;
      // Refill in batches: claiming as soon as one slot frees costs a claim and an alert load per delivery at
      // steady state. While work is in flight, wait until a quarter of the slots are free (each finished
      // delivery wakes the loop); an idle worker claims whatever is due at once.
      if (room <= 0 || (this.inflight.size > 0 && room < this.refillBatch)) {
        await this.sleep(this.pollMs);
        continue;
      }
      let claimed: ClaimedRow[] = [];
      try {
        claimed = await this.claim(Math.min(room, this.batchSize));
      } catch (err) {
        logger.warn("claim failed; retrying", { worker: this.id, error: String((err as Error)?.message ?? err) });
        await this.sleep(Math.min(5_000, this.pollMs * 2));
        continue;
      }
      if (claimed.length === 0) {
        await this.sleep(this.pollMs);
        continue;
      }
      this.stats.claimed += claimed.length;
      let alertsById: Map<string, AlertRow>;
      try {
        alertsById = await this.loadAlerts([...new Set(claimed.map((c) => c.alert_id))]);
      } catch (err) {
        // Leave the leases to expire; another pass (or worker) picks the rows up again.
        logger.warn("loading alerts failed", { worker: this.id, error: String((err as Error)?.message ?? err) });
        await this.sleep(1000);
        continue;
      }
      for (const row of claimed) {
        this.inflight.add(row.id);
        const p = this.process(row, alertsById.get(row.alert_id)).finally(() => {
          this.inflight.delete(row.id);
          this.pending.delete(p);
          this.poke();
        });
        this.pending.add(p);
      }
    }
  }

  /** Claims due rows: planned/failed whose time has come, and 'sending' rows whose lease expired. */
  private async claim(limit: number): Promise<ClaimedRow[]> {
    const rows = await getSqlClient()<ClaimedRow[]>`
      with due as (
        select id from deliveries
        where status in ('planned', 'failed', 'sending')
          and next_attempt_at <= now()
          and (lease_until is null or lease_until < now())
        order by next_attempt_at
        limit ${limit}
        for update skip locked
      )
      update deliveries d
         set status = 'sending',
             attempts = d.attempts + 1,
             lease_owner = ${this.id},
             lease_until = now() + make_interval(secs => ${this.leaseMs / 1000}),
             updated_at = now()
        from due
       where d.id = due.id
      returning d.id, d.partner_id, d.alert_id, d.channel, d.target, d.attempts, d.manual_retries, d.payload
    `;
    return [...rows];
  }

  private async loadAlerts(ids: string[]): Promise<Map<string, AlertRow>> {
    if (!ids.length) return new Map();
    const rows = await getSqlClient()<AlertRow[]>`
      select id, organization_id, priority, title, summary, detected_at, source, respond_events, ioc_matches,
             snapshot #>> '{organization,name}' as organization_name,
             snapshot #>> '{partner,name}' as partner_name
        from alerts where id = any(${ids}::uuid[])
    `;
    return new Map([...rows].map((r) => [r.id, r]));
  }

  private async renewLeases(): Promise<void> {
    if (!this.inflight.size || !this.control) return;
    const ids = [...this.inflight];
    await this.control`
        update deliveries set lease_until = now() + make_interval(secs => ${this.leaseMs / 1000})
         where lease_owner = ${this.id} and status = 'sending' and id = any(${ids}::uuid[])
      `.catch((err: Error) => logger.warn("lease renewal failed", { worker: this.id, error: String(err?.message ?? err) }));
  }

  private async process(row: ClaimedRow, alertRow: AlertRow | undefined): Promise<void> {
    const started = new Date();
    const t0 = performance.now();
    if (!alertRow) {
      await this.finishFailure(row, started, 0, { message: "The alert no longer exists.", retryable: false });
      return;
    }
    const alert: AlertForDelivery = {
      id: alertRow.id,
      organizationId: alertRow.organization_id,
      priority: alertRow.priority,
      title: alertRow.title,
      summary: alertRow.summary,
      detectedAt: alertRow.detected_at,
      source: alertRow.source,
      respondEvents: alertRow.respond_events ?? [],
      iocMatches: alertRow.ioc_matches ?? [],
    };
    try {
      let externalRef: string;
      if (row.channel === "psa") {
        const planned = row.payload.psa!;
        const bucketWait = this.guards.bucket(planned.integrationId, planned.vendor).tryTake();
        if (bucketWait > 0) {
          await this.park(row, bucketWait, `Waiting for ${planned.integrationName}'s request budget.`);
          return;
        }
        const breaker = this.guards.breaker(planned.integrationId);
        const wait = breaker.admit();
        if (wait > 0) {
          await this.park(row, wait, `${planned.integrationName} is failing repeatedly; deliveries are paused until a probe succeeds (circuit open).`);
          return;
        }
        const release = await this.guards.semaphore(planned.integrationId, planned.vendor).acquire();
        try {
          const result = await this.opts.channels.psa({
            partnerId: row.partner_id,
            deliveryId: row.id,
            alert: { ...alert, organizationName: alertRow.organization_name },
            planned,
            previousAttemptUncertain: row.attempts > 1 || row.manual_retries > 0,
          });
          externalRef = result.ticketId;
          if (breaker.success()) void this.persistHealth(planned.integrationId, { state: "closed", changedAt: new Date().toISOString() });
        } catch (err) {
          const f = describeFailure(err);
          // Only transient failures count against the destination's health. A permanent answer
          // (validation, auth) means the PSA is up, so it also releases a half-open probe.
          if (!f.retryable) {
            if (breaker.success()) void this.persistHealth(planned.integrationId, { state: "closed", changedAt: new Date().toISOString() });
          } else if (breaker.failure()) {
            void this.persistHealth(planned.integrationId, {
              state: "open",
              changedAt: new Date().toISOString(),
              lastError: f.message.slice(0, 300),
            });
          }
          if (f.kind === "auth") {
            void this.persistHealth(planned.integrationId, {
              state: "auth_failed",
              changedAt: new Date().toISOString(),
              lastError: f.message.slice(0, 300),
            });
          }
          throw err;
        } finally {
          release();
        }
      } else {
        const result = await this.opts.channels.email({
          partnerId: row.partner_id,
          alert,
          organizationName: alertRow.organization_name,
          partnerName: alertRow.partner_name,
          email: row.payload.email!,
        });
        externalRef = result.messageId;
      }
      await this.finishSuccess(row, started, Math.round(performance.now() - t0), externalRef);
    } catch (err) {
      await this.finishFailure(row, started, Math.round(performance.now() - t0), describeFailure(err));
    }
  }

  private async persistHealth(integrationId: string, health: Record<string, unknown>) {
    await db
      .update(psaIntegrations)
      .set({ health })
      .where(eq(psaIntegrations.id, integrationId))
      .catch(() => undefined);
  }

  /** Puts a claimed row back without counting the attempt (rate budget or open circuit). */
  private async park(row: ClaimedRow, waitMs: number, why: string) {
    await getSqlClient()`
      update deliveries
         set status = case when attempts > 1 then 'failed'::delivery_status else 'planned'::delivery_status end,
             attempts = attempts - 1,
             next_attempt_at = now() + make_interval(secs => ${Math.max(0.05, waitMs / 1000)}),
             lease_until = null, lease_owner = null, last_error = coalesce(last_error, ${why}), updated_at = now()
       where id = ${row.id} and lease_owner = ${this.id} and status = 'sending'
    `;
  }

  private async finishSuccess(row: ClaimedRow, started: Date, durationMs: number, externalRef: string) {
    await getSqlClient()`
      with u as (
        update deliveries
           set status = 'sent', external_ref = ${externalRef}, sent_at = now(), last_error = null,
               lease_until = null, lease_owner = null, next_attempt_at = null, updated_at = now()
         where id = ${row.id} and lease_owner = ${this.id} and status = 'sending'
        returning id
      )
      insert into delivery_attempts (delivery_id, attempt, started_at, duration_ms, outcome, worker)
      select id, ${row.attempts}, ${started.toISOString()}, ${durationMs}, 'sent', ${this.id} from u
    `;
    this.stats.sent += 1;
  }

  private async finishFailure(row: ClaimedRow, started: Date, durationMs: number, f: Failure) {
    const decision = decideAfterFailure({
      attempt: row.attempts,
      retryable: f.retryable,
      retryAfterMs: f.retryAfterMs,
      schedule: this.schedule,
    });
    const status = decision.kind === "retry" ? "failed" : "dead";
    const delaySecs = decision.kind === "retry" ? decision.delayMs / 1000 : 0;
    const lastError =
      decision.kind === "dead" && decision.why === "exhausted"
        ? `${f.message} (gave up after ${maxAttempts(this.schedule)} attempts)`
        : f.message;
    await getSqlClient()`
      with u as (
        update deliveries
           set status = ${status}::delivery_status,
               last_error = ${lastError},
               next_attempt_at = case when ${status} = 'failed' then now() + make_interval(secs => ${delaySecs}) else null end,
               lease_until = null, lease_owner = null, updated_at = now()
         where id = ${row.id} and lease_owner = ${this.id} and status = 'sending'
        returning id
      )
      insert into delivery_attempts (delivery_id, attempt, started_at, duration_ms, outcome, http_status, error, worker)
      select id, ${row.attempts}, ${started.toISOString()}, ${durationMs}, ${decision.kind === "retry" ? "failed" : "dead"},
             ${f.status ?? null}, ${f.message}, ${this.id} from u
    `;
    if (status === "dead") this.stats.dead += 1;
    else this.stats.failed += 1;
  }
}
