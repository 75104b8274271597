import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { planDelivery } from "./plan";
import { normalizeEmailAddress } from "./recipients";
import { DEFAULT_GLOBAL_SUBJECT_FORMAT, MAX_SUBJECT_LENGTH, SAMPLE_ALERT } from "./render/subject";
import {
  PRIORITIES,
  PSA_VENDORS,
  type AlertForDelivery,
  type DeliveryConfigSnapshot,
  type EmailPlannedDelivery,
  type PlannedDelivery,
  type Priority,
  type PsaIntegrationSnapshot,
  type PsaPlannedDelivery,
} from "./types";

// ---------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------

function alertOf(overrides: Partial<AlertForDelivery> = {}): AlertForDelivery {
  return { ...structuredClone(SAMPLE_ALERT), organizationId: "org-acme", priority: "medium", ...overrides };
}

function psa(overrides: Partial<PsaIntegrationSnapshot> = {}): PsaIntegrationSnapshot {
  return {
    id: "psa-cw",
    name: "ConnectWise",
    vendor: "connectwise",
    status: "active",
    mapping: {
      companyId: "cw-company-42",
      companyName: "Acme Corporation",
      contactId: "cw-contact-7",
      siteId: "cw-site-1",
      overrides: { board: "SOC Escalations" },
    },
    fallback: { companyId: "cw-catchall", companyName: "Unmapped Alerts", contactId: "cw-contact-1" },
    defaults: { board: "Service Desk", status: "New", type: "Security", source: "MDR" },
    priorityMap: { low: "4", medium: "3", high: "2", critical: "1" },
    ...overrides,
  };
}

function snapshotOf(overrides: Partial<DeliveryConfigSnapshot> = {}): DeliveryConfigSnapshot {
  return {
    partner: { id: "partner-1", name: "Northwind IT" },
    organization: { id: "org-acme", name: "Acme", deliveryEnabled: true },
    email: {
      globalSubjectFormat: "GLOBAL [{{ alert.priority }}] {{ alert.title }} – {{ organization.name }}",
      organizationSubjectFormat: "ORG {{ organization.name }}: {{ alert.title }} ({{ alert.priority }})",
      respondEventDetail: true,
      iocEventDetail: false,
    },
    globalRecipients: [
      { id: "g-soc", email: "soc@northwind.example" },
      { id: "g-shared", email: "Shared@Acme.example" },
    ],
    organizationRecipients: [
      { id: "o-it", email: "it@acme.example", priorities: ["medium", "high", "critical"] },
      { id: "o-ceo", email: "ceo@acme.example", priorities: ["critical"] },
      { id: "o-shared", email: "shared@acme.example", priorities: ["medium", "high", "critical"] },
    ],
    psaIntegrations: [psa()],
    ...overrides,
  };
}

const psaOf = (plan: { deliveries: PlannedDelivery[] }) =>
  plan.deliveries.filter((d): d is PsaPlannedDelivery => d.channel === "psa");
const emailsOf = (plan: { deliveries: PlannedDelivery[] }) =>
  plan.deliveries.filter((d): d is EmailPlannedDelivery => d.channel === "email");
