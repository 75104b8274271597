import { describe, expect, it } from "vitest";
import { psaConfigIssues, psaConfigSchema, psaConfigSchemaFor } from "./psa-integrations";

const org = "4b0c3c36-0d0e-4a4a-9b9b-6d1f6f2f1a11";

describe("PSA configuration schema", () => {
  it("R-DEL-4: vendor-required ticket defaults and priorities are named per field", () => {
    expect(psaConfigIssues("autotask", { defaults: {}, priorityMap: {}, mappings: [] })).toMatchObject({
      "defaults.queue": expect.stringMatching(/queue/i),
      "defaults.status": expect.any(String),
      "priorityMap.low": expect.stringMatching(/Low alerts/),
    });
    expect(psaConfigIssues("syncro", { defaults: {}, priorityMap: {}, mappings: [] })).toEqual({});
  });

  it("refuses unknown fields, company-bound fields as defaults, and an organization mapped twice", () => {
    expect(Object.keys(psaConfigIssues("connectwise", { defaults: { board: "1", agreement: "2", bogus: "3" }, priorityMap: {}, mappings: [] }))).toEqual([
      "defaults.agreement",
      "defaults.bogus",
    ]);
    const twice = psaConfigSchema.safeParse({
      name: "CW",
      mappings: [
        { organizationId: org, companyId: "1" },
        { organizationId: org, companyId: "2" },
      ],
    });
    expect(twice.success).toBe(false);
  });

  it("empty selections mean 'not chosen' and are dropped", () => {
    const parsed = psaConfigSchemaFor("connectwise").parse({
      name: " CW ",
      defaults: { board: "12", status: "" },
      priorityMap: { low: "", high: "2" },
      mappings: [{ organizationId: org, companyId: "250", companyName: "Acme", contactId: "", overrides: { agreement: "" } }],
    });
    expect(parsed).toMatchObject({ name: "CW", defaults: { board: "12" }, priorityMap: { high: "2" }, fallback: null });
    expect(parsed.mappings[0]).toEqual({ organizationId: org, companyId: "250", companyName: "Acme", contactId: undefined, siteId: undefined, overrides: {} });
  });
});
