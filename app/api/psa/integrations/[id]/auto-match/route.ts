/** GET exact-name matches between the partner's organizations and the PSA's companies (proposals; nothing saved). */
import { autoMatchPsaCompanies } from "@/lib/psa-integrations";
import { psaLookupRoute } from "../../../route-helpers";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  return psaLookupRoute(params, (viewer, id) => autoMatchPsaCompanies(viewer, id));
}