const byTarget = <T extends PlannedDelivery>(list: T[], target: string): T => {
  const found = list.find((d) => d.target === target);
  if (!found) throw new Error(`no delivery for ${target} in ${list.map((d) => d.target).join(", ")}`);
  return found;
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------
// R-DEL-1
// ---------------------------------------------------------------------------------------------------

describe("R-DEL-1 delivery never changes the alert", () => {
  it("R-DEL-1: planning reads the alert and the snapshot without modifying either", () => {
    const alert = alertOf();
    const snapshot = snapshotOf();
    const before = structuredClone({ alert, snapshot });
    // Frozen inputs make any write inside the planner throw (ESM is strict mode).
    const plan = planDelivery(deepFreeze(alert), deepFreeze(snapshot));
    expect({ alert, snapshot }).toEqual(before);
    expect(plan.summary.planned).toBeGreaterThan(0);
  });

  it("R-DEL-1: disabling notifications does not stop or change the alert; only deliveries are skipped", () => {
    const alert = deepFreeze(alertOf({ priority: "critical" }));
    const plan = planDelivery(alert, snapshotOf({ organization: { id: "org-acme", name: "Acme", deliveryEnabled: false } }));
    expect(alert).toEqual(alertOf({ priority: "critical" }));
    expect(Object.keys(plan)).toEqual(["deliveries", "summary"]);
    expect(plan.deliveries.every((d) => d.status === "skipped")).toBe(true);
  });

  it("R-DEL-1: the plan shares no objects with the snapshot, so editing a plan cannot change configuration", () => {
    const snapshot = snapshotOf();
    const plan = planDelivery(alertOf(), snapshot);
    const ticket = psaOf(plan)[0];
    ticket.psa.fields.board = "changed";
    emailsOf(plan)[0].email.lists.push("organization");
    expect(snapshot).toEqual(snapshotOf());
  });
});

// ---------------------------------------------------------------------------------------------------
// R-DEL-2
// ---------------------------------------------------------------------------------------------------

describe("R-DEL-2 organization PSA & email toggle", () => {
  const disabled = () =>
    snapshotOf({
      organization: { id: "org-acme", name: "Acme", deliveryEnabled: false },
      psaIntegrations: [
        psa(),
        psa({ id: "psa-at", name: "Autotask", vendor: "autotask", status: "paused" }),
        psa({ id: "psa-halo", name: "HaloPSA", vendor: "halopsa", mapping: null, fallback: null }),
      ],
    });

  it("R-DEL-2: toggle off ⇒ every PSA integration is skipped with a reason naming the organization", () => {
    const tickets = psaOf(planDelivery(alertOf(), disabled()));
    expect(tickets.map((d) => [d.target, d.status, d.rule, d.reason])).toEqual([
      ["psa-cw", "skipped", "R-DEL-2", "Organization Acme has PSA & email turned off"],
      ["psa-at", "skipped", "R-DEL-2", "Organization Acme has PSA & email turned off"],
      ["psa-halo", "skipped", "R-DEL-2", "Organization Acme has PSA & email turned off"],
    ]);
    expect(tickets.every((d) => d.psa.via === null)).toBe(true);
  });

  it("R-DEL-2: toggle off ⇒ every candidate recipient (global, in scope, out of scope) is skipped", () => {
    const plan = planDelivery(alertOf(), disabled());
    expect(emailsOf(plan).map((d) => [d.target, d.status, d.rule, d.reason])).toEqual([
      ["soc@northwind.example", "skipped", "R-DEL-2", "Organization Acme has PSA & email turned off"],
      ["shared@acme.example", "skipped", "R-DEL-2", "Organization Acme has PSA & email turned off"],
      ["it@acme.example", "skipped", "R-DEL-2", "Organization Acme has PSA & email turned off"],
      ["ceo@acme.example", "skipped", "R-DEL-2", "Organization Acme has PSA & email turned off"],
    ]);
    expect(plan.summary).toEqual({ planned: 0, skipped: 7 });
  });

  it("R-DEL-2: toggle off records exactly the same channels as toggle on — every skip is logged, none dropped", () => {
    const on = planDelivery(alertOf(), { ...disabled(), organization: { id: "org-acme", name: "Acme", deliveryEnabled: true } });
    const off = planDelivery(alertOf(), disabled());
    expect(off.deliveries.map((d) => [d.channel, d.target])).toEqual(on.deliveries.map((d) => [d.channel, d.target]));
    expect(on.summary.planned).toBeGreaterThan(0);
  });

  it("R-DEL-2: turning the toggle back on plans deliveries again", () => {
    const plan = planDelivery(alertOf(), snapshotOf());
    expect(byTarget(psaOf(plan), "psa-cw").status).toBe("planned");
    expect(byTarget(emailsOf(plan), "soc@northwind.example").status).toBe("planned");
  });
});

// ---------------------------------------------------------------------------------------------------
// R-DEL-3
// ---------------------------------------------------------------------------------------------------

describe("R-DEL-3 paused PSA integrations", () => {
  it("R-DEL-3: a paused PSA creates no ticket and says so; an active one alongside it still does", () => {
    const plan = planDelivery(
      alertOf(),
      snapshotOf({
        psaIntegrations: [psa({ status: "paused" }), psa({ id: "psa-syncro", name: "Syncro", vendor: "syncro" })],
      }),
    );
    const [paused, active] = psaOf(plan);
    expect(paused).toMatchObject({ status: "skipped", rule: "R-DEL-3", reason: "ConnectWise is paused" });
    expect(paused.psa).toEqual({
      integrationId: "psa-cw",
      integrationName: "ConnectWise",
      vendor: "connectwise",
      via: null,
      fields: {},
    });
    expect(active).toMatchObject({ target: "psa-syncro", status: "planned", rule: "R-DEL-4" });
  });

  it("R-DEL-3: a paused PSA still sends email — email deliveries are identical to those with the PSA active", () => {
    const active = planDelivery(alertOf(), snapshotOf());
    const paused = planDelivery(alertOf(), snapshotOf({ psaIntegrations: [psa({ status: "paused" })] }));
    const noPsa = planDelivery(alertOf(), snapshotOf({ psaIntegrations: [] }));
    expect(emailsOf(paused)).toEqual(emailsOf(active));
    expect(emailsOf(noPsa)).toEqual(emailsOf(active));
    expect(emailsOf(paused).filter((d) => d.status === "planned").length).toBe(3);
  });

  it("R-DEL-3: email settings never change PSA deliveries (toggles, formats, recipients)", () => {
    const reference = psaOf(planDelivery(alertOf(), snapshotOf()));
    const variants: Partial<DeliveryConfigSnapshot>[] = [
      {
        email: {
          globalSubjectFormat: "{{ alert.id }}",
          organizationSubjectFormat: "{{ partner.name }}",
          respondEventDetail: false,
          iocEventDetail: true,
        },
      },
      { globalRecipients: [], organizationRecipients: [] },
      { organizationRecipients: [{ id: "x", email: "x@acme.example", priorities: ["low"] }] },
      { email: { ...snapshotOf().email, globalSubjectFormat: "{{ alert.broken" } },
    ];
    for (const variant of variants) {
      expect(psaOf(planDelivery(alertOf(), snapshotOf(variant)))).toEqual(reference);
    }
  });

  it("R-DEL-3: setting a paused PSA back to Active resumes tickets with its configuration intact", () => {
    const integration = psa({ status: "paused" });
    const resumed = psaOf(planDelivery(alertOf(), snapshotOf({ psaIntegrations: [{ ...integration, status: "active" }] })));
    expect(resumed[0]).toMatchObject({ status: "planned", psa: { via: "mapping", companyId: "cw-company-42" } });
  });
});

// ---------------------------------------------------------------------------------------------------
// R-DEL-4
// ---------------------------------------------------------------------------------------------------

describe("R-DEL-4 PSA company mapping, fallback and ticket fields", () => {
  it("R-DEL-4: a mapped organization gets a ticket in its mapped company, contact and site", () => {
    const [ticket] = psaOf(planDelivery(alertOf({ priority: "high" }), snapshotOf()));
    expect(ticket).toEqual({
      channel: "psa",
      target: "psa-cw",
      status: "planned",
      rule: "R-DEL-4",
      reason: "Ticket in ConnectWise company Acme Corporation, which organization Acme is mapped to",
      psa: {
        integrationId: "psa-cw",
        integrationName: "ConnectWise",
        vendor: "connectwise",
        companyId: "cw-company-42",
        companyName: "Acme Corporation",
        contactId: "cw-contact-7",
        siteId: "cw-site-1",
        via: "mapping",
        fields: { board: "SOC Escalations", status: "New", type: "Security", source: "MDR" },
        priorityId: "2",
      },
    });
  });

  it("R-DEL-4: ticket fields are the integration defaults overlaid by the organization's overrides", () => {
    const integration = psa({
      defaults: { board: "Service Desk", status: "New", agreement: "Std" },
      mapping: { companyId: "c1", companyName: "Acme Co", overrides: { status: "Urgent", agreement: "Gold" } },
    });
    const [ticket] = psaOf(planDelivery(alertOf(), snapshotOf({ psaIntegrations: [integration] })));
    expect(ticket.psa.fields).toEqual({ board: "Service Desk", status: "Urgent", agreement: "Gold" });
    expect(ticket.psa.contactId).toBeUndefined();
    expect(ticket.psa.siteId).toBeUndefined();
  });

  it("R-DEL-4: the PSA priority follows the alert priority through the priority map", () => {
    for (const [priority, expected] of [["low", "4"], ["medium", "3"], ["high", "2"], ["critical", "1"]] as const) {
      const [ticket] = psaOf(planDelivery(alertOf({ priority }), snapshotOf()));
      expect(ticket.psa.priorityId, priority).toBe(expected);
    }
  });

  it("R-DEL-4: a mapping's priority override wins over the priority map", () => {
    const integration = psa({
      mapping: { companyId: "c1", companyName: "Acme Co", overrides: { priority: "P1-hospital" } },
    });
    const [ticket] = psaOf(planDelivery(alertOf({ priority: "low" }), snapshotOf({ psaIntegrations: [integration] })));
    expect(ticket.psa.priorityId).toBe("P1-hospital");
  });

  it("R-DEL-4: a gap in the priority map falls back to the integration's default priority, else none", () => {
    const gap = psa({ priorityMap: { critical: "1" }, defaults: { priority: "5" } });
    expect(psaOf(planDelivery(alertOf(), snapshotOf({ psaIntegrations: [gap] })))[0].psa.priorityId).toBe("5");
    const none = psa({ priorityMap: {}, defaults: {} });
    expect("priorityId" in psaOf(planDelivery(alertOf(), snapshotOf({ psaIntegrations: [none] })))[0].psa).toBe(false);
  });

  it("R-DEL-4: an unmapped organization goes to the default (catch-all) company and contact, with default fields", () => {
    const integration = psa({ mapping: null });
    const [ticket] = psaOf(planDelivery(alertOf({ priority: "critical" }), snapshotOf({ psaIntegrations: [integration] })));
    expect(ticket).toMatchObject({
      status: "planned",
      rule: "R-DEL-4",
      reason: "Organization Acme is not mapped in ConnectWise; ticket goes to the default company Unmapped Alerts",
    });
    expect(ticket.psa).toMatchObject({
      via: "fallback",
      companyId: "cw-catchall",
      companyName: "Unmapped Alerts",
      contactId: "cw-contact-1",
      fields: { board: "Service Desk", status: "New", type: "Security", source: "MDR" },
      priorityId: "1",
    });
    expect(ticket.psa.siteId).toBeUndefined();
  });

  it("R-DEL-4: unmapped and no default company ⇒ a recorded skip, never a silent drop", () => {
    const integration = psa({ mapping: null, fallback: null });
    const plan = planDelivery(alertOf(), snapshotOf({ psaIntegrations: [integration] }));
    expect(psaOf(plan)).toEqual([
      {
        channel: "psa",
        target: "psa-cw",
        status: "skipped",
        rule: "R-DEL-4",
        reason: "Organization Acme is not mapped in ConnectWise and no default company is set",
        psa: { integrationId: "psa-cw", integrationName: "ConnectWise", vendor: "connectwise", via: null, fields: {} },
      },
    ]);
  });

  it("R-DEL-4: reasons use each PSA's display name and its word for a company", () => {
    const expected: Record<string, string> = {
      connectwise: "Organization Acme is not mapped in ConnectWise and no default company is set",
      autotask: "Organization Acme is not mapped in Autotask and no default account is set",
      kaseya_bms: "Organization Acme is not mapped in Kaseya BMS and no default account is set",
      halopsa: "Organization Acme is not mapped in HaloPSA and no default client is set",
      syncro: "Organization Acme is not mapped in Syncro and no default customer is set",
    };
    const integrations = PSA_VENDORS.map((vendor) => psa({ id: vendor, name: vendor, vendor, mapping: null, fallback: null }));
    const plan = planDelivery(alertOf(), snapshotOf({ psaIntegrations: integrations }));
    for (const vendor of PSA_VENDORS) expect(byTarget(psaOf(plan), vendor).reason).toBe(expected[vendor]);
  });

  it("R-DEL-4: a mapping or default with a blank company id counts as not set", () => {
    const integration = psa({
      mapping: { companyId: " ", companyName: "", overrides: {} },
      fallback: { companyId: "", companyName: "" },
    });
    const [ticket] = psaOf(planDelivery(alertOf(), snapshotOf({ psaIntegrations: [integration] })));
    expect(ticket).toMatchObject({ status: "skipped", rule: "R-DEL-4" });
  });

  it("R-DEL-4: an integration listed twice in a hand-built snapshot is planned once", () => {
    const plan = planDelivery(alertOf(), snapshotOf({ psaIntegrations: [psa(), psa({ status: "paused" })] }));
    expect(psaOf(plan)).toHaveLength(1);
    expect(psaOf(plan)[0].status).toBe("planned");
  });
});

// ---------------------------------------------------------------------------------------------------
// R-DEL-5 and R-DEL-6
// ---------------------------------------------------------------------------------------------------

describe("R-DEL-5 recipients and R-DEL-6 subject formats", () => {
  it("R-DEL-5: global recipients plus in-scope organization recipients are emailed; out-of-scope ones are skipped", () => {
    const plan = planDelivery(alertOf({ priority: "medium" }), snapshotOf());
    expect(emailsOf(plan).map((d) => [d.target, d.status, d.rule])).toEqual([
      ["soc@northwind.example", "planned", "R-DEL-5"],
      ["shared@acme.example", "planned", "R-DEL-5"],
      ["it@acme.example", "planned", "R-DEL-5"],
      ["ceo@acme.example", "skipped", "R-DEL-5"],
    ]);
    expect(byTarget(emailsOf(plan), "ceo@acme.example").reason).toBe("Recipient scope Critical does not include Medium");
  });

  it("R-DEL-5: a critical alert reaches the critical-only recipient too", () => {
    const plan = planDelivery(alertOf({ priority: "critical" }), snapshotOf());
    expect(byTarget(emailsOf(plan), "ceo@acme.example")).toMatchObject({
      status: "planned",
      reason: "Organization recipient; scope Critical includes Critical",
    });
  });

  it("R-DEL-5: a low alert reaches only global recipients", () => {
    const plan = planDelivery(alertOf({ priority: "low" }), snapshotOf());
    expect(emailsOf(plan).filter((d) => d.status === "planned").map((d) => d.target)).toEqual([
      "soc@northwind.example",
      "shared@acme.example",
    ]);
    expect(byTarget(emailsOf(plan), "it@acme.example").reason).toBe(
      "Recipient scope Medium, High and Critical does not include Low",
    );
  });

  it("R-DEL-5: an address in both lists (any letter case) receives one email", () => {
    const plan = planDelivery(alertOf({ priority: "high" }), snapshotOf());
    const shared = emailsOf(plan).filter((d) => d.target === "shared@acme.example");
    expect(shared).toHaveLength(1);
    expect(shared[0]).toMatchObject({
      status: "planned",
      reason: "Global and organization recipient; one email, with the global subject format",
      email: { address: "shared@acme.example", lists: ["global", "organization"], subjectFormat: "global" },
    });
  });

  it("R-DEL-6: global recipients get the global format, organization recipients the organization format", () => {
    const plan = planDelivery(alertOf({ priority: "high", title: "Ransomware note found" }), snapshotOf());
    expect(byTarget(emailsOf(plan), "soc@northwind.example").email).toMatchObject({
      subjectFormat: "global",
      subject: "GLOBAL [High] Ransomware note found – Acme",
    });
    expect(byTarget(emailsOf(plan), "it@acme.example").email).toMatchObject({
      subjectFormat: "organization",
      subject: "ORG Acme: Ransomware note found (High)",
    });
  });

  it("R-DEL-6: the two formats are independent — changing one leaves the other's subjects unchanged", () => {
    const base = planDelivery(alertOf(), snapshotOf());
    const changed = planDelivery(
      alertOf(),
      snapshotOf({ email: { ...snapshotOf().email, organizationSubjectFormat: "Changed {{ alert.id }}" } }),
    );
    expect(byTarget(emailsOf(changed), "soc@northwind.example").email.subject).toBe(
      byTarget(emailsOf(base), "soc@northwind.example").email.subject,
    );
    expect(byTarget(emailsOf(changed), "it@acme.example").email.subject).toBe(`Changed ${SAMPLE_ALERT.id}`);
  });

  it("R-DEL-6: a stored format that no longer validates falls back to the default and the reason says so", () => {
    const plan = planDelivery(
      alertOf({ priority: "high" }),
      snapshotOf({ email: { ...snapshotOf().email, globalSubjectFormat: "{{ alert.gone }}" } }),
    );
    const soc = byTarget(emailsOf(plan), "soc@northwind.example");
    expect(soc.status).toBe("planned");
    expect(soc.email.subject).toBe(`[High] ${SAMPLE_ALERT.title} – Acme`);
    expect(soc.reason).toMatch(/^Global recipient; the global subject format is invalid \(Unknown token \{\{ alert\.gone \}\}/);
    expect(DEFAULT_GLOBAL_SUBJECT_FORMAT).toContain("organization.name");
    // The organization format was valid and is untouched.
    expect(byTarget(emailsOf(plan), "it@acme.example").reason).toBe(
      "Organization recipient; scope Medium, High and Critical includes High",
    );
  });

  it("R-SEC-5: a stored address that could inject headers is skipped, never planned", () => {
    const plan = planDelivery(
      alertOf(),
      snapshotOf({ globalRecipients: [{ id: "g-bad", email: "x@acme.example\r\nBcc: all@evil.example" }] }),
    );
    const bad = emailsOf(plan).find((d) => d.rule === "R-SEC-5");
    expect(bad).toMatchObject({ status: "skipped", reason: "Address is not a valid email address, so no email is sent to it" });
  });

  it("R-SEC-5: a title with line breaks yields a one-line subject", () => {
    const plan = planDelivery(alertOf({ title: "a\r\nBcc: evil@example.com" }), snapshotOf());
    for (const d of emailsOf(plan)) expect(d.email.subject).not.toMatch(/[\r\n]/);
  });
});

// ---------------------------------------------------------------------------------------------------
// R-DEL-7, R-DEL-9, R-DEL-10, R-DEL-11
// ---------------------------------------------------------------------------------------------------

describe("R-DEL-7 detail toggles, R-DEL-9 nothing configured, R-DEL-10/11 stored explanation", () => {
  it("R-DEL-7: Respond and IOC detail toggles are copied onto every email delivery", () => {
    for (const [respond, ioc] of [[true, false], [false, true], [true, true], [false, false]] as const) {
      const plan = planDelivery(
        alertOf(),
        snapshotOf({ email: { ...snapshotOf().email, respondEventDetail: respond, iocEventDetail: ioc } }),
      );
      for (const d of emailsOf(plan)) {
        expect(d.email.includeRespondEvents).toBe(respond);
        expect(d.email.includeIocMatches).toBe(ioc);
      }
    }
  });

  it("R-DEL-7: the detail toggles change email content only, never who is emailed or which tickets are made", () => {
    const on = planDelivery(alertOf(), snapshotOf());
    const off = planDelivery(
      alertOf(),
      snapshotOf({ email: { ...snapshotOf().email, respondEventDetail: false, iocEventDetail: false } }),
    );
    const who = (p: typeof on) => p.deliveries.map((d) => [d.channel, d.target, d.status, d.rule, d.reason]);
    expect(who(off)).toEqual(who(on));
    expect(psaOf(off)).toEqual(psaOf(on));
  });

  it("R-DEL-9: nothing configured ⇒ an empty plan with zero counts, whether the toggle is on or off", () => {
    for (const deliveryEnabled of [true, false]) {
      const plan = planDelivery(
        alertOf(),
        snapshotOf({
          organization: { id: "org-acme", name: "Acme", deliveryEnabled },
          globalRecipients: [],
          organizationRecipients: [],
          psaIntegrations: [],
        }),
      );
      expect(plan).toEqual({ deliveries: [], summary: { planned: 0, skipped: 0 } });
    }
  });

  it("R-DEL-10: the plan is plain data — it survives a JSON round trip unchanged", () => {
    const plan = planDelivery(alertOf({ detectedAt: new Date("2025-03-04T14:07:12Z") }), snapshotOf());
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it("R-DEL-10: the plan depends only on its inputs — same alert and snapshot, same plan", () => {
    const snapshot = snapshotOf();
    expect(planDelivery(alertOf(), snapshot)).toEqual(planDelivery(alertOf(), structuredClone(snapshot)));
  });

  it("R-DEL-11: every PSA integration and every candidate address has exactly one entry with a rule and a reason", () => {
    const plan = planDelivery(alertOf(), snapshotOf());
    expect(plan.deliveries.map((d) => `${d.channel}:${d.target}`)).toEqual([
      "psa:psa-cw",
      "email:soc@northwind.example",
      "email:shared@acme.example",
      "email:it@acme.example",
      "email:ceo@acme.example",
    ]);
    for (const d of plan.deliveries) {
      expect(d.rule).toMatch(/^R-(DEL|SEC)-\d+$/);
      expect(d.reason.length).toBeGreaterThan(0);
    }
    expect(plan.summary).toEqual({ planned: 4, skipped: 1 });
  });
});

// ---------------------------------------------------------------------------------------------------
// Properties over random snapshots
// ---------------------------------------------------------------------------------------------------

const priorityArb = fc.constantFrom<Priority>(...PRIORITIES);
const scopeArb = fc.subarray([...PRIORITIES]);
// A small pool with case and whitespace variants forces the collisions R-DEL-5 is about; the last two
// are unusable addresses (R-SEC-5).
const emailArb = fc
  .tuple(
    fc.constantFrom(
      "soc@msp.example",
      "it@acme.example",
      "ceo@acme.example",
      "shared@acme.example",
      "x@y.example",
      "bad address@acme.example",
      "a@b.example\r\nBcc: c@d.example",
    ),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([email, upper, pad]) => `${pad ? " " : ""}${upper ? email.toUpperCase() : email}${pad ? " " : ""}`);
const textArb = fc.string({ maxLength: 40, unit: "binary" });
const fieldsArb = fc.dictionary(fc.constantFrom("board", "status", "priority", "type", "source"), fc.string({ maxLength: 8 }), {
  maxKeys: 4,
});
const formatArb = fc.constantFrom(
  DEFAULT_GLOBAL_SUBJECT_FORMAT,
  "{{ alert.title | upcase }} {{ alert.source | default: 'MDR' }}",
  "{{ partner.name }} / {{ alert.id }}",
  "{{ alert.nope }}",
  "plain",
);

const integrationArb: fc.Arbitrary<PsaIntegrationSnapshot> = fc.record({
  id: fc.constantFrom("i1", "i2", "i3", "i4", "i5"),
  name: fc.constantFrom("ConnectWise", "Autotask EU", "Halo"),
  vendor: fc.constantFrom<string>(...PSA_VENDORS, "other"),
  status: fc.constantFrom("active" as const, "paused" as const),
  mapping: fc.option(
    fc.record({
      companyId: fc.constantFrom("", "c1", "c2"),
      companyName: textArb,
      contactId: fc.option(fc.constantFrom("k1", ""), { nil: undefined }),
      siteId: fc.option(fc.constantFrom("s1", ""), { nil: null }),
      overrides: fieldsArb,
    }),
    { nil: null },
  ),
  fallback: fc.option(
    fc.record({ companyId: fc.constantFrom("", "f1"), companyName: textArb, contactId: fc.option(fc.constant("fk"), { nil: null }) }),
    { nil: null },
  ),
  defaults: fieldsArb,
  priorityMap: fc.dictionary(priorityArb, fc.constantFrom("1", "2", "3"), { maxKeys: 4 }),
});

const snapshotArb: fc.Arbitrary<DeliveryConfigSnapshot> = fc.record({
  partner: fc.record({ id: fc.constant("p"), name: textArb }),
  organization: fc.record({ id: fc.constant("o"), name: textArb, deliveryEnabled: fc.boolean() }),
  email: fc.record({
    globalSubjectFormat: formatArb,
    organizationSubjectFormat: formatArb,
    respondEventDetail: fc.boolean(),
    iocEventDetail: fc.boolean(),
  }),
  globalRecipients: fc.array(fc.record({ id: fc.uuid(), email: emailArb }), { maxLength: 5 }),
  organizationRecipients: fc.array(fc.record({ id: fc.uuid(), email: emailArb, priorities: scopeArb }), { maxLength: 6 }),
  psaIntegrations: fc.uniqueArray(integrationArb, { selector: (i) => i.id, maxLength: 5 }),
});

const alertArb: fc.Arbitrary<AlertForDelivery> = fc.record({
  id: fc.uuid(),
  organizationId: fc.constant("o"),
  priority: priorityArb,
  title: textArb,
  summary: textArb,
  detectedAt: fc.oneof(
    fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }),
    fc.constant("2025-03-04T14:07:12Z"),
  ),
  source: fc.option(textArb, { nil: null }),
  respondEvents: fc.array(fc.record({ time: fc.constant("2025-03-04T14:08:03Z"), action: textArb }), { maxLength: 3 }),
  iocMatches: fc.array(fc.record({ type: fc.constant("ip"), value: textArb }), { maxLength: 3 }),
});

describe("planDelivery properties", () => {
  it("R-DEL-11: for any snapshot, (channel, target) is unique and every integration and address appears exactly once", () => {
    fc.assert(
      fc.property(alertArb, snapshotArb, (alert, snapshot) => {
        const plan = planDelivery(alert, snapshot);
        const keys = plan.deliveries.map((d) => `${d.channel}\u0000${d.target}`);
        expect(new Set(keys).size).toBe(keys.length);

        const integrationIds = snapshot.psaIntegrations.map((i) => i.id).sort();
        expect(psaOf(plan).map((d) => d.target).sort()).toEqual(integrationIds);

        const addresses = [
          ...new Set([...snapshot.globalRecipients, ...snapshot.organizationRecipients].map((r) => normalizeEmailAddress(r.email))),
        ].sort();
        expect(emailsOf(plan).map((d) => d.target).sort()).toEqual(addresses);

        const planned = plan.deliveries.filter((d) => d.status === "planned").length;
        expect(plan.summary).toEqual({ planned, skipped: plan.deliveries.length - planned });
        for (const d of plan.deliveries) expect(d.reason).not.toBe("");
      }),
      { numRuns: 300 },
    );
  });

  it("R-DEL-1: for any inputs the alert (and snapshot) are not mutated", () => {
    fc.assert(
      fc.property(alertArb, snapshotArb, (alert, snapshot) => {
        const before = structuredClone({ alert, snapshot });
        planDelivery(alert, snapshot);
        expect({ alert, snapshot }).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });

  it("R-DEL-2: for any snapshot with the toggle off, nothing is planned and every entry cites R-DEL-2", () => {
    fc.assert(
      fc.property(alertArb, snapshotArb, (alert, snapshot) => {
        const plan = planDelivery(alert, { ...snapshot, organization: { ...snapshot.organization, deliveryEnabled: false } });
        expect(plan.summary.planned).toBe(0);
        for (const d of plan.deliveries) expect([d.status, d.rule]).toEqual(["skipped", "R-DEL-2"]);
      }),
      { numRuns: 200 },
    );
  });

  it("R-DEL-3: for any snapshot, PSA deliveries ignore email settings and email deliveries ignore PSA settings", () => {
    fc.assert(
      fc.property(alertArb, snapshotArb, snapshotArb, (alert, a, b) => {
        // b's email side with a's PSA side, and vice versa.
        const psaFromA = { ...b, organization: a.organization, partner: a.partner, psaIntegrations: a.psaIntegrations };
        expect(psaOf(planDelivery(alert, psaFromA))).toEqual(psaOf(planDelivery(alert, a)));
        const emailFromA = { ...a, psaIntegrations: b.psaIntegrations };
        expect(emailsOf(planDelivery(alert, emailFromA))).toEqual(emailsOf(planDelivery(alert, a)));
      }),
      { numRuns: 200 },
    );
  });

  it("R-DEL-5: for any snapshot, each planned email goes to a global recipient or an in-scope organization recipient", () => {
    fc.assert(
      fc.property(alertArb, snapshotArb, (alert, snapshot) => {
        const plan = planDelivery(alert, snapshot);
        for (const d of emailsOf(plan).filter((e) => e.status === "planned")) {
          const global = snapshot.globalRecipients.some((r) => normalizeEmailAddress(r.email) === d.target);
          const inScope = snapshot.organizationRecipients.some(
            (r) => normalizeEmailAddress(r.email) === d.target && r.priorities.includes(alert.priority),
          );
          expect(global || inScope).toBe(true);
          expect(d.email.subjectFormat).toBe(global ? "global" : "organization");
        }
      }),
      { numRuns: 200 },
    );
  });

  it("R-SEC-5: for any alert text, every subject is one line within the length cap", () => {
    fc.assert(
      fc.property(alertArb, snapshotArb, (alert, snapshot) => {
        for (const d of emailsOf(planDelivery(alert, snapshot))) {
          // eslint-disable-next-line no-control-regex
          expect(d.email.subject).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
          expect(Array.from(d.email.subject).length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
          expect(d.email.subject.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("R-DEL-10: for any inputs, planning is deterministic and the plan is JSON-stable", () => {
    fc.assert(
      fc.property(alertArb, snapshotArb, (alert, snapshot) => {
        const first = planDelivery(alert, snapshot);
        expect(planDelivery(structuredClone(alert), structuredClone(snapshot))).toEqual(first);
        expect(JSON.parse(JSON.stringify(first))).toEqual(first);
      }),
      { numRuns: 100 },
    );
  });
});
