import { describe, expect, it } from "vitest";
import { PsaError } from "@/lib/psa/errors";
import { buildPsaTicketDraft, psaTicketBody, psaTicketReference } from "./psa";

const alert = {
  id: "7c1e9a00-0000-4000-8000-000000000001",
  organizationId: "o1",
  organizationName: "Acme Corp",
  priority: "high" as const,
  title: "Ransomware behaviour on DESKTOP-01",
  summary: "Mass file encryption by an unsigned process.",
  detectedAt: "2026-01-15T10:31:00Z",
  source: "Datto EDR",
  respondEvents: [{ time: "2026-01-15T10:32:00Z", action: "Host isolated", target: "DESKTOP-01", result: "Succeeded", detail: "EDR isolation" }],
  iocMatches: [{ type: "ip", value: "203.0.113.45", source: "Feed X" }],
};

const planned = {
  integrationId: "i1",
  integrationName: "ConnectWise",
  vendor: "connectwise",
  companyId: "250",
  companyName: "Acme Corp",
  contactId: "12",
  via: "mapping" as const,
  fields: { board: "12", status: "118", priority: "3" },
  priorityId: "2",
};

describe("PSA ticket draft", () => {
  it("R-REL-2: the reference is derived from the delivery id, so every retry carries the same one", () => {
    const a = buildPsaTicketDraft({ deliveryId: "d-1", alert, planned });
    const b = buildPsaTicketDraft({ deliveryId: "d-1", alert, planned });
    expect(a.reference).toBe(psaTicketReference("d-1"));
    expect(b.reference).toBe(a.reference);
  });

  it("R-DEL-4: company, contact, fields and priority come from the plan unchanged; priority is sent once, as priorityId", () => {
    const draft = buildPsaTicketDraft({ deliveryId: "d-1", alert, planned });
    expect(draft).toMatchObject({ companyId: "250", contactId: "12", priorityId: "2", fields: { board: "12", status: "118" } });
    expect(draft.fields).not.toHaveProperty("priority");
    expect(draft.title).toBe("HIGH - Ransomware behaviour on DESKTOP-01 (Acme Corp)");
  });

  it("the body carries summary, organization, detection time, alert id, Respond events and IOC matches as text", () => {
    const body = psaTicketBody(alert, "sb:d-1");
    expect(body).toContain("Mass file encryption");
    expect(body).toContain("Organization: Acme Corp");
    expect(body).toContain("Detected: 2026-01-15T10:31:00.000Z");
    expect(body).toContain(`Alert ID: ${alert.id}`);
    expect(body).toContain("Host isolated — DESKTOP-01 — Succeeded");
    expect(body).toContain("ip: 203.0.113.45 (Feed X)");
    expect(body).toContain("Switchboard reference: sb:d-1");
  });

  it("a skipped plan (no company) is refused as a permanent PsaError, never sent", () => {
    const err = (() => {
      try {
        buildPsaTicketDraft({ deliveryId: "d", alert, planned: { ...planned, companyId: undefined, via: null } });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PsaError);
    expect((err as PsaError).retryable).toBe(false);
  });
});
