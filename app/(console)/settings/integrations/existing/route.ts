/**
 * GET /settings/integrations/existing?organizationId= — the applications an organization already has, for
 * the + New Integration wizard's R-INT-2 warnings (TanStack Query reads it as the admin picks organizations).
 */
import { NextResponse } from "next/server";
import { getViewer } from "@/lib/auth/viewer";
import { AppError } from "@/lib/errors";
import { listExistingApplications } from "@/lib/integrations/connections";
import { logger } from "@/lib/logger";
import { uuidSchema } from "@/lib/validations/common";

export async function GET(request: Request) {
  const viewer = await getViewer();
  if (!viewer) return NextResponse.json({ error: "Sign in to continue." }, { status: 401 });
  if (viewer.role !== "admin") return NextResponse.json({ error: "You do not have permission to do that." }, { status: 403 });
  const id = new URL(request.url).searchParams.get("organizationId") ?? "";
  if (!uuidSchema.safeParse(id).success) return NextResponse.json({ error: "organizationId must be an organization id." }, { status: 400 });
  try {
    const rows = await listExistingApplications(viewer, id);
    return NextResponse.json({ applications: rows }, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    if (err instanceof AppError) return NextResponse.json({ error: err.message }, { status: err.status });
    logger.error("existing applications lookup failed", { error: err instanceof Error ? err.message : String(err) });
    return NextResponse.json({ error: "Could not load the organization's applications." }, { status: 500 });
  }
}
