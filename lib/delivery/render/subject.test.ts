import { describe, expect, it } from "vitest";
import {
  DEFAULT_GLOBAL_SUBJECT_FORMAT,
  DEFAULT_ORGANIZATION_SUBJECT_FORMAT,
  MAX_SUBJECT_FORMAT_LENGTH,
  MAX_SUBJECT_LENGTH,
  SAMPLE_ALERT,
  SAMPLE_SUBJECT_CONTEXT,
  SUBJECT_FILTERS,
  SUBJECT_TOKENS,
  SubjectFormatError,
  formatDetectedAt,
  renderSubject,
  toSingleLine,
  validateSubjectFormat,
  type SubjectContext,
} from "./subject";

function context(alert: Partial<SubjectContext["alert"]> = {}): SubjectContext {
  return {
    alert: { ...SAMPLE_ALERT, ...alert },
    organization: { name: "Acme Dental" },
    partner: { name: "Northwind IT" },
  };
}

function rejection(format: string): string {
  const result = validateSubjectFormat(format);
  if (result.ok) throw new Error(`expected ${JSON.stringify(format)} to be rejected`);
  return result.message;
}

describe("validateSubjectFormat", () => {
  it("R-DEL-6: the default formats and every token are valid", () => {
    expect(validateSubjectFormat(DEFAULT_GLOBAL_SUBJECT_FORMAT)).toEqual({ ok: true });
    expect(validateSubjectFormat(DEFAULT_ORGANIZATION_SUBJECT_FORMAT)).toEqual({ ok: true });
    for (const t of SUBJECT_TOKENS) expect(validateSubjectFormat(`x ${t.placeholder} y`), t.token).toEqual({ ok: true });
    expect(validateSubjectFormat("Security alert")).toEqual({ ok: true });
  });

  it("R-DEL-6: allowed filters are accepted", () => {
    expect(
      validateSubjectFormat(
        "{{ alert.priority | upcase }} {{ alert.title | truncate: 40 }} {{ alert.source | default: 'MDR' }} {{ organization.name | downcase | append: '!' }}",
      ),
    ).toEqual({ ok: true });
    expect(SUBJECT_FILTERS).toContain("default");
  });

  it("R-SEC-5: an unknown token is rejected and the message names the exact token", () => {
    const message = rejection("[{{ alert.priority }}] {{ alert.nope }}");
    expect(message).toContain("{{ alert.nope }}");
    expect(message).toContain("Unknown token");
    expect(message).toContain("{{ alert.title }}");
  });

  it("R-SEC-5: an unknown token used as a filter argument is rejected too", () => {
    expect(rejection("{{ alert.title | default: alert.secret }}")).toContain("{{ alert.secret }}");
  });

  it("R-SEC-5: whole objects, computed lookups and properties of tokens are not tokens", () => {
    expect(rejection("{{ alert }}")).toContain("{{ alert }}");
    expect(rejection("{{ alert.title.size }}")).toContain("{{ alert.title.size }}");
    expect(rejection("{{ alert[organization.name] }}")).toContain("Unknown token");
    expect(rejection("{{ constructor }}")).toContain("{{ constructor }}");
  });

  it("R-SEC-5: bad syntax is rejected with a readable message", () => {
    expect(rejection("[{{ alert.priority }}] {{ alert.title")).toMatch(/Invalid subject format: .*not closed/);
    expect(rejection("{{ }}")).toMatch(/^Invalid subject format/);
    expect(rejection("{{ alert.title == 'x' }}")).toContain("single token");
  });

  it("R-SEC-5: tags (include, render, layout, loops) are rejected: no file system, no unbounded work", () => {
    expect(rejection("{% include 'secrets' %}")).toContain("{% include %}");
    expect(rejection("{% render 'x' %}")).toContain("{% render %}");
    expect(rejection("{% layout 'x' %}")).toContain("not allowed");
    expect(rejection("{% for i in (1..100000) %}x{% endfor %}")).toContain("{% for %}");
    expect(rejection("{% assign x = 1 %}")).toContain("not allowed");
  });

  it("R-SEC-5: filters outside the allow-list are rejected by name", () => {
    expect(rejection("{{ alert.detected_at | date: '%Y' }}")).toContain('Filter "date" is not allowed');
    expect(rejection("{{ alert.title | nonsense }}")).toContain('Filter "nonsense" is not allowed');
  });

  it("R-SEC-5: empty, over-long and multi-line formats are rejected", () => {
    expect(rejection("   ")).toBe("Subject format cannot be empty");
    expect(rejection("x".repeat(MAX_SUBJECT_FORMAT_LENGTH + 1))).toContain(`maximum is ${MAX_SUBJECT_FORMAT_LENGTH}`);
    expect(validateSubjectFormat("x".repeat(MAX_SUBJECT_FORMAT_LENGTH))).toEqual({ ok: true });
    expect(rejection("{{ alert.title }}\r\nBcc: x@evil.example")).toContain("line breaks");
  });
});

