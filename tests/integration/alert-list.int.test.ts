/**
 * The Alerts list's outcome filters (lib/delivery/alerts.ts listAlerts): "skipped" is answered from the plan summary
 * intake stores on the alert (skips are decided at intake and never change), the others from the deliveries.
 */
import { describe, expect, it } from "vitest";
import { acceptAlert } from "@/lib/delivery/intake";
import { listAlerts } from "@/lib/delivery/alerts";
import { addGlobalRecipient, addOrganizationRecipient, makeOrganization, makePartner } from "../support/fixtures";

const alert = { priority: "low" as const, title: "Suspicious sign-in", summary: "Impossible travel." };

describe("alerts list filters", () => {
  it("R-DEL-11: 'skipped' lists exactly the alerts with a recorded skip, 'pending' those with planned deliveries; another partner's alerts never", async () => {
    const { partnerId, viewer } = await makePartner();
    const other = await makePartner();
    const org = await makeOrganization(viewer, "Acme Corp");
    const off = await makeOrganization(viewer, "Globex", { deliveryEnabled: false });
    await addGlobalRecipient(partnerId, "soc@northwind.test");
    // A Critical-only organization recipient: skipped for a low alert, planned for a critical one.
    await addOrganizationRecipient(partnerId, org.id, "ceo@acme.test", ["critical"]);
    const otherOrg = await makeOrganization(other.viewer, "Initech");
    await addGlobalRecipient(other.partnerId, "soc@other.test");
    await addOrganizationRecipient(other.partnerId, otherOrg.id, "ceo@initech.test", ["critical"]);

    const lowWithSkip = await acceptAlert({ partnerId, label: "test" }, { ...alert, organizationId: org.id });
    const criticalNoSkip = await acceptAlert({ partnerId, label: "test" }, { ...alert, priority: "critical", organizationId: org.id });
    const allSkipped = await acceptAlert({ partnerId, label: "test" }, { ...alert, organizationId: off.id });
    await acceptAlert({ partnerId: other.partnerId, label: "test" }, { ...alert, organizationId: otherOrg.id });
    expect(lowWithSkip.plan).toEqual({ planned: 1, skipped: 1 });
    expect(criticalNoSkip.plan).toEqual({ planned: 2, skipped: 0 });
    expect(allSkipped.plan).toEqual({ planned: 0, skipped: 1 });

    const scope = { partnerId, organizationIds: null };
    const ids = async (outcome?: "skipped" | "pending") => (await listAlerts(scope, { outcome })).rows.map((r) => r.id).sort();
    expect(await ids("skipped")).toEqual([lowWithSkip.alertId, allSkipped.alertId].sort());
    expect(await ids("pending")).toEqual([lowWithSkip.alertId, criticalNoSkip.alertId].sort());
    expect(await ids()).toEqual([lowWithSkip.alertId, criticalNoSkip.alertId, allSkipped.alertId].sort());
    const skippedRow = (await listAlerts(scope, { outcome: "skipped" })).rows.find((r) => r.id === allSkipped.alertId)!;
    expect(skippedRow.outcomes).toEqual({ sent: 0, pending: 0, failed: 0, skipped: 1 });
    // A technician sees only their organizations' alerts under the same filter.
    expect((await listAlerts({ partnerId, organizationIds: [off.id] }, { outcome: "skipped" })).rows.map((r) => r.id)).toEqual([allSkipped.alertId]);
  });
});
