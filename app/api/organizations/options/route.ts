/**
 * GET /api/organizations/options?q= — up to 20 organizations whose name contains `q`, for the searchable
 * organization picker (Alerts list, Routing, Send test alert). A partner can have thousands of organizations,
 * so pages no longer ship them all; the picker asks for matches as the user types. Partner-scoped, and a
 * technician only sees the organizations given to them (R-SEC-1, in lib/orgs).
 */
import { NextResponse } from "next/server";
import { withViewer } from "@/lib/api/session";
import { jsonError } from "@/lib/api/http";
import { searchOrganizationOptions } from "@/lib/orgs/organizations";
import { organizationOptionsQuerySchema } from "@/lib/validations/organizations";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return withViewer(null, async (viewer) => {
    const parsed = organizationOptionsQuerySchema.safeParse({ q: new URL(request.url).searchParams.get("q") ?? undefined });
    if (!parsed.success) return jsonError(400, parsed.error.issues[0]?.message ?? "Invalid search.");
    const items = await searchOrganizationOptions(viewer, { q: parsed.data.q });
    return NextResponse.json({ items }, { headers: { "cache-control": "no-store" } });
  });
}
