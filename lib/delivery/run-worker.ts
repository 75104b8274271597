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

export async function runWorkerProcess(): Promise<void> {
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
