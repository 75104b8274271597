/**
 * The one door for outbound HTTP (ARCHITECTURE: lib/http/outbound.ts). Every call the product makes to an
 * admin-typed URL (PSA APIs, token endpoints, ...) goes through `outboundFetch`, which gives it:
 *  - the SSRF guard of R-SEC-3, enforced where it cannot be bypassed: in the undici `connect` hook. The hook
 *    resolves the host itself, refuses loopback/private/link-local/CGNAT/unique-local/multicast/reserved
 *    addresses (literal IPs included — a check that only wraps `dns.lookup` is skipped by them) and then
 *    connects to the address it checked, so a DNS answer that changes between check and use cannot win;
 *  - no redirects, ever (a 3xx is an error), so an allowed server cannot bounce us to a private address;
 *  - a per-call timeout, a response size cap and typed errors the callers can map (`OutboundError`).
 *
 * Connections are pooled in long-lived undici Agents (keep-alive): the delivery worker calls this at a high
 * rate and a fresh TCP/TLS handshake per call would dominate the cost.
 */
import { promises as dnsPromises } from "node:dns";
import net from "node:net";
import ipaddr from "ipaddr.js";
import { Agent, buildConnector, request } from "undici";
import { env } from "@/lib/env";

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
/** Connect phase only; the overall per-call timeout still applies on top. */
const CONNECT_TIMEOUT_MS = 10_000;

export type OutboundErrorKind = "ssrf_refused" | "timeout" | "network" | "too_large" | "redirect_refused";

export class OutboundError extends Error {
  override readonly name = "OutboundError";
  readonly kind: OutboundErrorKind;
  /** Origin + path of the request. Never the query string: it may carry tokens on some APIs. */
  readonly target: string;
  /** HTTP status, for `redirect_refused`. */
  readonly status?: number;
  /** Location header of a refused redirect (origin + path only). */
  readonly location?: string;

  constructor(
    kind: OutboundErrorKind,
    message: string,
    opts: { target?: string; status?: number; location?: string; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.target = opts.target ?? "";
    this.status = opts.status;
    this.location = opts.location;
  }
}

export interface LookupAddress {
  address: string;
  family: number;
}
/** Resolves a host name to all its addresses. Injectable so tests can simulate DNS answers. */
export type LookupFn = (hostname: string) => Promise<LookupAddress[]>;

export interface OutboundInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Caller's own cancellation; its abort is rethrown unchanged. */
  signal?: AbortSignal;
  /** Whole call (connect + headers + body). Default 15 s. */
  timeoutMs?: number;
  /** Response body cap in bytes. Default 5 MiB. */
  maxBytes?: number;
  /**
   * Hosts, IPs or CIDRs that may be reached although private. Defaults to env.SWITCHBOARD_ALLOW_PRIVATE_TARGETS.
   * Pass `[]` to allow nothing (tests of the guard).
   */
  allowPrivate?: readonly string[];
  /** DNS resolver; defaults to dns.lookup with all addresses. */
  lookup?: LookupFn;
}

export interface OutboundResponse {
  status: number;
  ok: boolean;
  headers: Headers;
  /** The URL requested (redirects are never followed, so it is also the URL answered). */
  url: string;
  /** The whole body, decoded as UTF-8. */
  text: string;
  /** Parses `text` as JSON (throws SyntaxError when it is not). */
  json<T = unknown>(): T;
}

// ---------------------------------------------------------------------------------------------------------
// Address policy

const defaultLookup: LookupFn = (hostname) => dnsPromises.lookup(hostname, { all: true, verbatim: true });

/** The only range ipaddr.js classifies as ordinary public unicast; everything else is refused. */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  // process() turns IPv4-mapped IPv6 (::ffff:127.0.0.1 in any spelling) into the IPv4 address it carries.
  return ipaddr.process(ip).range() === "unicast";
}

