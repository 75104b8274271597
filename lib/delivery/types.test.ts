import { describe, expect, it } from "vitest";
import {
  PRIORITIES,
  deliveryConfigSnapshotSchema,
  formatPriorityList,
  iocMatchSchema,
  priorityLabel,
  psaCompanyNoun,
  psaVendorLabel,
  respondEventSchema,
  respondEventsSchema,
  type DeliveryConfigSnapshot,
} from "./types";

describe("priorities and vendor labels", () => {
  it("R-DEL-5: priorities are ordered low → critical with their labels", () => {
    expect(PRIORITIES.map(priorityLabel)).toEqual(["Low", "Medium", "High", "Critical"]);
    expect(formatPriorityList(["critical", "medium", "critical"])).toBe("Medium and Critical");
    expect(formatPriorityList(["high"])).toBe("High");
    expect(formatPriorityList([])).toBe("");
  });

  it("R-DEL-4: vendor display names and company nouns, unknown vendors shown as stored", () => {
    expect(
      ["connectwise", "autotask", "kaseya_bms", "halopsa", "syncro"].map((v) => psaVendorLabel(v)),
    ).toEqual(["ConnectWise", "Autotask", "Kaseya BMS", "HaloPSA", "Syncro"]);
    expect(psaVendorLabel("newpsa")).toBe("newpsa");
    expect(psaCompanyNoun("autotask")).toBe("account");
    expect(psaCompanyNoun("newpsa")).toBe("company");
  });
});

describe("alert detail schemas", () => {
  it("R-SEC-5: a well-formed Respond event is accepted and blank optionals dropped", () => {
    const parsed = respondEventSchema.parse({
      time: "2025-03-04T14:08:03Z",
      action: " Host isolated ",
      target: "FIN-WS-014",
      result: "",
    });
    expect(parsed).toEqual({ time: "2025-03-04T14:08:03Z", action: "Host isolated", target: "FIN-WS-014" });
  });

  it("R-SEC-5: bad Respond events are rejected with a clear message", () => {
    const noTime = respondEventSchema.safeParse({ time: "yesterday", action: "x" });
    expect(noTime.success).toBe(false);
    expect(noTime.error?.issues[0].message).toContain("ISO-8601");
    expect(respondEventSchema.safeParse({ time: "2025-03-04T14:08:03Z", action: "" }).success).toBe(false);
    expect(respondEventSchema.safeParse({ time: "2025-03-04T14:08:03Z", action: "x".repeat(201) }).success).toBe(false);
    expect(respondEventsSchema.safeParse(new Array(201).fill({ time: "2025-03-04T14:08:03Z", action: "x" })).success).toBe(
      false,
    );
  });

  it("R-SEC-5: IOC matches are validated and their type normalised", () => {
    expect(iocMatchSchema.parse({ type: "SHA256", value: "abc", source: "VirusTotal" })).toEqual({
      type: "sha256",
      value: "abc",
      source: "VirusTotal",
    });
    expect(iocMatchSchema.safeParse({ type: "ip address", value: "1.2.3.4" }).success).toBe(false);
    expect(iocMatchSchema.safeParse({ type: "ip", value: "" }).success).toBe(false);
    expect(iocMatchSchema.safeParse({ type: "url", value: "x".repeat(2049) }).success).toBe(false);
  });
});

describe("deliveryConfigSnapshotSchema", () => {
  it("R-DEL-10: a snapshot survives a JSON round trip and parses back unchanged", () => {
    const snapshot: DeliveryConfigSnapshot = {
      partner: { id: "p1", name: "Northwind" },
      organization: { id: "o1", name: "Acme", deliveryEnabled: true },
      email: {
        globalSubjectFormat: "{{ alert.title }}",
        organizationSubjectFormat: "{{ alert.title }}",
        respondEventDetail: true,
        iocEventDetail: false,
      },
      globalRecipients: [{ id: "g1", email: "a@b.example", note: null }],
      organizationRecipients: [{ id: "r1", email: "c@d.example", priorities: ["high", "critical"] }],
      psaIntegrations: [
        {
          id: "i1",
          name: "ConnectWise",
          vendor: "connectwise",
          status: "paused",
          mapping: { companyId: "42", companyName: "Acme Corp", overrides: { board: "SOC" } },
          fallback: null,
          defaults: { board: "Service" },
          priorityMap: { critical: "1" },
        },
      ],
    };
    expect(deliveryConfigSnapshotSchema.parse(JSON.parse(JSON.stringify(snapshot)))).toEqual(snapshot);
    expect(deliveryConfigSnapshotSchema.safeParse({ ...snapshot, organization: { id: "o1" } }).success).toBe(false);
  });
});
