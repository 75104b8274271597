/**
 * Per-destination protection for PSA deliveries (R-REL-3, ARCHITECTURE "Per-destination limits"):
 * a token bucket (the vendor's published request budget), a concurrency cap, and a circuit breaker
 * that parks a failing destination until a probe succeeds. State is per worker process; budgets are
 * divided by the expected number of workers so the fleet stays within the vendor's limit.
 * Written here rather than taken from a library: each piece is a few lines, and the breaker must
 * report its state in our own shape for the PSA card.
 */
export type VendorBudget = { requestsPerSecond: number; burst: number; concurrency: number };

/** Vendor budgets (PSA-APIS.md): Autotask 10,000/h shared and 3 concurrent; BMS 1,500/h per endpoint; Syncro 180/min. */
export const VENDOR_BUDGETS: Record<string, VendorBudget> = {
  autotask: { requestsPerSecond: 10_000 / 3600, burst: 20, concurrency: 3 },
  kaseya_bms: { requestsPerSecond: 1_500 / 3600, burst: 10, concurrency: 3 },
  syncro: { requestsPerSecond: 180 / 60, burst: 10, concurrency: 3 },
  connectwise: { requestsPerSecond: 20, burst: 40, concurrency: 6 },
  halopsa: { requestsPerSecond: 20, burst: 40, concurrency: 6 },
};

export class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes a token now, or returns how many ms until one is available (nothing taken). */
  tryTake(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.ratePerSecond);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }
}

export type BreakerState = "closed" | "open" | "half_open";

export class CircuitBreaker {
  state: BreakerState = "closed";
  failures = 0;
  openedAt = 0;
  private probeInFlight = false;
  constructor(
    private readonly threshold = 5,
    private readonly openMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** 0 when a call may go ahead; otherwise ms until the breaker lets a probe through. */
  admit(): number {
    if (this.state === "closed") return 0;
    const wait = this.openedAt + this.openMs - this.now();
    if (this.state === "open" && wait > 0) return wait;
    if (this.probeInFlight) return Math.max(1000, Math.floor(this.openMs / 10));
    this.state = "half_open";
    this.probeInFlight = true;
    return 0;
  }

  /** Returns true when the state changed (so the caller can persist it for the PSA card). */
  success(): boolean {
    const changed = this.state !== "closed";
    this.state = "closed";
    this.failures = 0;
    this.probeInFlight = false;
    return changed;
  }

  failure(): boolean {
    this.probeInFlight = false;
    this.failures += 1;
    if (this.state === "half_open" || (this.state === "closed" && this.failures >= this.threshold)) {
      this.state = "open";
      this.openedAt = this.now();
      return true;
    }
    return false;
  }
}

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async acquire(): Promise<() => void> {
    if (this.active >= this.max) await new Promise<void>((r) => this.waiting.push(r));
    this.active += 1;
    return () => {
      this.active -= 1;
      this.waiting.shift()?.();
    };
  }
}

/** All the per-destination state of one worker process. */
export class DestinationGuards {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly semaphores = new Map<string, Semaphore>();
  constructor(
    private readonly opts: { rateScale?: number; workers?: number; breakerThreshold?: number; breakerOpenMs?: number } = {},
  ) {}

  private budget(vendor: string): VendorBudget {
    return VENDOR_BUDGETS[vendor] ?? { requestsPerSecond: 10, burst: 20, concurrency: 4 };
  }

  bucket(id: string, vendor: string): TokenBucket {
    let b = this.buckets.get(id);
    if (!b) {
      const budget = this.budget(vendor);
      const share = (this.opts.rateScale ?? 1) / Math.max(1, this.opts.workers ?? 1);
      b = new TokenBucket(budget.requestsPerSecond * share, Math.max(1, Math.round(budget.burst * Math.min(share * 10, 1) + 1)));
      this.buckets.set(id, b);
    }
    return b;
  }

  breaker(id: string): CircuitBreaker {
    let b = this.breakers.get(id);
    if (!b) {
      b = new CircuitBreaker(this.opts.breakerThreshold ?? 5, this.opts.breakerOpenMs ?? 30_000);
      this.breakers.set(id, b);
    }
    return b;
  }

  semaphore(id: string, vendor: string): Semaphore {
    let s = this.semaphores.get(id);
    if (!s) {
      const c = this.budget(vendor).concurrency;
      s = new Semaphore((this.opts.rateScale ?? 1) > 1 ? c * 8 : c);
      this.semaphores.set(id, s);
    }
    return s;
  }
}
