/**
 * The machinery every fake PSA shares: a node:http server on loopback, request counting and a short request
 * log (tests assert auth headers and bodies), in-memory tickets with a reference index, and switchable faults
 * — 429 with Retry-After, 500, slow answers, a connection dropped before processing, and one dropped AFTER
 * processing (the ticket exists but the caller never hears so; this is what makes search-before-retry
 * necessary, R-REL-2). Faults can be set in-process or over HTTP (/__fake/*) for workers in other processes.
 *
 * Fast on purpose: a benchmark pushes thousands of tickets a second through these, so request handling does
 * no schema validation and no scans where an index will do.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PsaVendor } from "../types";

export type FaultKind = "rate_limit" | "server_error" | "slow" | "drop_before" | "drop_after";
export const FAULT_KINDS: readonly FaultKind[] = ["rate_limit", "server_error", "slow", "drop_before", "drop_after"];

export interface FaultConfig {
  /** Probability (0..1) that a matching request gets one of `kinds`. */
  rate: number;
  kinds: FaultKind[];
  /** Retry-After sent with rate_limit faults. */
  retryAfterSeconds: number;
  /** Delay of `slow` faults. */
  delayMs: number;
  /** Only requests whose path contains one of these (case-insensitive); empty = every API request. */
  paths: string[];
  /** Only these methods; empty = all. */
  methods: string[];
}

export interface FailNextOptions {
  path?: string;
  method?: string;
}

export interface FakeRequest {
  method: string;
  /** Path without the query string, as sent. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeReply {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are (content-type from headers, default text/plain). */
  body?: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the fake answered (absent when the connection was dropped). */
  response?: { status: number; body: string };
}

/** A ticket as the fake stored it: the same shape for every vendor, for assertions. */
export interface FakeTicket {
  id: number;
  number?: string;
  companyId: number;
  title: string;
  /** The vendor reference field's value (externalXRef / externalID), when the vendor has one. */
  externalRef?: string;
  /** The body exactly as the client sent it (for Halo, the array element). */
  request: Record<string, unknown>;
  /** The ticket as the vendor stores and returns it (what GET and searches answer). */
  record: Record<string, unknown>;
  notes: string[];
  createdAt: string;
}

interface PendingFault {
  kind: FaultKind;
  path?: string;
  method?: string;
}

const DEFAULT_FAULTS: FaultConfig = { rate: 0, kinds: [], retryAfterSeconds: 1, delayMs: 2000, paths: [], methods: [] };
const LOG_LIMIT = 500;
/** Every "[token]" in a title: the index behind contains-token searches. */
const TOKEN = /\[([^[\]\s]+)\]/g;

export interface StartOptions {
  port?: number;
  host?: string;
}

export abstract class FakePsaServer {
  abstract readonly vendor: PsaVendor;
  readonly tickets: FakeTicket[] = [];
  /** "METHOD /path" → count (control endpoints excluded). */
  readonly requestCounts = new Map<string, number>();
  /** The most recent requests (at least the last 500), oldest first. */
  readonly requestLog: RecordedRequest[] = [];

  private server?: Server;
  private faults: FaultConfig = { ...DEFAULT_FAULTS };
  private pending: PendingFault[] = [];
  private readonly byToken = new Map<string, FakeTicket[]>();
  private readonly byId = new Map<number, FakeTicket>();
  private origin = "";

  /** Credentials that work against this fake, URL included (the shape createPsaClient takes). */
  abstract get credentials(): Record<string, string | undefined>;
  /** Vendor routing. Throwing is a bug in the fake; it answers 500. */
  protected abstract handle(req: FakeRequest): FakeReply | Promise<FakeReply>;
  /** The vendor's error body for injected 429/500 faults. */
  protected abstract faultBody(status: number, message: string): unknown;
  /** Vendor state to clear on reset (tokens, counters); tickets are cleared here. */
  protected resetVendorState(): void {}

