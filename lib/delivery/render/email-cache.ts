/**
 * Renders each alert email once and reuses it for every recipient who gets the same message.
 *
 * An alert fans out to ~15 email recipients, and the body (React Email render + html-to-text, the worker's
 * largest CPU cost in the delivery benchmark's profile) does not depend on the recipient: only on the alert,
 * the organization and partner names, the subject (global or organization format), the two detail toggles
 * and the console link — all from the alert's configuration snapshot. So the cache key is exactly those
 * inputs (the alert's content included, not just its id), and a cached message is by construction the one
 * per-recipient rendering would give; only the To address and the Message-ID (derived from it) differ.
 *
 * Bounded LRU of promises: concurrent deliveries of one alert share one render in flight; a failed render
 * is not kept. 128 entries cover the worker's in-flight alerts (32 deliveries at once, ≤ 2 subjects per
 * alert) with room for retries, at ~60 KiB per entry.
 */
import { createHash } from "node:crypto";
import { renderAlertEmail, type AlertEmailInput, type RenderedEmail } from "./email";

export const EMAIL_RENDER_CACHE_SIZE = 128;

/** A least-recently-used map of promises with a fixed capacity. */
export class LruPromiseCache<V> {
  private readonly entries = new Map<string, Promise<V>>();
  hits = 0;
  misses = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error("capacity must be at least 1");
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string, make: () => Promise<V>): Promise<V> {
    const found = this.entries.get(key);
    if (found) {
      this.hits++;
      // Re-insert: a Map iterates in insertion order, so the first key is always the least recently used.
      this.entries.delete(key);
      this.entries.set(key, found);
      return found;
    }
    this.misses++;
    const made = make();
    this.entries.set(key, made);
    made.catch(() => {
      if (this.entries.get(key) === made) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return made;
  }

  clear(): void {
    this.entries.clear();
    this.hits = 0;
    this.misses = 0;
  }
}

/** Every input of renderAlertEmail, hashed: two inputs with the same key render the same message. */
export function emailRenderKey(input: AlertEmailInput): string {
  const content = JSON.stringify([
    input.alert,
    input.organizationName,
    input.partnerName,
    input.subject,
    input.includeRespondEvents,
    input.includeIocMatches,
    input.alertUrl ?? null,
  ]);
  return `${input.alert.id}:${createHash("sha256").update(content).digest("base64url")}`;
}

export const emailRenderCache = new LruPromiseCache<RenderedEmail>(EMAIL_RENDER_CACHE_SIZE);

/** renderAlertEmail, once per distinct input among the recently rendered. */
export function renderAlertEmailCached(input: AlertEmailInput, cache: LruPromiseCache<RenderedEmail> = emailRenderCache): Promise<RenderedEmail> {
  return cache.get(emailRenderKey(input), () => renderAlertEmail(input));
}
