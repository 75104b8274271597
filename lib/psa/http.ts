/**
 * The PSA adapters' transport: every request goes through lib/http/outbound.ts (SSRF guard, timeout, size
 * cap) and every failure leaves here as a PsaError with the vendor's text verbatim, the retry decision of
 * R-REL-3 (network, timeout, 5xx, 408, 429 retryable; other 4xx not) and no secret in it (R-SEC-2).
 */
import {
  OutboundError,
  outboundFetch,
  parseRetryAfter,
  type OutboundResponse,
} from "@/lib/http/outbound";
import { PsaError, redactSecrets, type PsaErrorKind } from "./errors";
import type { PsaClientOptions, PsaVendor } from "./types";

export const VENDOR_NAMES: Record<PsaVendor, string> = {
  connectwise: "ConnectWise PSA",
  autotask: "Autotask",
  kaseya_bms: "Kaseya BMS",
  halopsa: "HaloPSA",
  syncro: "Syncro",
};

export interface RequestSpec {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  url: string;
  headers?: Record<string, string>;
  /** Serialised as JSON with Content-Type application/json. */
  json?: unknown;
  /** Serialised as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
}

/** Pulls the vendor's own error text out of a failed response. */
export type VendorMessageExtractor = (res: OutboundResponse) => string;

const MAX_VENDOR_TEXT = 2000;

/** Fallback extraction: common JSON error fields, else the body text (HTML pages are not shown). */
export function genericVendorMessage(res: OutboundResponse): string {
  const text = res.text.trim();
  if (!text) return "";
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === "string") return body;
    const found = messagesFrom(body);
    if (found.length) return found.join("; ");
  } catch {
    // not JSON: fall through to the raw text
  }
  if (/^<(!doctype|html)/i.test(text)) return "(an HTML error page)";
  return text.slice(0, MAX_VENDOR_TEXT);
}

/** Collects human text from the error shapes the five vendors use. */
export function messagesFrom(body: unknown): string[] {
  if (body == null) return [];
  if (typeof body === "string") return body ? [body] : [];
  if (Array.isArray(body)) return body.flatMap((b) => messagesFrom(b));
  if (typeof body !== "object") return [String(body)];
  const obj = body as Record<string, unknown>;
  const out: string[] = [];
  for (const key of ["message", "Message", "error_description", "error", "Error", "errors", "Errors"]) {
    const value = obj[key];
    if (value == null) continue;
    if (typeof value === "string") out.push(value);
    else if (Array.isArray(value)) out.push(...value.flatMap((v) => messagesFrom(v)));
    else if (typeof value === "object") {
      // Either a nested error object ({message}) or a field map ({subject: ["can't be blank"]}).
      const nested = messagesFrom(value);
      if (nested.length) out.push(...nested);
      else
        for (const [field, msgs] of Object.entries(value as Record<string, unknown>)) {
          const list = Array.isArray(msgs) ? msgs.map(String) : [String(msgs)];
          out.push(`${field} ${list.join(", ")}`);
        }
    }
  }
  return out;
}

export function kindForStatus(status: number): PsaErrorKind {
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 408) return "timeout";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server";
  if (status >= 400) return "validation";
  return "server";
}

export class PsaTransport {
  readonly vendor: PsaVendor;
  readonly displayName: string;
  private readonly options: PsaClientOptions;
  private readonly secrets: string[];
  private readonly extract: VendorMessageExtractor;

  constructor(vendor: PsaVendor, options: PsaClientOptions, secrets: string[], extract: VendorMessageExtractor) {
    this.vendor = vendor;
    this.displayName = VENDOR_NAMES[vendor];
    this.options = options;
    this.secrets = secrets.filter(Boolean);
    this.extract = extract;
  }

  /** Adds a secret learned later (an access token) to the redaction list. */
  addSecret(secret: string): void {
    if (secret && !this.secrets.includes(secret)) this.secrets.push(secret);
  }

  /** Sends one request; returns whatever status came back. Transport failures become PsaError. */
  async send(spec: RequestSpec): Promise<OutboundResponse> {
    const headers: Record<string, string> = { Accept: "application/json", ...spec.headers };
    let body: string | undefined;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers["Content-Type"] = "application/json";
    } else if (spec.form) {
      body = new URLSearchParams(spec.form).toString();
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
    try {
      return await outboundFetch(spec.url, {
        method: spec.method ?? "GET",
        headers,
        body,
        timeoutMs: this.options.timeoutMs,
        allowPrivate: this.options.allowPrivate,
        lookup: this.options.lookup,
      });
    } catch (err) {
      if (err instanceof OutboundError) throw this.fromOutbound(err);
      throw err;
    }
  }

