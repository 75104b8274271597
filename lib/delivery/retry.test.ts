import { describe, expect, it } from "vitest";
import { decideAfterFailure, DEFAULT_RETRY_SCHEDULE_MS, maxAttempts, parseSchedule } from "./retry";

describe("retry policy", () => {
  it("R-REL-3: transient failures follow the schedule with jitter, then the delivery is dead", () => {
    const mid = () => 0.5; // no jitter
    expect(maxAttempts()).toBe(8);
    expect(decideAfterFailure({ attempt: 1, retryable: true, random: mid })).toEqual({ kind: "retry", delayMs: 5_000 });
    expect(decideAfterFailure({ attempt: 2, retryable: true, random: mid })).toEqual({ kind: "retry", delayMs: 300_000 });
    expect(decideAfterFailure({ attempt: 7, retryable: true, random: mid })).toEqual({ kind: "retry", delayMs: DEFAULT_RETRY_SCHEDULE_MS[6] });
    expect(decideAfterFailure({ attempt: 8, retryable: true, random: mid })).toEqual({ kind: "dead", why: "exhausted" });
    const low = decideAfterFailure({ attempt: 1, retryable: true, random: () => 0 });
    const high = decideAfterFailure({ attempt: 1, retryable: true, random: () => 0.999 });
    expect(low.kind === "retry" && low.delayMs).toBe(4_000);
    expect(high.kind === "retry" && high.delayMs).toBeGreaterThan(5_990);
  });

  it("R-REL-3: a longer Retry-After wins; a shorter one does not shorten the backoff", () => {
    expect(decideAfterFailure({ attempt: 1, retryable: true, retryAfterMs: 60_000, random: () => 0.5 })).toEqual({ kind: "retry", delayMs: 60_000 });
    expect(decideAfterFailure({ attempt: 2, retryable: true, retryAfterMs: 1_000, random: () => 0.5 })).toEqual({ kind: "retry", delayMs: 300_000 });
  });

  it("R-REL-3: permanent failures stop at once", () => {
    expect(decideAfterFailure({ attempt: 1, retryable: false })).toEqual({ kind: "dead", why: "permanent" });
  });

  it("parses shortened schedules for tests and benchmarks", () => {
    expect(parseSchedule("100ms, 1s,2m,1h")).toEqual([100, 1000, 120_000, 3_600_000]);
    expect(() => parseSchedule("5 minutes")).toThrow(/Bad retry schedule/);
  });
});
