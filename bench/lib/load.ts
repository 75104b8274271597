/**
 * Load generation: closed loop (N clients, each sends its next request when the previous answered) for
 * sustained throughput, and open loop (requests scheduled at a fixed rate, latency measured from the
 * scheduled time so a stall is not hidden — no coordinated omission) for latency at an offered rate.
 */
import { Agent, request } from "undici";
import { summarize } from "./common";

export type LoadResult = {
  ok: number;
  errors: number;
  seconds: number;
  perSecond: number;
  latencyMs: ReturnType<typeof summarize>;
  firstError?: string;
};

/** `fn(i)` performs request i and throws on failure. */
export async function closedLoop(concurrency: number, durationMs: number, fn: (i: number) => Promise<void>, warmupMs = 2000): Promise<LoadResult> {
  let i = 0;
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const lat: number[] = [];
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await fn(i++);
          if (t >= measureFrom) {
            ok += 1;
            lat.push(performance.now() - t);
          }
        } catch (err) {
          if (t >= measureFrom) errors += 1;
          firstError ??= String((err as Error)?.message ?? err).slice(0, 300);
        }
      }
    }),
  );
  const seconds = (performance.now() - measureFrom) / 1000;
  return { ok, errors, seconds, perSecond: ok / seconds, latencyMs: summarize(lat), firstError };
}

/** Offers `rate` requests per second for `durationMs`; latency counts from each request's scheduled time. */
export async function openLoop(rate: number, durationMs: number, fn: (i: number) => Promise<void>): Promise<LoadResult> {
  const total = Math.round((rate * durationMs) / 1000);
  const interval = 1000 / rate;
  const start = performance.now() + 50;
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const lat: number[] = [];
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      fn(i).then(
        () => {
          ok += 1;
          lat.push(performance.now() - due);
        },
        (err) => {
          errors += 1;
          firstError ??= String((err as Error)?.message ?? err).slice(0, 300);
        },
      ),
    );
  }
  await Promise.all(inflight);
  const seconds = (performance.now() - start) / 1000;
  return { ok, errors, seconds, perSecond: ok / seconds, latencyMs: summarize(lat), firstError };
}

/** A keep-alive HTTP client for one origin. */
export function httpClient(connections = 128) {
  const agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 30_000 });
  return {
    async post(url: string, body: string, headers: Record<string, string>, expect: (status: number) => boolean = (s) => s < 300): Promise<string> {
      const res = await request(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers }, dispatcher: agent });
      const text = await res.body.text();
      if (!expect(res.statusCode)) throw new Error(`${res.statusCode}: ${text.slice(0, 200)}`);
      return text;
    },
    async get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: number }> {
      const res = await request(url, { method: "GET", headers, dispatcher: agent });
      const buf = await res.body.arrayBuffer();
      return { status: res.statusCode, bytes: buf.byteLength };
    },
    close: () => agent.close(),
  };
}
