/**
 * PsaError: the single error type adapters throw. The delivery worker decides retry vs stop from `retryable`
 * (R-REL-3) and shows `message` to admins, so the message carries the vendor's own words verbatim (MSPs need
 * Autotask's errors[], ConnectWise's errors[].message, ... to fix their PSA) and never a secret (R-SEC-2).
 */
import type { PsaVendor } from "./types";

export type PsaErrorKind =
  | "auth"
  | "validation"
  | "not_found"
  | "rate_limited"
  | "server"
  | "network"
  | "timeout"
  | "ssrf";

const RETRYABLE: Record<PsaErrorKind, boolean> = {
  auth: false,
  validation: false,
  not_found: false,
  rate_limited: true,
  server: true,
  network: true,
  timeout: true,
  ssrf: false,
};

export interface PsaErrorInit {
  vendor: PsaVendor;
  kind: PsaErrorKind;
  message: string;
  vendorMessage?: string;
  status?: number;
  /** Overrides the kind's default (e.g. a 5xx that is really a business-rule failure). */
  retryable?: boolean;
  retryAfterMs?: number;
}

export class PsaError extends Error {
  override readonly name = "PsaError";
  readonly vendor: PsaVendor;
  readonly kind: PsaErrorKind;
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  /** The vendor's error text as it came (possibly empty). */
  readonly vendorMessage: string;

  constructor(init: PsaErrorInit) {
    super(init.message);
    this.vendor = init.vendor;
    this.kind = init.kind;
    this.status = init.status;
    this.retryable = init.retryable ?? RETRYABLE[init.kind];
    this.retryAfterMs = init.retryAfterMs;
    this.vendorMessage = init.vendorMessage ?? "";
  }

  /** Safe to log or return to the UI: no stack, no cause. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      vendor: this.vendor,
      kind: this.kind,
      status: this.status,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      message: this.message,
      vendorMessage: this.vendorMessage,
    };
  }
}

export function isPsaError(err: unknown): err is PsaError {
  return err instanceof PsaError;
}

/**
 * Replaces every occurrence of a secret in `text`. Vendor bodies sometimes echo what they were sent; this is
 * the last line of defence that keeps a key out of an error message or a log line.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    // Very short values (a one-letter tenant, "1") would shred ordinary words; real secrets are long.
    if (secret.length < 4) continue;
    out = out.split(secret).join("[redacted]");
  }
  return out;
}
