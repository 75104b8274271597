/**
 * POST /api/v1/telemetry/{connectionId} — a batch of up to 1000 events from one data source, authenticated
 * with that connection's ingest token. Events are routed per R-INT-5 (lib/integrations/ingest). Errors:
 * 401 wrong token, 403 disabled, 409 not yet authorized, 413 body over 5 MiB, 415 not JSON, 400 bad JSON or
 * batch shape, 422 when every event was rejected. Bad events are rejected one by one with index and reason.
 */
import { NextResponse } from "next/server";
import { authenticateIngest, parseTelemetryBatch, storeTelemetry, TelemetryRequestError } from "@/lib/integrations/ingest";
import { logger } from "@/lib/logger";
import { TELEMETRY_MAX_BODY_BYTES } from "@/lib/validations/integrations";

function problem(status: number, message: string) {
  return NextResponse.json({ error: message }, { status, headers: { "cache-control": "no-store" } });
}

/** Reads at most `limit` bytes; null when the body is larger. */
async function readCapped(request: Request, limit: number): Promise<Buffer | null> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export async function POST(request: Request, { params }: { params: Promise<{ connectionId: string }> }) {
  const { connectionId } = await params;
  const tooLarge = `The request body is larger than ${TELEMETRY_MAX_BODY_BYTES / (1024 * 1024)} MiB; send smaller batches.`;
  try {
    const declared = Number(request.headers.get("content-length") ?? "NaN");
    if (Number.isFinite(declared) && declared > TELEMETRY_MAX_BODY_BYTES) return problem(413, tooLarge);
    const type = request.headers.get("content-type") ?? "";
    if (type && !/^application\/(.+\+)?json\b/i.test(type)) return problem(415, "Send the batch as application/json.");

    const conn = await authenticateIngest(connectionId, request.headers.get("authorization"));

    const raw = await readCapped(request, TELEMETRY_MAX_BODY_BYTES);
    if (raw === null) return problem(413, tooLarge);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return problem(400, "The body is not valid JSON.");
    }
    const { events, rejected } = parseTelemetryBatch(body);
    const result = await storeTelemetry(conn, events);
    return NextResponse.json(
      { stored: result.stored, rejected, organizations: result.organizations },
      { status: result.stored === 0 ? 422 : 200, headers: { "cache-control": "no-store" } },
    );
  } catch (err) {
    if (err instanceof TelemetryRequestError) {
      const res = problem(err.status, err.message);
      if (err.status === 401) res.headers.set("www-authenticate", 'Bearer realm="switchboard-telemetry"');
      return res;
    }
    logger.error("telemetry ingest failed", { connectionId, error: err instanceof Error ? err.message : String(err) });
    return problem(500, "Telemetry could not be stored; nothing from this batch was kept. Retry it.");
  }
}
