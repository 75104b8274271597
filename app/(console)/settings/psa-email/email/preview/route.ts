/**
 * GET: the email preview for Settings > PSA & Email — the sample alert rendered for a global and an
 * organization recipient with the formats and toggles in the query (the form's current values).
 * Read-only; admins and support only (the page's audience). Bad input is a 400 with a message.
 */
import { NextResponse, type NextRequest } from "next/server";
import { getViewer } from "@/lib/auth/viewer";
import { previewAlertEmails } from "@/lib/delivery-settings";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { emailPreviewQuerySchema } from "@/lib/validations/delivery-settings";

const NO_STORE = { "cache-control": "no-store" };

function error(status: number, message: string) {
  return NextResponse.json({ error: message }, { status, headers: NO_STORE });
}

export async function GET(request: NextRequest) {
  const viewer = await getViewer();
  if (!viewer) return error(401, "Sign in to continue.");
  if (viewer.role !== "admin" && viewer.role !== "support") return error(403, "You do not have permission to do that.");
  const parsed = emailPreviewQuerySchema.safeParse(Object.fromEntries(request.nextUrl.searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return error(400, issue ? `${issue.path.join(".") || "query"}: ${issue.message}` : "Invalid preview request.");
  }
  try {
    return NextResponse.json(await previewAlertEmails(viewer, parsed.data), { headers: NO_STORE });
  } catch (err) {
    if (err instanceof AppError) return error(err.status, err.message);
    logger.error("email preview failed", { error: err instanceof Error ? err.message : String(err) });
    return error(500, "The preview could not be rendered. Nothing was changed; try again.");
  }
}
