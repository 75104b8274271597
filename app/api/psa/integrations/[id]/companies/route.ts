/** GET one page of the PSA's companies (accounts, clients, customers), optionally searched by name. */
import type { NextRequest } from "next/server";
import { listPsaCompanies } from "@/lib/psa-integrations";
import { psaCompanyQuerySchema } from "@/lib/validations/psa-integrations";
import { parseOrThrow, psaLookupRoute } from "../../../route-helpers";

export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  return psaLookupRoute(params, async (viewer, id) => {
    const q = parseOrThrow(psaCompanyQuerySchema, {
      search: request.nextUrl.searchParams.get("search") ?? undefined,
      cursor: request.nextUrl.searchParams.get("cursor") ?? undefined,
    });
    return listPsaCompanies(viewer, id, q);
  });
}
