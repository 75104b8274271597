import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { account, auditLog, organizations } from "@/db/schema";
import { createPartnerWithAdmin, createUser } from "@/lib/auth/accounts";
import { loadViewer } from "@/lib/auth/viewer";
import { createOrganization, getOrganization, listOrganizations, updateOrganization } from "@/lib/orgs/organizations";
import { createApiKey, verifyApiKey, revokeApiKey } from "@/lib/auth/api-keys";

async function viewerFor(userId: string, email: string) {
  const v = await loadViewer(userId, email, email, "s");
  if (!v) throw new Error("no viewer");
  return v;
}

describe("accounts and tenancy", () => {
  it("first-run setup is one-shot and stores a hashed password", async () => {
    const a = await createPartnerWithAdmin({ partnerName: "Alpha MSP", email: "Admin@Alpha.test", password: "correct horse battery", onlyIfFirst: true });
    await expect(
      createPartnerWithAdmin({ partnerName: "Again", email: "x@y.test", password: "correct horse battery", onlyIfFirst: true }),
    ).rejects.toThrow(/already been completed/);
    const [acc] = await db.select().from(account).where(eq(account.userId, a.userId));
    expect(acc.password).toBeTruthy();
    expect(acc.password).not.toContain("correct horse");
  });

  it("R-SEC-1: a partner never sees or changes another partner's organizations", async () => {
    const a = await createPartnerWithAdmin({ partnerName: "A", email: "a@a.test", password: "correct horse battery" });
    const b = await createPartnerWithAdmin({ partnerName: "B", email: "b@b.test", password: "correct horse battery" });
    const va = await viewerFor(a.userId, "a@a.test");
    const vb = await viewerFor(b.userId, "b@b.test");
    const orgB = await createOrganization(vb, { name: "Globex" });
    await createOrganization(va, { name: "Acme" });
    const listA = await listOrganizations(va, {});
    expect(listA.rows.map((r) => r.name)).toEqual(["Acme"]);
    await expect(getOrganization(va, orgB!.id)).rejects.toThrow(/not found/);
    await expect(updateOrganization(va, { id: orgB!.id, name: "Hacked" })).rejects.toThrow(/not found/);
    const [still] = await db.select().from(organizations).where(eq(organizations.id, orgB!.id));
    expect(still.name).toBe("Globex");
  });

  it("R-SEC-1: a technician sees only the organizations given to them", async () => {
    const a = await createPartnerWithAdmin({ partnerName: "T", email: "t@t.test", password: "correct horse battery" });
    const admin = await viewerFor(a.userId, "t@t.test");
    const o1 = await createOrganization(admin, { name: "One" });
    const o2 = await createOrganization(admin, { name: "Two" });
    const { userId } = await createUser(admin, {
      email: "tech@t.test",
      name: "",
      password: "correct horse battery",
      role: "technician",
      organizationIds: [o1!.id],
    });
    const tech = await viewerFor(userId, "tech@t.test");
    expect((await listOrganizations(tech, {})).rows.map((r) => r.name)).toEqual(["One"]);
    await expect(getOrganization(tech, o2!.id)).rejects.toThrow(/access/);
  });

  it("R-SEC-4: organization changes are audited with the why note, in the same transaction", async () => {
    const a = await createPartnerWithAdmin({ partnerName: "Au", email: "au@a.test", password: "correct horse battery" });
    const v = await viewerFor(a.userId, "au@a.test");
    const org = await createOrganization(v, { name: "Initech", note: "new customer" });
    await updateOrganization(v, { id: org!.id, name: "Initech Ltd", note: "renamed" });
    const rows = await db.select().from(auditLog).where(eq(auditLog.entityId, org!.id));
    expect(rows.map((r) => [r.action, r.note])).toEqual([
      ["organization.created", "new customer"],
      ["organization.updated", "renamed"],
    ]);
    expect(rows[1].changes).toEqual({ name: { from: "Initech", to: "Initech Ltd" } });
  });

  it("API keys are stored hashed, verify, and stop working when revoked", async () => {
    const a = await createPartnerWithAdmin({ partnerName: "K", email: "k@k.test", password: "correct horse battery" });
    const v = await viewerFor(a.userId, "k@k.test");
    const created = await createApiKey(v, { name: "pipeline" });
    expect(created.key).toMatch(/^sbk_/);
    const principal = await verifyApiKey(`Bearer ${created.key}`);
    expect(principal?.partnerId).toBe(a.partnerId);
    expect(await verifyApiKey(`Bearer ${created.key}x`)).toBeNull();
    await revokeApiKey(v, { id: created.id });
    expect(await verifyApiKey(`Bearer ${created.key}`)).toBeNull();
  });
});
