import { describe, expect, it } from "vitest";
import {
  describeScopeExclusion,
  isDeliverableEmailAddress,
  normalizeEmailAddress,
  resolveRecipients,
  type RecipientLists,
} from "./recipients";
import type { Priority } from "./types";

const MEDIUM_UP: Priority[] = ["medium", "high", "critical"];

function lists(partial: Partial<RecipientLists>): RecipientLists {
  return { globalRecipients: [], organizationRecipients: [], ...partial };
}

describe("resolveRecipients", () => {
  it("R-DEL-5: every global recipient is emailed, whatever the priority", () => {
    const config = lists({
      globalRecipients: [
        { id: "g1", email: "soc@msp.example" },
        { id: "g2", email: "noc@msp.example" },
      ],
    });
    for (const priority of ["low", "medium", "high", "critical"] as const) {
      const { recipients, excluded } = resolveRecipients(config, priority);
      expect(recipients.map((r) => r.address)).toEqual(["soc@msp.example", "noc@msp.example"]);
      expect(excluded).toEqual([]);
    }
  });

  it("R-DEL-5: an organization recipient is emailed only when its scope contains the alert's priority", () => {
    const config = lists({
      organizationRecipients: [{ id: "o1", email: "it@acme.example", priorities: ["medium", "critical"] }],
    });
    expect(resolveRecipients(config, "critical").recipients.map((r) => r.address)).toEqual(["it@acme.example"]);
    expect(resolveRecipients(config, "medium").recipients.map((r) => r.address)).toEqual(["it@acme.example"]);
    expect(resolveRecipients(config, "high").recipients).toEqual([]);
    expect(resolveRecipients(config, "low").recipients).toEqual([]);
  });

  it("R-DEL-5: an out-of-scope organization recipient is listed as excluded with the scope in the reason", () => {
    const config = lists({
      organizationRecipients: [{ id: "o1", email: "CEO@Acme.example", priorities: ["critical"] }],
    });
    const { recipients, excluded } = resolveRecipients(config, "medium");
    expect(recipients).toEqual([]);
    expect(excluded).toEqual([
      {
        address: "ceo@acme.example",
        lists: ["organization"],
        subjectFormat: "organization",
        rule: "R-DEL-5",
        reason: "Recipient scope Critical does not include Medium",
        sources: [{ list: "organization", recipientId: "o1", priorities: ["critical"], note: null }],
      },
    ]);
  });

  it("R-DEL-5: an address in both lists receives one email", () => {
    const config = lists({
      globalRecipients: [{ id: "g1", email: "Alerts@MSP.example" }],
      organizationRecipients: [{ id: "o1", email: "alerts@msp.example ", priorities: MEDIUM_UP }],
    });
    const { recipients, excluded, candidates } = resolveRecipients(config, "high");
    expect(recipients).toHaveLength(1);
    expect(recipients[0]).toMatchObject({ address: "alerts@msp.example", lists: ["global", "organization"] });
    expect(recipients[0].sources.map((s) => s.recipientId)).toEqual(["g1", "o1"]);
    expect(excluded).toEqual([]);
    expect(candidates).toHaveLength(1);
  });

  it("R-DEL-5: the same address twice in the organization list is one recipient whose scope is the union", () => {
    const config = lists({
      organizationRecipients: [
        { id: "o1", email: "it@acme.example", priorities: ["critical"] },
        { id: "o2", email: "IT@acme.example", priorities: ["medium"] },
      ],
    });
    const medium = resolveRecipients(config, "medium");
    expect(medium.recipients.map((r) => [r.address, r.sources.map((s) => s.recipientId)])).toEqual([
      ["it@acme.example", ["o2"]],
    ]);
    const low = resolveRecipients(config, "low");
    expect(low.recipients).toEqual([]);
    expect(low.excluded.map((x) => x.reason)).toEqual(["Recipient scope Medium and Critical does not include Low"]);
  });

  it("R-DEL-5: a global address whose organization entry is out of scope is still emailed, as a global recipient", () => {
    const config = lists({
      globalRecipients: [{ id: "g1", email: "soc@msp.example" }],
      organizationRecipients: [{ id: "o1", email: "soc@msp.example", priorities: ["critical"] }],
    });
    const { recipients, excluded } = resolveRecipients(config, "low");
    expect(recipients).toHaveLength(1);
    expect(recipients[0]).toMatchObject({ lists: ["global"], subjectFormat: "global" });
    expect(excluded).toEqual([]);
  });

  it("R-DEL-6: a global recipient uses the global subject format", () => {
    const { recipients } = resolveRecipients(lists({ globalRecipients: [{ id: "g1", email: "a@msp.example" }] }), "low");
    expect(recipients[0].subjectFormat).toBe("global");
  });

  it("R-DEL-6: an organization recipient uses the organization subject format", () => {
    const { recipients } = resolveRecipients(
      lists({ organizationRecipients: [{ id: "o1", email: "b@acme.example", priorities: MEDIUM_UP }] }),
      "high",
    );
    expect(recipients[0].subjectFormat).toBe("organization");
  });

  it("R-DEL-6: an address in both lists gets its one email with the global subject format", () => {
    const { recipients } = resolveRecipients(
      lists({
        globalRecipients: [{ id: "g1", email: "both@msp.example" }],
        organizationRecipients: [{ id: "o1", email: "both@msp.example", priorities: MEDIUM_UP }],
      }),
      "critical",
    );
    expect(recipients).toHaveLength(1);
    expect(recipients[0].subjectFormat).toBe("global");
  });

  it("R-DEL-5: output keeps first-configured order (global list, then organization list) and candidates interleave", () => {
    const config = lists({
      globalRecipients: [
        { id: "g1", email: "z@msp.example" },
        { id: "g2", email: "a@msp.example" },
      ],
      organizationRecipients: [
        { id: "o1", email: "out@acme.example", priorities: ["critical"] },
        { id: "o2", email: "in@acme.example", priorities: ["low"] },
        { id: "o3", email: "a@msp.example", priorities: ["low"] },
      ],
    });
    const { recipients, excluded, candidates } = resolveRecipients(config, "low");
    expect(recipients.map((r) => r.address)).toEqual(["z@msp.example", "a@msp.example", "in@acme.example"]);
    expect(excluded.map((r) => r.address)).toEqual(["out@acme.example"]);
    expect(candidates.map((c) => [c.address, c.included])).toEqual([
      ["z@msp.example", true],
      ["a@msp.example", true],
      ["out@acme.example", false],
      ["in@acme.example", true],
    ]);
  });

  it("R-SEC-5: an address that could inject headers is excluded, never emailed", () => {
    const config = lists({
      globalRecipients: [
        { id: "g1", email: "victim@msp.example\r\nBcc: attacker@evil.example" },
        { id: "g2", email: "ok@msp.example" },
      ],
    });
    const { recipients, excluded } = resolveRecipients(config, "high");
    expect(recipients.map((r) => r.address)).toEqual(["ok@msp.example"]);
    expect(excluded).toHaveLength(1);
    expect(excluded[0]).toMatchObject({ rule: "R-SEC-5", lists: ["global"], subjectFormat: "global" });
  });

  it("R-DEL-5: no recipients configured gives an empty resolution", () => {
    expect(resolveRecipients(lists({}), "critical")).toEqual({ recipients: [], excluded: [], candidates: [] });
  });

  it("R-DEL-5: does not modify the lists it is given", () => {
    const config = lists({
      globalRecipients: [{ id: "g1", email: " Mixed@Case.example " }],
      organizationRecipients: [{ id: "o1", email: "x@acme.example", priorities: ["high", "low"] }],
    });
    const before = structuredClone(config);
    const result = resolveRecipients(config, "high");
    result.recipients[1].sources[0].priorities?.push("critical");
    expect(config).toEqual(before);
  });
});

