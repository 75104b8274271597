/**
 * Builds a worker from the environment (used by `npm run worker`, `npm start` and the crash tests),
 * and stops it cleanly on SIGTERM/SIGINT: in-flight deliveries finish and are recorded first.
 */
import { closeDb } from "@/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { defaultChannels } from "./channels";
import { closeMailTransport } from "@/lib/mail/send";
import { DestinationGuards } from "./limits";
import { DEFAULT_RETRY_SCHEDULE_MS, parseSchedule } from "./retry";
import { DeliveryWorker } from "./worker";

export function workerFromEnv(): DeliveryWorker {
  return new DeliveryWorker({
    channels: defaultChannels,
    concurrency: env.SWITCHBOARD_WORKER_CONCURRENCY,
    leaseMs: env.SWITCHBOARD_LEASE_MS,
    schedule: env.SWITCHBOARD_RETRY_SCHEDULE ? parseSchedule(env.SWITCHBOARD_RETRY_SCHEDULE) : DEFAULT_RETRY_SCHEDULE_MS,
    guards: new DestinationGuards({
      rateScale: env.SWITCHBOARD_PSA_RATE_SCALE,
      workers: env.SWITCHBOARD_WORKERS,
      breakerOpenMs: env.SWITCHBOARD_BREAKER_OPEN_MS,
    }),
  });
}

/** A lost or refused database connection (server restarted, failed over, briefly unreachable). */
function isConnectionError(reason: unknown): boolean {
  const code = (reason as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|CONNECTION_CLOSED|CONNECTION_ENDED|CONNECT_TIMEOUT|CONNECTION_DESTROYED|57P01|57P02|57P03|08\d{3})$/.test(code);
}

export async function runWorkerProcess(): Promise<void> {
  // R-REL-5: postgres-js re-subscribes LISTEN by itself after a database restart, and a re-subscription that
  // finds the server still down ends as an unhandled rejection — which would kill the worker. A lost connection
  // is survivable (claims retry, a slow poll covers missed notifications); anything else still stops the process.
  process.on("unhandledRejection", (reason) => {
    if (isConnectionError(reason)) {
      logger.warn("database connection lost; the worker keeps retrying", { error: String((reason as Error)?.message ?? reason) });
      return;
    }
    logger.error("unhandled rejection; stopping the worker", { error: String((reason as Error)?.stack ?? reason) });
    process.exit(1);
  });
  const worker = workerFromEnv();
  await worker.start();
  logger.info("delivery worker started", { worker: worker.id });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    logger.info("delivery worker stopping", { worker: worker.id, ...worker.stats });
    await worker.stop();
    closeMailTransport();
    await closeDb();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}
