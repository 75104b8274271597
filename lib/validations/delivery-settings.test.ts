import { describe, expect, it } from "vitest";
import { resolveRecipients } from "@/lib/delivery/recipients";
import { DEFAULT_GLOBAL_SUBJECT_FORMAT, DEFAULT_ORGANIZATION_SUBJECT_FORMAT } from "@/lib/delivery/render/subject";
import { PRIORITIES } from "@/lib/delivery/types";
import {
  DEFAULT_ORGANIZATION_RECIPIENT_PRIORITIES,
  addGlobalRecipientSchema,
  addOrganizationRecipientSchema,
  emailPreviewQuerySchema,
  emailSettingsSchema,
  priorityScopeSchema,
  setOrganizationDeliverySchema,
  subjectFormatSchema,
} from "./delivery-settings";

const ORG = "2b1f3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

function firstMessage(result: { success: boolean; error?: { issues: { message: string }[] } }): string {
  if (result.success) throw new Error("expected a rejection");
  return result.error!.issues[0].message;
}

describe("subject format schema", () => {
  it("R-DEL-6: both default formats are accepted as they are", () => {
    expect(subjectFormatSchema.parse(DEFAULT_GLOBAL_SUBJECT_FORMAT)).toBe(DEFAULT_GLOBAL_SUBJECT_FORMAT);
    expect(subjectFormatSchema.parse(DEFAULT_ORGANIZATION_SUBJECT_FORMAT)).toBe(DEFAULT_ORGANIZATION_SUBJECT_FORMAT);
  });

  it("R-DEL-6: the form rejects an unknown token at save time, naming the token", () => {
    const message = firstMessage(subjectFormatSchema.safeParse("[{{ alert.severity }}] {{ alert.title }}"));
    expect(message).toContain("Unknown token {{ alert.severity }}");
  });

  it("R-DEL-6: the form rejects bad template syntax with the engine's reason", () => {
    expect(firstMessage(subjectFormatSchema.safeParse("{{ alert.title"))).toMatch(/^Invalid subject format/);
    expect(firstMessage(subjectFormatSchema.safeParse("{% if alert.title %}x{% endif %}"))).toMatch(/Tags such as/);
    expect(firstMessage(subjectFormatSchema.safeParse("   "))).toMatch(/cannot be empty/);
  });

  it("R-DEL-6: each of the two formats is validated on its own field", () => {
    const result = emailSettingsSchema.safeParse({
      globalSubjectFormat: DEFAULT_GLOBAL_SUBJECT_FORMAT,
      organizationSubjectFormat: "{{ organisation.name }}",
      respondEventDetail: true,
      iocEventDetail: true,
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join("."))).toEqual(["organizationSubjectFormat"]);
  });

  it("R-DEL-7: the preview route reads the detail toggles as 1/0 flags", () => {
    const parsed = emailPreviewQuerySchema.parse({
      globalSubjectFormat: DEFAULT_GLOBAL_SUBJECT_FORMAT,
      organizationSubjectFormat: DEFAULT_ORGANIZATION_SUBJECT_FORMAT,
      respondEventDetail: "0",
      iocEventDetail: "1",
    });
    expect(parsed).toMatchObject({ respondEventDetail: false, iocEventDetail: true });
    expect(emailPreviewQuerySchema.safeParse({ ...parsed, respondEventDetail: "maybe", iocEventDetail: "1" }).success).toBe(false);
  });
});

describe("recipient schemas", () => {
  it("R-DEL-8: a valid address is trimmed and lower-cased; the why-note is optional", () => {
    expect(addGlobalRecipientSchema.parse({ email: "  SOC@Example.COM " })).toEqual({ email: "soc@example.com" });
    expect(addGlobalRecipientSchema.parse({ email: "soc@example.com", note: " SOC inbox " }).note).toBe("SOC inbox");
  });

  it("R-SEC-5: invalid addresses, lists and header injection are refused with a clear message", () => {
    expect(firstMessage(addGlobalRecipientSchema.safeParse({ email: "" }))).toBe("Enter an email address.");
    expect(firstMessage(addGlobalRecipientSchema.safeParse({ email: "soc@" }))).toMatch(/valid email address/);
    for (const bad of ["a@b.com, c@d.com", "a@b.com\r\nBcc: x@evil.test", "<a@b.com>", "a b@c.com"]) {
      expect(addGlobalRecipientSchema.safeParse({ email: bad }).success, bad).toBe(false);
    }
  });

  it("R-DEL-5: new organization recipients default to Medium, High and Critical", () => {
    expect(DEFAULT_ORGANIZATION_RECIPIENT_PRIORITIES).toEqual(["medium", "high", "critical"]);
  });

  it("R-DEL-5: a priority scope needs at least one priority and is stored de-duplicated in Low → Critical order", () => {
    expect(priorityScopeSchema.parse(["critical", "low", "critical"])).toEqual(["low", "critical"]);
    expect(firstMessage(priorityScopeSchema.safeParse([]))).toBe("Choose at least one priority.");
    expect(priorityScopeSchema.safeParse(["urgent"]).success).toBe(false);
    const parsed = addOrganizationRecipientSchema.parse({ organizationId: ORG, email: "ciso@customer.test", priorities: ["critical"] });
    expect(parsed.priorities).toEqual(["critical"]);
  });

  it("R-DEL-5: a recipient saved with a Critical-only scope is emailed for Critical alerts and no other priority", () => {
    const saved = addOrganizationRecipientSchema.parse({ organizationId: ORG, email: "CISO@customer.test", priorities: ["critical"] });
    const lists = {
      globalRecipients: [],
      organizationRecipients: [{ id: "r1", email: saved.email, priorities: saved.priorities }],
    };
    const emailed = PRIORITIES.filter((p) => resolveRecipients(lists, p).recipients.length > 0);
    expect(emailed).toEqual(["critical"]);
  });

  it("R-DEL-2: the PSA & email toggle input is a boolean with an optional why-note", () => {
    expect(setOrganizationDeliverySchema.parse({ organizationId: ORG, enabled: false, note: "" })).toEqual({
      organizationId: ORG,
      enabled: false,
    });
    expect(setOrganizationDeliverySchema.safeParse({ organizationId: ORG, enabled: "off" }).success).toBe(false);
  });
});
