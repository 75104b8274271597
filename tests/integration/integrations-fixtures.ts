/** Shared set-up for the data-source integration tests: partners, viewers, organizations. */
import { createPartnerWithAdmin, createUser } from "@/lib/auth/accounts";
import { loadViewer, type Viewer } from "@/lib/auth/viewer";
import { createOrganization } from "@/lib/orgs/organizations";

let seq = 0;

export async function partnerWithAdmin(name: string): Promise<{ partnerId: string; admin: Viewer }> {
  const email = `admin${++seq}@${name.toLowerCase().replace(/[^a-z0-9]+/g, "")}.test`;
  const { partnerId, userId } = await createPartnerWithAdmin({ partnerName: name, email, password: "correct horse battery" });
  const admin = await loadViewer(userId, email, email, "session");
  if (!admin) throw new Error("no viewer");
  return { partnerId, admin };
}

export async function organization(viewer: Viewer, name: string): Promise<string> {
  const row = await createOrganization(viewer, { name });
  return row!.id;
}

export async function userWithRole(admin: Viewer, role: "technician" | "support", organizationIds: string[] = []): Promise<Viewer> {
  const email = `${role}${++seq}@staff.test`;
  const { userId } = await createUser(admin, { email, name: "", password: "correct horse battery", role, organizationIds });
  const v = await loadViewer(userId, email, email, "session");
  if (!v) throw new Error("no viewer");
  return v;
}

export const DATTO_CREDENTIALS = { apiUrl: "https://pinotage-api.centrastage.net", apiKey: "DATTO-KEY-1", apiSecretKey: "datto-secret-value-1" };
export const SENTINELONE_CREDENTIALS = { consoleUrl: "https://usea1-partners.sentinelone.net", apiToken: "s1-token-secret-value" };
