import { beforeAll, describe, expect, it } from "vitest";
import { dotnetCamelCase, precompileVendorSchema, validateAgainstVendorSchema, validateCreateTicketBody } from "./vendor-schema";
import { PSA_VENDORS } from "../types";

beforeAll(() => {
  for (const vendor of PSA_VENDORS) precompileVendorSchema(vendor);
}, 120_000);

// The contract tests rely on this helper; these prove it rejects what the vendors' schemas reject, so a
// passing "body validates" assertion means something.
describe("vendor schema helper", () => {
  it("ConnectWise Ticket: requires summary and company, types references", () => {
    expect(validateCreateTicketBody("connectwise", { summary: "x", company: { id: 1 } }).valid).toBe(true);
    expect(validateCreateTicketBody("connectwise", { company: { id: 1 } }).valid).toBe(false);
    expect(validateCreateTicketBody("connectwise", { summary: "x", company: { id: "one" } }).valid).toBe(false);
    expect(validateCreateTicketBody("connectwise", { summary: "x", company: { id: 1 }, severity: "Extreme" }).valid).toBe(false);
  });

  it("Autotask TicketModel: integer ids, string externalID", () => {
    expect(validateCreateTicketBody("autotask", { companyID: 1, title: "t", status: 1, priority: 1, queueID: 2, externalID: "sb:x" }).valid).toBe(true);
    expect(validateCreateTicketBody("autotask", { companyID: "1" }).valid).toBe(false);
    expect(validateCreateTicketBody("autotask", { externalID: 5 }).valid).toBe(false);
  });

  it("BMS TicketInputDto: required fields and no unknown properties", () => {
    const ok = { Title: "t", Details: "d", AccountId: 1, LocationId: 1, StatusId: 1, PriorityId: 1, TypeId: 1, SourceId: 1, OpenDate: "2026-01-15T10:31:00Z" };
    expect(validateCreateTicketBody("kaseya_bms", ok).valid).toBe(true);
    const { LocationId: _l, ...noLocation } = ok;
    void _l;
    expect(validateCreateTicketBody("kaseya_bms", noLocation).errors.join()).toContain("LocationId");
    expect(validateCreateTicketBody("kaseya_bms", { ...ok, ExternalRef: "sb:x" }).valid).toBe(false);
    expect(validateCreateTicketBody("kaseya_bms", { ...ok, OpenDate: "yesterday" }).valid).toBe(false);
  });

  it("Halo Tickets POST: an array of Faults without unknown properties", () => {
    expect(validateCreateTicketBody("halopsa", [{ summary: "s", client_id: 1, tickettype_id: 2 }]).valid).toBe(true);
    expect(validateCreateTicketBody("halopsa", { summary: "s", client_id: 1 }).valid).toBe(false);
    expect(validateCreateTicketBody("halopsa", [{ summary: "s", team_id: 3 }]).valid).toBe(false);
  });

  it("Syncro Ticket request body: typed fields", () => {
    expect(validateCreateTicketBody("syncro", { customer_id: 1, subject: "s" }).valid).toBe(true);
    expect(validateCreateTicketBody("syncro", { customer_id: "1", subject: "s" }).valid).toBe(false);
  });

  it("reads BMS answers in their camelCase wire form, null error included", () => {
    const answer = { success: true, error: null, result: { id: 5, ticketNumber: "T1", title: "x", statusId: 1, priorityId: 2, tenantId: 1, statusOrder: 1 } };
    const options = { wireCase: "camel", refsNullable: true } as const;
    expect(validateAgainstVendorSchema("kaseya_bms", "/components/schemas/TicketOutputDtoResponse", answer, options).errors).toEqual([]);
    expect(validateAgainstVendorSchema("kaseya_bms", "/components/schemas/TicketOutputDtoResponse", { ...answer, surprise: 1 }, options).valid).toBe(false);
    expect(validateAgainstVendorSchema("kaseya_bms", "/components/schemas/TicketOutputDtoResponse", { ...answer, result: { id: "5" } }, options).valid).toBe(false);
    expect(dotnetCamelCase("SLAId")).toBe("slaId");
    expect(dotnetCamelCase("AccountId")).toBe("accountId");
    expect(dotnetCamelCase("ID")).toBe("id");
  });
});
