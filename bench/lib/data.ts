/**
 * Deterministic data for the benchmarks: a small seeded PRNG (sfc32), UUIDs drawn from it, and alert content
 * that looks like what an MDR detection pipeline sends (titles, summaries, Respond events, IOC matches).
 * The seed and the load generators share it, so posted alerts look like the stored ones.
 */
import type { IocMatch, Priority, RespondEvent } from "@/lib/delivery/types";

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: string) {
    // xmur3 string hash → four 32-bit words.
    let h = 1779033703 ^ seed.length;
    for (let i = 0; i < seed.length; i++) {
      h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
      h = (h << 13) | (h >>> 19);
    }
    const next = () => {
      h = Math.imul(h ^ (h >>> 16), 2246822507);
      h = Math.imul(h ^ (h >>> 13), 3266489909);
      return (h ^= h >>> 16) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  u32(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** [0, 1) */
  next(): number {
    return this.u32() / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(arr: readonly T[]): T {
    return arr[this.int(arr.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A version-4 UUID from the generator's bits. */
  uuid(): string {
    const h = (n: number) => n.toString(16).padStart(8, "0");
    const a = h(this.u32());
    const b = h(this.u32());
    const c = h(this.u32());
    const d = h(this.u32());
    const variant = ((parseInt(c[0], 16) & 0x3) | 0x8).toString(16);
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }
}

/** Index drawn from a Zipf-like distribution over n items (item 0 most likely). */
export function zipfWeights(n: number, s = 1): number[] {
  const w = Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

/** Splits `total` into integer parts proportional to weights (largest remainder), each at least `min`. */
export function apportion(total: number, weights: number[], min = 1): number[] {
  const base = weights.map(() => min);
  let left = total - min * weights.length;
  const raw = weights.map((w) => w * left);
  const parts = raw.map(Math.floor);
  left -= parts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((x, y) => y[0] - x[0]);
  for (let k = 0; k < left; k++) parts[order[k % order.length][1]] += 1;
  return parts.map((p, i) => p + base[i]);
}

/** Cumulative table for fast weighted picks. */
export class WeightedPicker<T> {
  private readonly cum: number[] = [];
  constructor(
    private readonly items: readonly T[],
    weights: readonly number[],
  ) {
    let c = 0;
    for (const w of weights) this.cum.push((c += w));
    const total = c;
    for (let i = 0; i < this.cum.length; i++) this.cum[i] /= total;
  }
  pick(rng: Rng): T {
    const x = rng.next();
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return this.items[lo];
  }
}

export const PRIORITY_PICKER = new WeightedPicker<Priority>(["low", "medium", "high", "critical"], [35, 35, 20, 10]);

const HOST_PREFIX = ["FIN-WS", "HR-LT", "DC", "SQL", "FS", "EXCH", "RDS", "DEV-WS", "OPS-LT", "POS"];
const USERS = ["j.smith", "a.khan", "m.garcia", "l.chen", "r.evans", "s.novak", "t.ito", "k.jensen", "d.lopez", "p.murphy"];
const TITLES: ((host: string, user: string) => string)[] = [
  (h) => `Suspicious PowerShell download cradle on ${h}`,
  (h) => `Ransomware behaviour (mass file encryption) on ${h}`,
  (_h, u) => `Impossible travel sign-in for ${u}`,
  (h) => `Credential dumping attempt (LSASS access) on ${h}`,
  (_h, u) => `New inbox forwarding rule to external address by ${u}`,
  (h) => `Unsigned binary persisted as a service on ${h}`,
  (h) => `Outbound connection to known C2 from ${h}`,
  (_h, u) => `MFA fatigue: 14 push denials for ${u}`,
  (h) => `Defender tamper protection disabled on ${h}`,
  (h) => `RDP brute force against ${h}`,
  (_h, u) => `OAuth consent to risky application by ${u}`,
  (h) => `Cobalt Strike beacon pattern on ${h}`,
];
const SOURCES = ["Datto EDR", "Microsoft Defender for Endpoint", "SentinelOne", "Microsoft 365", "Google Workspace", "Okta", "Duo"];
const ACTIONS = ["Host isolated", "Process terminated", "File quarantined", "User sessions revoked", "Account disabled", "Inbox rule removed"];
const IOC_TYPES = ["sha256", "domain", "ip", "url"] as const;

export type GeneratedAlert = {
  priority: Priority;
  title: string;
  summary: string;
  source: string;
  respondEvents: RespondEvent[];
  iocMatches: IocMatch[];
};

function hex(rng: Rng, n: number): string {
  let s = "";
  while (s.length < n) s += rng.u32().toString(16).padStart(8, "0");
  return s.slice(0, n);
}

/** One alert's content; `at` is the detection time (events follow it by seconds). */
export function generateAlert(rng: Rng, at: Date, priority: Priority = PRIORITY_PICKER.pick(rng)): GeneratedAlert {
  const host = `${rng.pick(HOST_PREFIX)}-${String(rng.int(300)).padStart(3, "0")}`;
  const user = rng.pick(USERS);
  const title = rng.pick(TITLES)(host, user);
  const summary =
    `${title}. Detected by the SOC's correlation rules at ${at.toISOString().slice(0, 16).replace("T", " ")} UTC; ` +
    `the activity matched ${1 + rng.int(4)} detection rules and ${rng.int(3)} threat-intelligence indicators. ` +
    `Review the host's recent logons and the listed indicators before closing.`;
  const respondEvents: RespondEvent[] = [];
  if (rng.chance(0.35)) {
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++) {
      respondEvents.push({
        time: new Date(at.getTime() + (i + 1) * 41_000).toISOString(),
        action: rng.pick(ACTIONS),
        target: host,
        result: rng.chance(0.95) ? "Succeeded" : "Failed: access denied",
      });
    }
  }
  const iocMatches: IocMatch[] = [];
  if (rng.chance(0.3)) {
    const n = 1 + rng.int(3);
    for (let i = 0; i < n; i++) {
      const type = rng.pick(IOC_TYPES);
      const value =
        type === "sha256"
          ? hex(rng, 64)
          : type === "ip"
            ? `203.0.113.${rng.int(254) + 1}`
            : type === "domain"
              ? `cdn-${hex(rng, 6)}.example`
              : `https://files-${hex(rng, 5)}.example/payload.ps1`;
      iocMatches.push({ type, value, source: "Threat feed" });
    }
  }
  return { priority, title, summary, source: rng.pick(SOURCES), respondEvents, iocMatches };
}

const PLACES = ["Blue Ridge", "Cedar Valley", "Harbor Point", "Maple Grove", "Pine Hill", "River Bend", "Silver Lake", "Stone Creek", "Summit", "Westfield", "Oak Park", "Lakeside", "Granite", "Fox Run", "Elm Street", "Brookside", "Northgate", "Riverside", "Hillcrest", "Bayview"];
const TRADES = ["Dental", "Law Group", "Accounting", "Logistics", "Medical Clinic", "Realty", "Engineering", "Veterinary", "Construction", "Insurance", "Pharmacy", "Credit Union", "School District", "Manufacturing", "Hotel", "Architects"];

/** A realistic customer name, unique thanks to the running number. */
export function organizationName(rng: Rng, n: number): string {
  return `${rng.pick(PLACES)} ${rng.pick(TRADES)} ${String(n).padStart(5, "0")}`;
}
