/**
 * What every PSA look-up route handler does: authenticate the session, require an admin (R-SEC-1), validate
 * the id and query, call lib/, and answer JSON. Failures are answers, never a bare 500: bad input is a 4xx
 * with a message, a PSA that refuses is a 502 carrying the vendor's own words and whether retrying can help.
 * Responses are never cached — they come from the admin's own PSA, through stored credentials.
 */
import { NextResponse } from "next/server";
import type { z } from "zod";
import { getViewer, type Viewer } from "@/lib/auth/viewer";
import { AppError, ValidationError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { isPsaError } from "@/lib/psa/errors";
import { uuidSchema } from "@/lib/validations/common";

const NO_STORE = { "Cache-Control": "no-store" };

export type PsaRouteError = { message: string; vendorMessage?: string; retryable?: boolean; fieldErrors?: Record<string, string[]> };

function fail(status: number, body: PsaRouteError) {
  return NextResponse.json(body, { status, headers: NO_STORE });
}

/** Parses a query (or params) object with a schema, or throws a ValidationError with the first message. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? "Invalid request.");
  return parsed.data;
}

export async function psaLookupRoute(
  params: Promise<{ id: string }>,
  work: (viewer: Viewer, integrationId: string) => Promise<unknown>,
): Promise<NextResponse> {
  try {
    const viewer = await getViewer();
    if (!viewer) return fail(401, { message: "Your session has ended. Sign in again." });
    if (viewer.role !== "admin") return fail(403, { message: "Only admins can read PSA look-ups." });
    const { id } = await params;
    if (!uuidSchema.safeParse(id).success) return fail(404, { message: "PSA integration was not found." });
    const data = await work(viewer, id);
    return NextResponse.json(data, { headers: NO_STORE });
  } catch (err) {
    if (isPsaError(err)) {
      // A check that failed before any call (a missing choice, a bad id) is the request's fault, not the PSA's.
      const status = err.kind === "validation" && err.status === undefined ? 400 : 502;
      return fail(status, { message: err.message, vendorMessage: err.vendorMessage || undefined, retryable: err.retryable });
    }
    if (err instanceof ValidationError) return fail(400, { message: err.message, fieldErrors: err.fieldErrors });
    if (err instanceof AppError) return fail(err.status, { message: err.message });
    logger.error("PSA look-up failed", { error: err instanceof Error ? err.message : String(err) });
    return fail(500, { message: "Something went wrong on our side. Try again." });
  }
}
