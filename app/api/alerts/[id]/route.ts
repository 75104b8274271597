import { NextResponse } from "next/server";
import { z } from "zod";
import { withViewer } from "@/lib/api/session";
import { jsonError } from "@/lib/api/http";
import { loadAlertView } from "@/lib/delivery/alert-view";

export const dynamic = "force-dynamic";

/** The alert page polls this while deliveries are in flight. */
export async function GET(_req: Request, ctx: { params: Promise<{ id: string }> }) {
  return withViewer(null, async (viewer) => {
    const { id } = await ctx.params;
    if (!z.uuid().safeParse(id).success) return jsonError(404, "Alert not found.");
    return NextResponse.json(await loadAlertView(viewer, id));
  });
}
