/**
 * The organization picker's look-ups (lib/orgs): partner- and technician-scoped (R-SEC-1), at most 20 matches,
 * name fragments matched case-insensitively with LIKE wildcards taken literally, and the one-organization
 * look-up the pages use for ?org= ignoring ids the viewer may not see.
 */
import { describe, expect, it } from "vitest";
import { findOrganizationOption, searchOrganizationOptions } from "@/lib/orgs/organizations";
import { makeOrganization, makePartner } from "../support/fixtures";

describe("organization options", () => {
  it("R-SEC-1: searches only the viewer's partner, and a technician only their organizations; 20 at most, by name", async () => {
    const a = await makePartner();
    const b = await makePartner();
    const orgsA = [];
    for (let i = 0; i < 25; i++) orgsA.push(await makeOrganization(a.viewer, `Dental Clinic ${String(i).padStart(2, "0")}`));
    const special = await makeOrganization(a.viewer, "100%_Dental");
    const foreign = await makeOrganization(b.viewer, "Dental Clinic 00");

    const all = await searchOrganizationOptions(a.viewer, { q: "dental" });
    expect(all).toHaveLength(20);
    expect(all.map((o) => o.name)).toEqual([...all.map((o) => o.name)].sort());
    expect(all.some((o) => o.id === foreign.id)).toBe(false);
    expect((await searchOrganizationOptions(a.viewer, { q: "CLINIC 2" })).map((o) => o.name)).toEqual(
      ["Dental Clinic 20", "Dental Clinic 21", "Dental Clinic 22", "Dental Clinic 23", "Dental Clinic 24"],
    );
    // % and _ are text, not wildcards.
    expect((await searchOrganizationOptions(a.viewer, { q: "0%_" })).map((o) => o.id)).toEqual([special.id]);
    expect(await searchOrganizationOptions(a.viewer, { q: "zzz-no-match" })).toEqual([]);

    const technician = { ...a.viewer, role: "technician" as const, organizationIds: [orgsA[3].id, orgsA[7].id] };
    expect((await searchOrganizationOptions(technician, { q: "" })).map((o) => o.id).sort()).toEqual([orgsA[3].id, orgsA[7].id].sort());
    expect(await searchOrganizationOptions({ ...technician, organizationIds: [] }, {})).toEqual([]);

    expect(await findOrganizationOption(a.viewer, orgsA[0].id)).toEqual({ id: orgsA[0].id, name: orgsA[0].name });
    expect(await findOrganizationOption(a.viewer, foreign.id)).toBeNull();
    expect(await findOrganizationOption(technician, orgsA[0].id)).toBeNull();
    expect(await findOrganizationOption(technician, orgsA[3].id)).toEqual({ id: orgsA[3].id, name: orgsA[3].name });
    expect(await findOrganizationOption(a.viewer, "not-a-uuid")).toBeNull();
    expect(await findOrganizationOption(a.viewer, undefined)).toBeNull();
  });
});
