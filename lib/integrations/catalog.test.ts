import { describe, expect, it } from "vitest";
import {
  APPLICATIONS,
  applicationsByCategory,
  applicationsFor,
  CATEGORY_LABELS,
  credentialFields,
  findApplication,
  isUrlOrHost,
  splitCredentials,
} from "./catalog";
import { instanceKeyFor } from "./instance";

describe("application catalogue (SPEC table)", () => {
  it("R-INT-1: categories are labelled as seed 002 prints them", () => {
    expect(Object.values(CATEGORY_LABELS)).toEqual(["MSP Tools", "Customer Apps", "Endpoint Security"]);
  });

  it("R-INT-1: holds at least SPEC's applications, each with the category and entry points SPEC gives it", () => {
    const table: [string, string, string[]][] = [
      ["Datto RMM", "msp_tools", ["settings", "organization"]],
      ["Syncro RMM", "msp_tools", ["organization"]],
      ["NinjaOne", "msp_tools", ["settings", "organization"]],
      ["Datto EDR", "endpoint_security", ["settings", "organization"]],
      ["SentinelOne", "endpoint_security", ["settings", "organization"]],
      ["Microsoft Defender for Endpoint", "endpoint_security", ["organization"]],
      ["Microsoft 365", "customer_apps", ["organization"]],
      ["Google Workspace", "customer_apps", ["organization"]],
      ["Okta", "customer_apps", ["organization"]],
      ["Duo", "customer_apps", ["organization"]],
    ];
    for (const [name, category, where] of table) {
      const app = APPLICATIONS.find((a) => a.name === name);
      expect(app, name).toBeDefined();
      expect([app!.category, [...app!.entryPoints]]).toEqual([category, where]);
    }
    expect(applicationsFor("settings").map((a) => a.name)).toEqual(["Datto RMM", "NinjaOne", "Datto EDR", "SentinelOne"]);
    expect(applicationsByCategory("organization").map((g) => g.label)).toEqual(["MSP Tools", "Customer Apps", "Endpoint Security"]);
  });

  it("R-SEC-2: every credential field has a label and says whether it is secret; tokens and secrets are secret", () => {
    for (const app of APPLICATIONS) {
      const fields = credentialFields(app);
      if (app.authorization.kind === "oauth") {
        expect(fields, app.name).toEqual([]);
        continue;
      }
      expect(fields.length, app.name).toBeGreaterThan(0);
      expect(fields.some((f) => f.secret), `${app.name} has a secret`).toBe(true);
      for (const f of fields) {
        expect(f.label).toBeTruthy();
        if (/secret|token|key$/i.test(f.key) && f.key !== "integrationKey") expect(f.secret, `${app.name}.${f.key}`).toBe(true);
      }
    }
    expect(credentialFields(findApplication("datto_rmm")!).map((f) => [f.key, f.secret])).toEqual([
      ["apiUrl", false],
      ["apiKey", true],
      ["apiSecretKey", true],
    ]);
    expect(splitCredentials(findApplication("okta")!, { oktaDomain: "acme.okta.com", clientId: "0oa1", clientSecret: "s" })).toEqual({
      settings: { oktaDomain: "acme.okta.com", clientId: "0oa1" },
      secrets: { clientSecret: "s" },
    });
  });

  it("R-INT-4: instance identity ignores scheme, case and trailing slashes, and differs per instance and per application", () => {
    const datto = findApplication("datto_rmm")!;
    const a = instanceKeyFor(datto, { apiUrl: "https://pinotage-api.centrastage.net", apiKey: "K1", apiSecretKey: "x" });
    const b = instanceKeyFor(datto, { apiUrl: "Pinotage-API.centrastage.net/", apiKey: "k1", apiSecretKey: "y" });
    const c = instanceKeyFor(datto, { apiUrl: "https://merlot-api.centrastage.net", apiKey: "K1", apiSecretKey: "x" });
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(a).not.toContain("K1");
    expect(instanceKeyFor(findApplication("microsoft_365")!, {})).toBeNull();
    const m365 = instanceKeyFor(findApplication("microsoft_365")!, { tenantId: "t-1" });
    const mde = instanceKeyFor(findApplication("microsoft_defender")!, { tenantId: "t-1" });
    expect(m365).not.toBe(mde);
  });

  it("R-SEC-5: URL fields take a web address or host with a dot, never credentials in the URL", () => {
    expect(isUrlOrHost("https://pinotage-api.centrastage.net")).toBe(true);
    expect(isUrlOrHost("app.ninjarmm.com")).toBe(true);
    expect(isUrlOrHost("nope")).toBe(false);
    expect(isUrlOrHost("ftp://x.example.com")).toBe(false);
    expect(isUrlOrHost("https://user:pw@x.example.com")).toBe(false);
    const s1 = findApplication("sentinelone")!.credentials;
    expect(s1.safeParse({ consoleUrl: "  https://a.sentinelone.net ", apiToken: " t " }).data).toEqual({ consoleUrl: "https://a.sentinelone.net", apiToken: "t" });
    expect(s1.safeParse({ consoleUrl: "https://a.sentinelone.net", apiToken: "t\u0000" }).success).toBe(false);
  });
});
