/** GET one of the vendor's lists (boards, queues, statuses, priorities, contacts, ...); query = the choices it depends on. */
import type { NextRequest } from "next/server";
import { lookupPsaList } from "@/lib/psa-integrations";
import { psaLookupKindSchema, psaLookupParamsSchema } from "@/lib/validations/psa-integrations";
import { parseOrThrow, psaLookupRoute } from "../../../../route-helpers";

export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string; kind: string }> }) {
  return psaLookupRoute(params, async (viewer, id) => {
    const kind = parseOrThrow(psaLookupKindSchema, (await params).kind);
    const query = parseOrThrow(psaLookupParamsSchema, Object.fromEntries(request.nextUrl.searchParams));
    return { items: await lookupPsaList(viewer, id, kind, query) };
  });
}