  get url(): string {
    if (!this.origin) throw new Error(`fake ${this.vendor} is not started`);
    return this.origin;
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  async start(options: StartOptions = {}): Promise<this> {
    if (this.server) return this;
    const host = options.host ?? "127.0.0.1";
    const server = createServer((req, res) => {
      this.onRequest(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(`fake ${this.vendor} failed: ${err instanceof Error ? err.message : String(err)}`);
        } else res.destroy();
      });
    });
    // Longer than the outbound agent's keep-alive so the client, not the server, retires idle sockets
    // (a server closing a socket the client is about to reuse shows up as a spurious network error).
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    const hostPart = address.family === "IPv6" ? `[${address.address}]` : address.address;
    this.origin = `http://${hostPart}:${address.port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---------------------------------------------------------------------------------------------- faults

  setFaults(config: Partial<FaultConfig> | null): FaultConfig {
    this.faults = config ? { ...DEFAULT_FAULTS, ...this.faults, ...config } : { ...DEFAULT_FAULTS };
    return this.faultConfig;
  }

  get faultConfig(): FaultConfig {
    return { ...this.faults, kinds: [...this.faults.kinds], paths: [...this.faults.paths], methods: [...this.faults.methods] };
  }

  /** The next `count` matching requests get `kind`, before any random faults. */
  failNext(count: number, kind: FaultKind, options: FailNextOptions = {}): void {
    for (let i = 0; i < count; i++) this.pending.push({ kind, path: options.path, method: options.method });
  }

  clearFaults(): void {
    this.faults = { ...DEFAULT_FAULTS };
    this.pending = [];
  }

  /** Clears tickets, counters, the log and faults; seeded data stays. */
  reset(): void {
    this.tickets.length = 0;
    this.byToken.clear();
    this.byId.clear();
    this.requestCounts.clear();
    this.requestLog.length = 0;
    this.clearFaults();
    this.resetVendorState();
  }

  // -------------------------------------------------------------------------------------- observations

  /** Requests seen for a method and path (exact path, as sent). */
  count(method: string, path: string): number {
    return this.requestCounts.get(`${method.toUpperCase()} ${path}`) ?? 0;
  }

  /** Requests whose path contains `fragment` (case-insensitive), any method unless given. */
  countMatching(fragment: string, method?: string): number {
    const needle = fragment.toLowerCase();
    let total = 0;
    for (const [key, n] of this.requestCounts) {
      const [m, p] = [key.slice(0, key.indexOf(" ")), key.slice(key.indexOf(" ") + 1)];
      if ((!method || m === method.toUpperCase()) && p.toLowerCase().includes(needle)) total += n;
    }
    return total;
  }

  /** The last logged request matching, newest first. */
  lastRequest(predicate: (r: RecordedRequest) => boolean = () => true): RecordedRequest | undefined {
    for (let i = this.requestLog.length - 1; i >= 0; i--) if (predicate(this.requestLog[i])) return this.requestLog[i];
    return undefined;
  }

  // -------------------------------------------------------------------------------------------- tickets

  protected addTicket(ticket: FakeTicket): FakeTicket {
    this.tickets.push(ticket);
    this.byId.set(ticket.id, ticket);
    if (ticket.externalRef) this.index(ticket.externalRef, ticket);
    for (const m of ticket.title.matchAll(TOKEN)) this.index(m[1], ticket);
    return ticket;
  }

  protected ticketById(id: number): FakeTicket | undefined {
    return this.byId.get(id);
  }

  /** Tickets whose reference field equals `value` (ConnectWise externalXRef, Autotask externalID). */
  protected ticketsByExternalRef(value: string): FakeTicket[] {
    return (this.byToken.get(value) ?? []).filter((t) => t.externalRef === value);
  }

  /**
   * Tickets whose title contains `text` (case-insensitive). A bracketed "[token]" or a bare token-like
   * word is answered from the index (every bracketed token of every title is indexed, so this is exact);
   * anything else scans.
   */
  protected ticketsWithTitleContaining(text: string): FakeTicket[] {
    const q = text.trim();
    if (!q) return [...this.tickets];
    const bracketed = /^\[([^[\]\s]+)\]$/.exec(q);
    if (bracketed) return (this.byToken.get(bracketed[1]) ?? []).filter((t) => t.title.includes(q));
    if (/^[A-Za-z0-9][A-Za-z0-9:_.-]*:[A-Za-z0-9:_.-]+$/.test(q)) {
      // Full-text style: a reference-like word matches the token that is exactly that word.
      return (this.byToken.get(q) ?? []).filter((t) => t.title.includes(`[${q}]`));
    }
    const lower = q.toLowerCase();
    return this.tickets.filter((t) => t.title.toLowerCase().includes(lower));
  }

  private index(token: string, ticket: FakeTicket): void {
    const list = this.byToken.get(token);
    if (list) list.push(ticket);
    else this.byToken.set(token, [ticket]);
  }

  // -------------------------------------------------------------------------------------------- serving

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = req.url ?? "/";
    const q = raw.indexOf("?");
    const path = q === -1 ? raw : raw.slice(0, q);
    const request: FakeRequest = {
      method: (req.method ?? "GET").toUpperCase(),
      path,
      query: new URLSearchParams(q === -1 ? "" : raw.slice(q + 1)),
      headers: req.headers,
      body: chunks.length ? Buffer.concat(chunks).toString("utf8") : "",
    };

    if (path.startsWith("/__fake/")) {
      this.write(res, this.control(request));
      return;
    }

    const key = `${request.method} ${path}`;
    this.requestCounts.set(key, (this.requestCounts.get(key) ?? 0) + 1);
    const record: RecordedRequest = { method: request.method, path, query: request.query.toString(), headers: req.headers, body: request.body };
    this.requestLog.push(record);
    // Trimmed in batches: a splice per request would shift the whole log on every call.
    if (this.requestLog.length > LOG_LIMIT * 2) this.requestLog.splice(0, this.requestLog.length - LOG_LIMIT);

    const fault = this.pickFault(request);
    if (fault === "drop_before") {
      res.socket?.destroy();
      return;
    }
    if (fault === "rate_limit") {
      record.response = this.write(res, {
        status: 429,
        headers: { "Retry-After": String(this.faults.retryAfterSeconds) },
        body: this.faultBody(429, "Rate limit exceeded. Retry later."),
      });
      return;
    }
    if (fault === "server_error") {
      record.response = this.write(res, { status: 500, body: this.faultBody(500, "An unexpected error occurred (injected fault).") });
      return;
    }
    if (fault === "slow") await new Promise((r) => setTimeout(r, this.faults.delayMs));

    const reply = await this.handle(request);
    if (fault === "drop_after") {
      // Processed (a ticket may now exist) but the caller never gets the answer.
      res.socket?.destroy();
      return;
    }
    record.response = this.write(res, reply);
  }

  private pickFault(req: FakeRequest): FaultKind | undefined {
    if (this.pending.length) {
      const i = this.pending.findIndex(
        (p) => (!p.method || p.method.toUpperCase() === req.method) && (!p.path || req.path.toLowerCase().includes(p.path.toLowerCase())),
      );
      if (i !== -1) return this.pending.splice(i, 1)[0].kind;
    }
    const f = this.faults;
    if (f.rate <= 0 || f.kinds.length === 0) return undefined;
    if (f.methods.length && !f.methods.some((m) => m.toUpperCase() === req.method)) return undefined;
    if (f.paths.length && !f.paths.some((p) => req.path.toLowerCase().includes(p.toLowerCase()))) return undefined;
    if (Math.random() >= f.rate) return undefined;
    return f.kinds[Math.floor(Math.random() * f.kinds.length)];
  }

  private control(req: FakeRequest): FakeReply {
    const route = `${req.method} ${req.path}`;
    let body: Record<string, unknown> = {};
    if (req.body) {
      try {
        body = JSON.parse(req.body) as Record<string, unknown>;
      } catch {
        return { status: 400, body: { error: "control body must be JSON" } };
      }
    }
    switch (route) {
      case "GET /__fake/faults":
        return { status: 200, body: { ...this.faultConfig, pending: this.pending.length } };
      case "POST /__fake/faults": {
        if (body.clear === true) this.clearFaults();
        const kinds = Array.isArray(body.kinds) ? (body.kinds as unknown[]) : undefined;
        if (kinds && !kinds.every((k) => FAULT_KINDS.includes(k as FaultKind))) {
          return { status: 400, body: { error: `kinds must be among ${FAULT_KINDS.join(", ")}` } };
        }
        const patch: Partial<FaultConfig> = {};
        if (typeof body.rate === "number") patch.rate = Math.max(0, Math.min(1, body.rate));
        if (kinds) patch.kinds = kinds as FaultKind[];
        if (typeof body.retryAfterSeconds === "number") patch.retryAfterSeconds = body.retryAfterSeconds;
        if (typeof body.delayMs === "number") patch.delayMs = body.delayMs;
        if (Array.isArray(body.paths)) patch.paths = body.paths.map(String);
        if (Array.isArray(body.methods)) patch.methods = body.methods.map(String);
        if (Object.keys(patch).length) this.setFaults(patch);
        const next = body.failNext as { count?: number; kind?: string; path?: string; method?: string } | undefined;
        if (next) {
          if (!FAULT_KINDS.includes(next.kind as FaultKind)) return { status: 400, body: { error: "failNext.kind is not a fault kind" } };
          this.failNext(Math.max(1, Number(next.count ?? 1)), next.kind as FaultKind, { path: next.path, method: next.method });
        }
        return { status: 200, body: { ...this.faultConfig, pending: this.pending.length } };
      }
      case "GET /__fake/tickets": {
        // ?reference=sb:… finds by reference (field or title token); ?limit=N returns the newest N.
        const reference = req.query.get("reference");
        let list = reference ? (this.byToken.get(reference) ?? []) : this.tickets;
        const limit = Number(req.query.get("limit") ?? "NaN");
        if (Number.isInteger(limit) && limit >= 0) list = list.slice(Math.max(0, list.length - limit));
        return { status: 200, body: { count: this.tickets.length, tickets: list } };
      }
      case "GET /__fake/requests":
        return { status: 200, body: { counts: Object.fromEntries(this.requestCounts) } };
      case "POST /__fake/reset":
        this.reset();
        return { status: 200, body: { ok: true } };
      default:
        return { status: 404, body: { error: `no control endpoint ${route}` } };
    }
  }

  private write(res: ServerResponse, reply: FakeReply): { status: number; body: string } {
    const headers: Record<string, string> = { ...reply.headers };
    let payload: string | undefined;
    if (reply.body === undefined || reply.body === null) {
      payload = undefined;
    } else if (typeof reply.body === "string") {
      payload = reply.body;
      headers["Content-Type"] ??= "text/plain; charset=utf-8";
    } else {
      payload = JSON.stringify(reply.body);
      headers["Content-Type"] ??= "application/json; charset=utf-8";
    }
    if (payload !== undefined) headers["Content-Length"] = String(Buffer.byteLength(payload));
    else headers["Content-Length"] = "0";
    res.writeHead(reply.status, headers);
    res.end(payload);
    return { status: reply.status, body: payload ?? "" };
  }
}

// ------------------------------------------------------------------------------------------------ helpers

/** Parses a JSON body; undefined when it is not JSON. */
export function parseJson(body: string): unknown {
  if (!body) return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Case-insensitive property read (ASP.NET binders ignore case; so do the fakes of ASP.NET vendors). */
export function prop(obj: unknown, key: string): unknown {
  if (!obj || typeof obj !== "object") return undefined;
  const record = obj as Record<string, unknown>;
  if (key in record) return record[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(record)) if (k.toLowerCase() === lower) return record[k];
  return undefined;
}

/** A positive integer, or undefined. */
export function intOf(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) ? n : undefined;
}

/** Parses "Basic base64" / "Bearer x" authorization headers. */
export function authorization(headers: IncomingHttpHeaders): { scheme: string; value: string } | undefined {
  const raw = headers.authorization;
  if (!raw) return undefined;
  const space = raw.indexOf(" ");
  if (space === -1) return { scheme: "", value: raw };
  return { scheme: raw.slice(0, space).toLowerCase(), value: raw.slice(space + 1).trim() };
}

export function isoNow(): string {
  return new Date().toISOString();
}