describe("address helpers", () => {
  it("R-DEL-5: addresses compare case-insensitively and ignore surrounding spaces", () => {
    expect(normalizeEmailAddress("  Jane.Doe@Example.COM ")).toBe("jane.doe@example.com");
  });

  it("R-SEC-5: only plausible single addresses are deliverable", () => {
    expect(isDeliverableEmailAddress("jane.doe+alerts@example.com")).toBe(true);
    expect(isDeliverableEmailAddress("alerts@switchboard.local")).toBe(true);
    for (const bad of [
      "",
      "no-at-sign",
      "a@b",
      "a b@example.com",
      "a@example.com\nBcc: x@y.z",
      "a@example.com, b@example.com",
      "<a@example.com>",
      "a@-example.com",
      `${"x".repeat(250)}@example.com`,
    ]) {
      expect(isDeliverableEmailAddress(bad), bad).toBe(false);
    }
  });

  it("R-DEL-5: the scope reason lists scope labels in priority order", () => {
    expect(describeScopeExclusion(["critical", "medium"], "low")).toBe(
      "Recipient scope Medium and Critical does not include Low",
    );
    expect(describeScopeExclusion(["critical", "high", "medium"], "low")).toBe(
      "Recipient scope Medium, High and Critical does not include Low",
    );
    expect(describeScopeExclusion([], "high")).toBe(
      "Recipient scope has no priorities selected, so it does not include High",
    );
  });
});
