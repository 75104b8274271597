import { describe, expect, it } from "vitest";
import type { AlertForDelivery } from "../types";
import { MAX_LISTED_EVENTS, formatEmailTime, renderAlertEmail, safeHttpUrl, type AlertEmailInput } from "./email";
import { SAMPLE_ALERT } from "./subject";

function input(overrides: Partial<AlertEmailInput> = {}): AlertEmailInput {
  return {
    alert: SAMPLE_ALERT,
    organizationName: "Acme Dental",
    partnerName: "Northwind IT Services",
    subject: "[High] Suspicious PowerShell download cradle on FIN-WS-014 – Acme Dental",
    includeRespondEvents: false,
    includeIocMatches: false,
    ...overrides,
  };
}

const withoutDetail = (alert: AlertForDelivery): AlertForDelivery => ({ ...alert, respondEvents: [], iocMatches: [] });

describe("renderAlertEmail", () => {
  it("R-DEL-7: the summary email carries priority, title, organization, detection time and summary", async () => {
    const { html, text } = await renderAlertEmail(input());
    for (const part of [html, text]) {
      expect(part).toContain("High priority");
      expect(part).toContain(SAMPLE_ALERT.title);
      expect(part).toContain("Acme Dental");
      expect(part).toContain("4 Mar 2025, 14:07:12 UTC");
      expect(part).toContain("Datto EDR");
      expect(part).toContain(SAMPLE_ALERT.id);
    }
    expect(text).toContain("The SOC terminated the process");
    expect(html).toContain("<title>[High] Suspicious PowerShell download cradle on FIN-WS-014 – Acme Dental</title>");
  });

  it("R-DEL-7: Respond Event Detail off ⇒ no Respond events; on ⇒ each event with time, action, target, result", async () => {
    const off = await renderAlertEmail(input());
    const on = await renderAlertEmail(input({ includeRespondEvents: true }));
    for (const event of SAMPLE_ALERT.respondEvents) {
      expect(off.text).not.toContain(event.action);
      expect(off.html).not.toContain(event.action);
      expect(on.text).toContain(event.action);
      expect(on.html).toContain(event.action);
      expect(on.text).toContain(formatEmailTime(event.time));
    }
    expect(on.text).toContain("powershell.exe (PID 7412)");
    expect(on.text).toContain("Succeeded");
    expect(on.text).toContain("Respond events (3)");
    expect(on.text).not.toContain("IOC matches");
  });

  it("R-DEL-7: IOC Event Detail off ⇒ no IOC matches; on ⇒ each match with type, value, source", async () => {
    const off = await renderAlertEmail(input());
    const on = await renderAlertEmail(input({ includeIocMatches: true }));
    for (const match of SAMPLE_ALERT.iocMatches) {
      expect(off.text).not.toContain(match.value);
      expect(off.html).not.toContain(match.value);
      expect(on.text).toContain(match.value);
      expect(on.text).toContain(match.source);
    }
    expect(on.text).toContain("IOC matches (3)");
    expect(on.text).not.toContain("Respond events");
  });

  it("R-DEL-7: with both toggles off nothing about the events leaks: output equals that of an alert without any", async () => {
    const withEvents = await renderAlertEmail(input());
    const withoutEvents = await renderAlertEmail(input({ alert: withoutDetail(SAMPLE_ALERT) }));
    expect(withEvents).toEqual(withoutEvents);
  });

  it("R-DEL-7: the toggles only add the lists: for an alert with no events, on and off render identically", async () => {
    const alert = withoutDetail(SAMPLE_ALERT);
    const off = await renderAlertEmail(input({ alert }));
    const on = await renderAlertEmail(input({ alert, includeRespondEvents: true, includeIocMatches: true }));
    expect(on).toEqual(off);
  });

  it("R-DEL-7: with both toggles on, everything in the summary-only email is still there", async () => {
    const off = await renderAlertEmail(input());
    const on = await renderAlertEmail(input({ includeRespondEvents: true, includeIocMatches: true }));
    for (const line of off.text.split("\n").filter((l) => l.trim() !== "")) {
      expect(on.text).toContain(line);
    }
  });

  it("R-DEL-7: very long lists are cut with a pointer to the console", async () => {
    const many = Array.from({ length: MAX_LISTED_EVENTS + 7 }, (_, i) => ({
      type: "ip",
      value: `198.51.100.${i}`,
      source: "feed",
    }));
    const { text } = await renderAlertEmail(input({ alert: { ...SAMPLE_ALERT, iocMatches: many }, includeIocMatches: true }));
    expect(text).toContain(`IOC matches (${MAX_LISTED_EVENTS + 7})`);
    expect(text).toContain("198.51.100.49");
    expect(text).not.toContain("198.51.100.50 ");
    expect(text).toContain("and 7 more IOC matches");
  });

  it("R-SEC-5: alert text is escaped in HTML (a <script> title comes out inert)", async () => {
    const hostile: AlertForDelivery = {
      ...SAMPLE_ALERT,
      title: '<script>alert("x")</script>',
      summary: '<img src=x onerror="steal()">',
      respondEvents: [{ time: "2025-03-04T14:08:03Z", action: "<b>bold</b>", target: '"><svg onload=1>' }],
      iocMatches: [{ type: "url", value: "https://evil.example/<iframe>" }],
    };
    const { html, text } = await renderAlertEmail(
      input({
        alert: hostile,
        organizationName: "<i>Org</i>",
        partnerName: "P&Co",
        subject: "</title><script>x</script>",
        includeRespondEvents: true,
        includeIocMatches: true,
      }),
    );
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<svg");
    expect(html).not.toContain("<iframe>");
    expect(html).not.toContain("<b>bold</b>");
    expect(html).not.toContain("<i>Org</i>");
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("P&amp;Co");
    // The plain-text part shows the text as written, not as markup or entities.
    expect(text).toContain('<script>alert("x")</script>');
  });

  it("R-SEC-5: only http(s) alert links are rendered", async () => {
    const good = await renderAlertEmail(input({ alertUrl: "https://console.example/alerts/7c1e" }));
    expect(good.html).toContain('href="https://console.example/alerts/7c1e"');
    expect(good.text).toContain("https://console.example/alerts/7c1e");
    const bad = await renderAlertEmail(input({ alertUrl: "javascript:alert(1)" }));
    expect(bad.html).not.toContain("javascript:");
    expect(bad.html).not.toContain("View alert in the console");
    expect(safeHttpUrl("data:text/html,x")).toBeNull();
    expect(safeHttpUrl("not a url")).toBeNull();
  });

  it("R-DEL-7: rendering is deterministic (preview and real send match)", async () => {
    const a = await renderAlertEmail(input({ includeRespondEvents: true, includeIocMatches: true }));
    const b = await renderAlertEmail(input({ includeRespondEvents: true, includeIocMatches: true }));
    expect(a).toEqual(b);
  });

  it("R-DEL-7: times are shown in UTC regardless of input offset; unparseable times are shown as given", () => {
    expect(formatEmailTime("2025-03-04T16:07:12+02:00")).toBe("4 Mar 2025, 14:07:12 UTC");
    expect(formatEmailTime(new Date(Date.UTC(2025, 11, 31, 23, 5, 9)))).toBe("31 Dec 2025, 23:05:09 UTC");
    expect(formatEmailTime("soon")).toBe("soon");
  });
});