interface AllowList {
  hosts: Set<string>;
  addresses: Set<string>;
  cidrs: [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

function normaliseIp(ip: string): string {
  return ipaddr.process(ip).toString();
}

function parseAllowList(entries: readonly string[]): AllowList {
  const list: AllowList = { hosts: new Set(), addresses: new Set(), cidrs: [] };
  for (const raw of entries) {
    const entry = stripBrackets(raw.trim().toLowerCase());
    if (!entry) continue;
    if (entry.includes("/") && ipaddr.isValidCIDR(entry)) {
      list.cidrs.push(ipaddr.parseCIDR(entry));
    } else if (ipaddr.isValid(entry)) {
      list.addresses.add(normaliseIp(entry));
    } else {
      list.hosts.add(entry);
    }
  }
  return list;
}

function addressAllowed(ip: string, allow: AllowList): boolean {
  const normal = normaliseIp(ip);
  if (allow.addresses.has(normal)) return true;
  if (allow.cidrs.length === 0) return false;
  const parsed = ipaddr.process(ip);
  return allow.cidrs.some(([net, bits]) => net.kind() === parsed.kind() && parsed.match(net, bits));
}

function stripBrackets(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/**
 * Resolves `hostname` and returns the single address to connect to, or throws `ssrf_refused`.
 * Every resolved address must pass (not just the first): a name answering with one public and one private
 * address is someone probing, and refusing it keeps the rule easy to state.
 */
async function resolveCheckedAddress(
  hostname: string,
  allow: AllowList,
  lookup: LookupFn,
): Promise<string> {
  const host = stripBrackets(hostname).toLowerCase();
  const hostAllowed = allow.hosts.has(host);
  let addresses: string[];
  if (net.isIP(host)) {
    addresses = [host];
  } else {
    let answers: LookupAddress[];
    try {
      answers = await lookup(host);
    } catch (cause) {
      throw new OutboundError("network", `could not resolve ${host}`, { target: host, cause });
    }
    addresses = answers.map((a) => a.address);
    if (addresses.length === 0) throw new OutboundError("network", `could not resolve ${host}`, { target: host });
  }
  for (const address of addresses) {
    if (!ipaddr.isValid(address)) {
      throw new OutboundError("ssrf_refused", `refused ${host}: resolver returned an invalid address`, { target: host });
    }
    if (hostAllowed || isPublicAddress(address) || addressAllowed(address, allow)) continue;
    throw new OutboundError(
      "ssrf_refused",
      `refused ${host}: ${normaliseIp(address)} is not a public address (add it to SWITCHBOARD_ALLOW_PRIVATE_TARGETS to allow it)`,
      { target: host },
    );
  }
  // Connect to the normalised form: an IPv4-mapped IPv6 address becomes the plain IPv4 address it names.
  return normaliseIp(addresses[0]);
}

/**
 * The same policy for connections that are not HTTP (SMTP): resolves `hostname` and returns the checked address
 * to connect to, or throws OutboundError `ssrf_refused` (or `network` when the name does not resolve).
 */
export async function resolveOutboundAddress(
  hostname: string,
  opts: { allowPrivate?: readonly string[]; lookup?: LookupFn } = {},
): Promise<string> {
  return resolveCheckedAddress(hostname, parseAllowList(opts.allowPrivate ?? env.SWITCHBOARD_ALLOW_PRIVATE_TARGETS), opts.lookup ?? defaultLookup);
}

/**
 * For values saved now and called later (application URLs): when `hostname` is an IP literal (as a URL parser
 * normalises it: decimal, octal and hex IPv4, bracketed IPv6, IPv4-mapped IPv6), the reason it is refused —
 * not a public address and not allow-listed — or null. Names are checked when called (outboundFetch).
 */
export function refusedLiteralAddress(hostname: string, allowPrivate: readonly string[] = env.SWITCHBOARD_ALLOW_PRIVATE_TARGETS): string | null {
  const host = stripBrackets(hostname).toLowerCase();
  if (!net.isIP(host)) return null;
  const allow = parseAllowList(allowPrivate);
  if (allow.hosts.has(host) || isPublicAddress(host) || addressAllowed(host, allow)) return null;
  return `${normaliseIp(host)} is not a public address (add it to SWITCHBOARD_ALLOW_PRIVATE_TARGETS to allow it)`;
}

// ---------------------------------------------------------------------------------------------------------
// Agents: one per (allow-list, resolver) pair, kept for the life of the process.

const agents = new Map<string, Agent>();
const lookupIds = new WeakMap<LookupFn, number>();
let nextLookupId = 1;

function lookupKey(lookup: LookupFn | undefined): string {
  if (!lookup) return "dns";
  let id = lookupIds.get(lookup);
  if (id === undefined) {
    id = nextLookupId++;
    lookupIds.set(lookup, id);
  }
  return `fn${id}`;
}

function guardedAgent(allowEntries: readonly string[], lookup: LookupFn | undefined): Agent {
  const key = `${allowEntries.join(",")}|${lookupKey(lookup)}`;
  const existing = agents.get(key);
  if (existing) return existing;
  const allow = parseAllowList(allowEntries);
  const resolve = lookup ?? defaultLookup;
  const base = buildConnector({ timeout: CONNECT_TIMEOUT_MS });
  const connect: buildConnector.connector = (options, callback) => {
    resolveCheckedAddress(options.hostname, allow, resolve).then(
      // Pin the checked address. `host` (the original host:port) stays, so TLS still sends SNI for and
      // verifies the certificate against the name the caller asked for.
      (address) => base({ ...options, hostname: address }, callback),
      (err: Error) => callback(err, null),
    );
  };
  const agent = new Agent({ connect, keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
  agents.set(key, agent);
  return agent;
}

/** Closes every pooled connection (graceful shutdown, test teardown). */
export async function closeOutboundAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((a) => a.close()));
}

// ---------------------------------------------------------------------------------------------------------

function redactUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function findOutboundError(err: unknown): OutboundError | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (current instanceof OutboundError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Drops a body we will not read. The listener keeps undici's abort error on destroy from going unhandled. */
function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on("error", () => undefined);
  body.destroy();
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  return headers;
}

/**
 * Performs one HTTP call through the guarded agent and reads the whole (capped) body.
 * Throws OutboundError for SSRF refusals, timeouts, network failures, oversize bodies and any 3xx.
 * Non-2xx statuses other than 3xx are returned, not thrown: callers map vendor error bodies themselves.
 */
export async function outboundFetch(input: string | URL, init: OutboundInit = {}): Promise<OutboundResponse> {
  const url = typeof input === "string" ? new URL(input) : input;
  const target = redactUrl(url);
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new OutboundError("ssrf_refused", `refused ${url.protocol} URL: only http and https are allowed`, { target });
  }
  if (url.username || url.password) {
    throw new OutboundError("ssrf_refused", "refused URL with embedded credentials", { target });
  }
  const timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = init.maxBytes ?? DEFAULT_MAX_BYTES;
  const agent = guardedAgent(init.allowPrivate ?? env.SWITCHBOARD_ALLOW_PRIVATE_TARGETS, init.lookup);

  const timeoutSignal = AbortSignal.timeout(timeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, timeoutSignal]) : timeoutSignal;

  const fail = (err: unknown): never => {
    const known = findOutboundError(err);
    if (known) throw known;
    if (init.signal?.aborted) throw init.signal.reason ?? err;
    if (timeoutSignal.aborted) {
      throw new OutboundError("timeout", `no complete answer from ${url.host} within ${timeoutMs} ms`, { target, cause: err });
    }
    const code = (err as { code?: string }).code ?? "";
    if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
      throw new OutboundError("timeout", `timed out talking to ${url.host}`, { target, cause: err });
    }
    const detail = err instanceof Error ? err.message : String(err);
    throw new OutboundError("network", `network error talking to ${url.host}: ${code || detail}`, { target, cause: err });
  };

  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, {
      method: (init.method ?? "GET") as "GET",
      headers: init.headers,
      body: init.body,
      signal,
      dispatcher: agent,
    });
  } catch (err) {
    return fail(err);
  }

  const status = res.statusCode;
  const headers = toHeaders(res.headers as Record<string, string | string[] | undefined>);

  if (status >= 300 && status < 400) {
    discard(res.body);
    const rawLocation = headers.get("location");
    let location: string | undefined;
    if (rawLocation) {
      try {
        location = redactUrl(new URL(rawLocation, url));
      } catch {
        location = undefined;
      }
    }
    throw new OutboundError(
      "redirect_refused",
      `redirect refused: ${url.host} answered ${status}${location ? ` to ${location}` : ""}; use the final URL instead`,
      { target, status, location },
    );
  }

  const declared = Number(headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(res.body);
    throw new OutboundError("too_large", `response from ${url.host} is ${declared} bytes, over the ${maxBytes}-byte cap`, { target });
  }

  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > maxBytes) {
        discard(res.body);
        throw new OutboundError("too_large", `response from ${url.host} exceeded the ${maxBytes}-byte cap`, { target });
      }
      chunks.push(buf);
    }
  } catch (err) {
    return fail(err);
  }

  const text = chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8");
  let parsed: { value: unknown } | undefined;
  return {
    status,
    ok: status >= 200 && status < 300,
    headers,
    url: url.toString(),
    text,
    json<T>(): T {
      parsed ??= { value: JSON.parse(text) };
      return parsed.value as T;
    },
  };
}

/**
 * Retry-After (RFC 9110 §10.2.3): either delay-seconds or an HTTP-date. Returns milliseconds from `now`
 * (never negative), or undefined when the header is absent or unparseable.
 */
export function parseRetryAfter(header: string | null | undefined, now: number = Date.now()): number | undefined {
  if (header == null) return undefined;
  const value = header.trim();
  if (value === "") return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only real HTTP-dates (they always carry "GMT"); Date.parse alone would accept "5.5" or "tomorrow"-like text.
  if (!/GMT$/i.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
