import { describe, expect, it } from "vitest";
import { isValidReference, titleHasReference, titleWithReference, truncate } from "./reference";
import { normaliseBaseUrl } from "./url";

const REF = "sb:7c1e9a2b-1f4e-4c7d-9a8b-0123456789ab";

describe("ticket reference in titles", () => {
  it("R-REL-2: appends the token and never cuts it, whatever the title length", () => {
    expect(titleWithReference("HIGH - Ransomware on DESKTOP-01", REF, 255)).toBe(`HIGH - Ransomware on DESKTOP-01 [${REF}]`);
    for (const max of [60, 100, 255]) {
      const title = titleWithReference("A".repeat(1000), REF, max);
      expect(title.length).toBeLessThanOrEqual(max);
      expect(titleHasReference(title, REF)).toBe(true);
      expect(title).toMatch(/A… \[sb:/);
    }
  });

  it("keeps titles on one line and does not repeat a token already present", () => {
    expect(titleWithReference(`Line one\nline two [${REF}]`, REF, 255)).toBe(`Line one line two [${REF}]`);
  });

  it("does not split a surrogate pair when truncating", () => {
    const cut = truncate("ab😀cd", 4);
    expect(cut).toBe("ab…");
  });

  it("only accepts references that are safe inside vendor query syntax", () => {
    expect(isValidReference(REF)).toBe(true);
    expect(isValidReference('sb:x" or 1=1')).toBe(false);
    expect(isValidReference("")).toBe(false);
  });

  it("matches tokens exactly, not by prefix", () => {
    expect(titleHasReference(`x [${REF}0]`, REF)).toBe(false);
  });
});

describe("base URLs typed by admins", () => {
  it("assumes https for bare hosts and keeps an explicit scheme", () => {
    expect(normaliseBaseUrl("acme.halopsa.com")).toBe("https://acme.halopsa.com");
    expect(normaliseBaseUrl("http://127.0.0.1:4104/")).toBe("http://127.0.0.1:4104");
    expect(normaliseBaseUrl(" HTTPS://Api.BMS.Kaseya.com ")).toBe("https://api.bms.kaseya.com");
    expect(() => normaliseBaseUrl("javascript://alert(1)")).toThrow();
    expect(() => normaliseBaseUrl("https://user:pw@host")).toThrow();
    expect(() => normaliseBaseUrl("https://host/?token=1")).toThrow();
  });
});
