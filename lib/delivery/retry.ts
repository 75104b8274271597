/**
 * Retry policy (R-REL-3), modelled on Svix: attempt immediately, then after 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h and 10 h; after the last attempt the delivery is dead. Delays get ±20 % jitter so a burst
 * of failures does not retry in lockstep, and a longer Retry-After from the destination wins.
 */
export const DEFAULT_RETRY_SCHEDULE_MS = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3600_000,
  5 * 3600_000,
  10 * 3600_000,
  10 * 3600_000,
] as const;

/** Total attempts = the first one plus one per scheduled delay. */
export function maxAttempts(schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE_MS): number {
  return schedule.length + 1;
}

export type FailureDecision =
  | { kind: "retry"; delayMs: number }
  | { kind: "dead"; why: "permanent" | "exhausted" };

/**
 * What to do after attempt number `attempt` (1-based) failed.
 * @param random injectable for tests (defaults to Math.random)
 */
export function decideAfterFailure(opts: {
  attempt: number;
  retryable: boolean;
  retryAfterMs?: number;
  schedule?: readonly number[];
  random?: () => number;
}): FailureDecision {
  const schedule = opts.schedule ?? DEFAULT_RETRY_SCHEDULE_MS;
  if (!opts.retryable) return { kind: "dead", why: "permanent" };
  if (opts.attempt >= maxAttempts(schedule)) return { kind: "dead", why: "exhausted" };
  const base = schedule[Math.max(0, opts.attempt - 1)];
  const jitter = 1 + ((opts.random ?? Math.random)() * 0.4 - 0.2);
  const delay = Math.round(base * jitter);
  return { kind: "retry", delayMs: Math.max(delay, opts.retryAfterMs ?? 0) };
}

/** Parses "5s,5m,30m,2h" (tests and benchmarks shorten the schedule through configuration). */
export function parseSchedule(text: string): number[] {
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3600_000 };
  return text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(part);
      if (!m) throw new Error(`Bad retry schedule entry "${part}" (use e.g. 500ms, 5s, 5m, 2h)`);
      return Math.round(Number(m[1]) * unit[m[2]]);
    });
}
