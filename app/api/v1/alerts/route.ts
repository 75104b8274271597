import { NextResponse } from "next/server";
import { acceptAlert } from "@/lib/delivery/intake";
import { alertInputSchema, idempotencyKeySchema, MAX_ALERT_BODY_BYTES } from "@/lib/validations/alerts";
import { authenticateApiKey, handleApi, jsonError, readJsonBody, zodFieldErrors } from "@/lib/api/http";
import { NotFoundError } from "@/lib/errors";

export const dynamic = "force-dynamic";

/** POST /api/v1/alerts — the detection pipeline's way in (Bearer API key of the partner). */
export async function POST(req: Request) {
  return handleApi(async () => {
    const principal = await authenticateApiKey(req);
    if (!principal) return jsonError(401, "Missing or invalid API key. Send Authorization: Bearer sbk_...", undefined, { "WWW-Authenticate": "Bearer" });
    const keyHeader = req.headers.get("idempotency-key");
    let idempotencyKey: string | undefined;
    if (keyHeader !== null) {
      const k = idempotencyKeySchema.safeParse(keyHeader);
      if (!k.success) return jsonError(400, "Invalid Idempotency-Key header.", { "Idempotency-Key": k.error.issues.map((i) => i.message) });
      idempotencyKey = k.data;
    }
    const body = await readJsonBody(req, MAX_ALERT_BODY_BYTES);
    const parsed = alertInputSchema.safeParse(body);
    if (!parsed.success) return jsonError(400, "The alert is not valid.", zodFieldErrors(parsed.error));
    try {
      const accepted = await acceptAlert({ partnerId: principal.partnerId, label: principal.label }, parsed.data, { idempotencyKey });
      return NextResponse.json(
        {
          alertId: accepted.alertId,
          organizationId: accepted.organizationId,
          duplicate: accepted.duplicate,
          plan: accepted.plan,
          deliveries: accepted.deliveries,
        },
        { status: accepted.duplicate ? 200 : 202, headers: { Location: `/api/v1/alerts/${accepted.alertId}` } },
      );
    } catch (err) {
      if (err instanceof NotFoundError) {
        return jsonError(422, "Unknown organization: no organization of yours has that id or reference.", {
          [parsed.data.organizationId ? "organizationId" : "organizationRef"]: ["No such organization."],
        });
      }
      throw err;
    }
  }, MAX_ALERT_BODY_BYTES);
}