  /** send(), and a non-2xx status becomes a PsaError. */
  async call(spec: RequestSpec): Promise<OutboundResponse> {
    const res = await this.send(spec);
    if (!res.ok) throw this.fromResponse(res);
    return res;
  }

  /** Parses a JSON body; a 2xx that is not JSON (a login page, a proxy) is a configuration problem. */
  json<T>(res: OutboundResponse): T {
    try {
      return res.json<T>();
    } catch {
      throw this.error("server", `${this.displayName} answered HTTP ${res.status} with a body that is not JSON; check the URL`, {
        status: res.status,
        retryable: false,
        vendorMessage: genericVendorMessage(res),
      });
    }
  }

  /** Maps a failed HTTP response: status decides kind and retry, the extractor supplies the vendor's words. */
  fromResponse(
    res: OutboundResponse,
    override: { kind?: PsaErrorKind; retryable?: boolean; vendorMessage?: string } = {},
  ): PsaError {
    const vendorMessage = override.vendorMessage ?? this.safeExtract(res);
    const kind = override.kind ?? kindForStatus(res.status);
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
    return this.error(kind, describe(this.displayName, kind, res.status, vendorMessage), {
      status: res.status,
      vendorMessage,
      retryable: override.retryable,
      retryAfterMs: kind === "rate_limited" || kind === "server" || kind === "timeout" ? retryAfterMs : undefined,
    });
  }

  error(
    kind: PsaErrorKind,
    message: string,
    extra: { status?: number; vendorMessage?: string; retryable?: boolean; retryAfterMs?: number } = {},
  ): PsaError {
    return new PsaError({
      vendor: this.vendor,
      kind,
      message: redactSecrets(message, this.secrets),
      vendorMessage: redactSecrets(extra.vendorMessage ?? "", this.secrets),
      status: extra.status,
      retryable: extra.retryable,
      retryAfterMs: extra.retryAfterMs,
    });
  }

  private safeExtract(res: OutboundResponse): string {
    try {
      return this.extract(res).trim().slice(0, MAX_VENDOR_TEXT);
    } catch {
      return genericVendorMessage(res);
    }
  }

  private fromOutbound(err: OutboundError): PsaError {
    const name = this.displayName;
    switch (err.kind) {
      case "ssrf_refused":
        return this.error("ssrf", `${name}: ${err.message}`);
      case "timeout":
        return this.error("timeout", `${name}: ${err.message}`);
      case "network":
        return this.error("network", `${name}: ${err.message}`);
      case "too_large":
        return this.error("server", `${name}: ${err.message}`, { retryable: false });
      case "redirect_refused":
        // A redirect almost always means the URL typed is not the API's final URL (http→https, a login page).
        return this.error("validation", `${name}: ${err.message}`, { status: err.status });
    }
  }
}

function describe(name: string, kind: PsaErrorKind, status: number, vendorMessage: string): string {
  // The vendor's words verbatim; no doubled full stop before our own sentence.
  const said = vendorMessage ? `: ${vendorMessage}` : "";
  const stop = /[.!?]\s*$/.test(said) ? "" : ".";
  switch (kind) {
    case "auth":
      return status === 403
        ? `${name} refused access (HTTP 403)${said}${stop} Check the credentials and the API user's permissions.`
        : `${name} rejected the credentials${status === 401 ? " (HTTP 401)" : ""}${said}${stop} Check the credentials.`;
    case "rate_limited":
      return `${name} is rate limiting requests (HTTP ${status})${said}`;
    case "not_found":
      return `${name} answered HTTP 404 (not found)${said}`;
    default:
      // BMS reports failures inside a success:false envelope with HTTP 200; "answered HTTP 200" would mislead.
      return status >= 200 && status < 300 ? `${name} refused the request${said}` : `${name} answered HTTP ${status}${said}`;
  }
}

/** Case-insensitive property read: BMS documents PascalCase and answers camelCase. */
export function pick<T = unknown>(obj: unknown, key: string): T | undefined {
  if (!obj || typeof obj !== "object") return undefined;
  const record = obj as Record<string, unknown>;
  if (key in record) return record[key] as T;
  const lower = key.toLowerCase();
  for (const k of Object.keys(record)) if (k.toLowerCase() === lower) return record[k] as T;
  return undefined;
}