describe("renderSubject", () => {
  it("R-DEL-6: the default global format puts the organization last", () => {
    expect(renderSubject(DEFAULT_GLOBAL_SUBJECT_FORMAT, context())).toBe(
      "[High] Suspicious PowerShell download cradle on FIN-WS-014 – Acme Dental",
    );
  });

  it("R-DEL-6: the default organization format leads with the organization", () => {
    expect(renderSubject(DEFAULT_ORGANIZATION_SUBJECT_FORMAT, context({ priority: "critical" }))).toBe(
      "[Critical] Acme Dental: Suspicious PowerShell download cradle on FIN-WS-014",
    );
  });

  it("R-DEL-6: every token renders its documented value", () => {
    const subject = renderSubject(
      "{{ alert.priority }}|{{ alert.title }}|{{ alert.id }}|{{ alert.detected_at }}|{{ alert.source }}|{{ organization.name }}|{{ partner.name }}",
      context({ detectedAt: new Date("2025-03-04T14:07:12.345Z") }),
    );
    expect(subject).toBe(
      `High|${SAMPLE_ALERT.title}|${SAMPLE_ALERT.id}|2025-03-04T14:07:12Z|Datto EDR|Acme Dental|Northwind IT`,
    );
  });

  it("R-DEL-6: a missing source is empty, and `default` fills it", () => {
    expect(renderSubject("{{ alert.source | default: 'MDR' }}: {{ alert.title }}", context({ source: null }))).toBe(
      `MDR: ${SAMPLE_ALERT.title}`,
    );
  });

  it("R-SEC-5: CR/LF and control characters in alert text cannot add a header line", () => {
    const subject = renderSubject(
      "{{ alert.title }} {{ organization.name }}",
      {
        alert: { ...SAMPLE_ALERT, title: "Login\r\nBcc: attacker@evil.example\u0000\u2028x" },
        organization: { name: "Acme\tDental\n" },
        partner: { name: "P" },
      },
    );
    expect(subject).toBe("Login Bcc: attacker@evil.example x Acme Dental");
    expect(subject).not.toMatch(/[\r\n\u0000-\u001f\u2028]/);
  });

  it("R-SEC-5: subjects are plain text, not HTML-escaped", () => {
    expect(renderSubject("{{ alert.title }}", context({ title: "<script>alert(1)</script> & more" }))).toBe(
      "<script>alert(1)</script> & more",
    );
  });

  it("R-SEC-5: long subjects are capped without splitting characters", () => {
    const subject = renderSubject("{{ alert.title }}", context({ title: "🔥".repeat(400) }));
    expect(Array.from(subject)).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(subject.endsWith("…")).toBe(true);
    expect(subject).not.toMatch(/[\ud800-\udbff]…$/);
  });

  it("R-DEL-6: a format that renders to nothing falls back to priority and title", () => {
    expect(renderSubject("{{ alert.source }}", context({ source: null }))).toBe(`[High] ${SAMPLE_ALERT.title}`);
  });

  it("R-SEC-5: an invalid format throws SubjectFormatError naming the problem", () => {
    expect(() => renderSubject("{{ alert.nope }}", context())).toThrow(SubjectFormatError);
    expect(() => renderSubject("{{ alert.nope }}", context())).toThrow(/alert\.nope/);
  });
});

describe("helpers and samples", () => {
  it("R-SEC-5: toSingleLine collapses whitespace and trims", () => {
    expect(toSingleLine("  a \r\n\t b  ")).toBe("a b");
  });

  it("R-DEL-6: detected_at is ISO-8601 UTC to the second; bad input is passed through", () => {
    expect(formatDetectedAt("2025-03-04T16:07:12+02:00")).toBe("2025-03-04T14:07:12Z");
    expect(formatDetectedAt("not a date")).toBe("not a date");
  });

  it("R-DEL-7: the sample alert has Respond events and IOC matches for previews", () => {
    expect(SAMPLE_ALERT.respondEvents.length).toBeGreaterThanOrEqual(2);
    expect(SAMPLE_ALERT.iocMatches.length).toBeGreaterThanOrEqual(2);
    expect(renderSubject(DEFAULT_GLOBAL_SUBJECT_FORMAT, SAMPLE_SUBJECT_CONTEXT)).toContain("Acme Dental");
  });
});
