import { describe, expect, it } from "vitest";
import { CircuitBreaker, TokenBucket } from "./limits";

describe("per-destination limits", () => {
  it("R-REL-3: the token bucket allows a burst, then paces to the vendor's rate", () => {
    let t = 0;
    const b = new TokenBucket(2, 3, () => t);
    expect([b.tryTake(), b.tryTake(), b.tryTake()]).toEqual([0, 0, 0]);
    const wait = b.tryTake();
    expect(wait).toBe(500);
    t += 500;
    expect(b.tryTake()).toBe(0);
  });

  it("R-REL-3: the circuit breaker opens after repeated failures and lets one probe through after the pause", () => {
    let t = 0;
    const br = new CircuitBreaker(3, 10_000, () => t);
    br.failure();
    br.failure();
    expect(br.admit()).toBe(0);
    expect(br.failure()).toBe(true);
    expect(br.state).toBe("open");
    expect(br.admit()).toBe(10_000);
    t = 10_000;
    expect(br.admit()).toBe(0); // the probe
    expect(br.state).toBe("half_open");
    expect(br.admit()).toBeGreaterThan(0); // only one probe at a time
    expect(br.success()).toBe(true);
    expect(br.state).toBe("closed");
    expect(br.admit()).toBe(0);
  });

  it("R-REL-3: a failed probe re-opens the breaker", () => {
    let t = 0;
    const br = new CircuitBreaker(1, 1000, () => t);
    br.failure();
    t = 1000;
    expect(br.admit()).toBe(0);
    expect(br.failure()).toBe(true);
    expect(br.state).toBe("open");
  });
});
