/**
 * Helpers for the public JSON API (route handlers): bounded body reading, JSON errors that name
 * each bad field, and API-key authentication. Nothing a client sends produces a 500 (R-SEC-5).
 */
import { NextResponse } from "next/server";
import type { z } from "zod";
import { verifyApiKey, type ApiPrincipal } from "@/lib/auth/api-keys";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE } from "@/lib/validations/common";

export type ApiErrorBody = { error: string; fields?: Record<string, string[]> };

export function jsonError(status: number, error: string, fields?: Record<string, string[]>, headers?: HeadersInit) {
  return NextResponse.json<ApiErrorBody>(fields ? { error, fields } : { error }, { status, headers });
}

export class BodyTooLargeError extends Error {}
export class BadJsonError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Reads at most maxBytes of the body (Content-Length is not trusted) and parses JSON. */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new BodyTooLargeError();
  if (!req.body) throw new BadJsonError("The request has no body.");
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError();
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadJsonError("The body is not valid JSON.");
  }
  const unstorable = findUnstorableText(value);
  if (unstorable !== null) throw new BadJsonError(UNSTORABLE_TEXT_MESSAGE, unstorable || "(body)");
  return value;
}

export function zodFieldErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "(body)";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

export async function authenticateApiKey(req: Request): Promise<ApiPrincipal | null> {
  return verifyApiKey(req.headers.get("authorization"));
}

/** Wraps a handler so typed errors become their status and anything unexpected a logged 500-free 503. */
export async function handleApi(fn: () => Promise<Response>, maxBytes?: number): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      return jsonError(413, `The request body is larger than ${Math.round((maxBytes ?? 0) / 1024)} KiB.`);
    }
    if (err instanceof BadJsonError) return jsonError(400, err.message, err.field ? { [err.field]: [err.message] } : undefined);
    if (err instanceof AppError) return jsonError(err.status, err.message);
    logger.error("api request failed", { error: err instanceof Error ? err.message : String(err) });
    // A database or network hiccup on our side: tell the client to retry rather than blame its input.
    return jsonError(503, "The service could not complete the request; retry later.", undefined, { "Retry-After": "5" });
  }
}
