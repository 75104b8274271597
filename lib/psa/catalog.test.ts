import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTOTASK_DEFAULT_DISCOVERY_URL, KASEYA_BMS_DEFAULT_SERVER, PSA_CATALOG } from "./catalog";
import { startFakePsas, type FakePsas } from "./fakes";
import { createPsaClient } from "./index";
import { LOOPBACK, psaError } from "./testing/fixtures";
import { PSA_VENDORS, type PsaFieldDescriptor, type PsaVendor } from "./types";

let fakes: FakePsas;
beforeAll(async () => {
  fakes = await startFakePsas();
});
afterAll(() => fakes.stop());

const DISPLAY: Record<PsaVendor, string> = {
  connectwise: "ConnectWise PSA",
  autotask: "Autotask",
  kaseya_bms: "Kaseya BMS",
  halopsa: "HaloPSA",
  syncro: "Syncro",
};

describe("PSA catalog", () => {
  it("names the vendors and their company nouns", () => {
    expect(PSA_VENDORS.map((v) => PSA_CATALOG[v].displayName)).toEqual(PSA_VENDORS.map((v) => DISPLAY[v]));
    expect(PSA_VENDORS.map((v) => PSA_CATALOG[v].companyNoun.singular)).toEqual(["company", "account", "account", "client", "customer"]);
  });

  it("R-SEC-2: marks every key, secret, password and token as a secret field", () => {
    const secrets = Object.fromEntries(PSA_VENDORS.map((v) => [v, PSA_CATALOG[v].credentialFields.filter((f) => f.secret).map((f) => f.name)]));
    expect(secrets).toEqual({
      connectwise: ["privateKey"],
      autotask: ["secret", "integrationCode"],
      kaseya_bms: ["password"],
      halopsa: ["clientSecret"],
      syncro: ["apiToken"],
    });
  });

  it("accepts bare hosts and full loopback URLs in every URL field, and fills vendor defaults", () => {
    const cw = PSA_CATALOG.connectwise.credentialsSchema;
    const base = { companyId: "c", publicKey: "p", privateKey: "k", clientId: "6f2b7c1e-8a4d-4c2b-9e1f-0a1b2c3d4e5f" };
    expect(cw.safeParse({ ...base, site: "api-na.myconnectwise.net" }).success).toBe(true);
    expect(cw.safeParse({ ...base, site: "http://127.0.0.1:4101" }).success).toBe(true);
    expect(cw.safeParse({ ...base, site: "ftp://example.com" }).success).toBe(false);
    expect(cw.safeParse({ ...base, site: "x", clientId: "not-a-guid" }).success).toBe(false);

    const at = PSA_CATALOG.autotask.credentialsSchema.parse({ username: "u@x.example", secret: "s", integrationCode: "i", zoneDiscoveryUrl: "" });
    expect(at.zoneDiscoveryUrl).toBe(AUTOTASK_DEFAULT_DISCOVERY_URL);
    const bms = PSA_CATALOG.kaseya_bms.credentialsSchema.parse({ tenant: "T", username: "u", password: "p" });
    expect(bms.serverUrl).toBe(KASEYA_BMS_DEFAULT_SERVER);
    const halo = PSA_CATALOG.halopsa.credentialsSchema.parse({ resourceUrl: "acme.halopsa.com", authUrl: "", tenant: "", clientId: "c", clientSecret: "s" });
    expect(halo).toMatchObject({ authUrl: undefined, tenant: undefined });
    expect(PSA_CATALOG.syncro.credentialsSchema.safeParse({ subdomain: "acme", apiToken: "t" }).success).toBe(true);
    expect(PSA_CATALOG.syncro.credentialsSchema.safeParse({ subdomain: "http://127.0.0.1:4105", apiToken: "t" }).success).toBe(true);
    expect(PSA_CATALOG.syncro.credentialsSchema.safeParse({ subdomain: "not a host!", apiToken: "t" }).success).toBe(false);
  });

  it("R-SEC-2: incomplete credentials fail by field label, never echoing a value", async () => {
    const err = await psaError(Promise.resolve().then(() => createPsaClient("connectwise", { site: "x", companyId: "c", publicKey: "p", privateKey: "" })));
    expect(err.kind).toBe("validation");
    expect(err.message).toContain("Private key is required");
    const leaky = await psaError(Promise.resolve().then(() => createPsaClient("syncro", { subdomain: "not a host!", apiToken: "T-super-secret-123" })));
    expect(leaky.message).not.toContain("T-super-secret-123");
  });

  // The wizard renders descriptors generically: every list a descriptor names must be fillable, in order,
  // from the choices made before it (dependsOn). This walks each vendor the way the wizard does.
  it.each(PSA_VENDORS)("%s: every look-up the descriptor names answers against the fake, with its dependencies", async (vendor) => {
    const descriptor = PSA_CATALOG[vendor];
    const client = createPsaClient(vendor, fakes[vendor].credentials, LOOPBACK);
    const chosen: Record<string, string> = {};
    const fields: PsaFieldDescriptor[] = [...descriptor.mappingFields, ...descriptor.ticketFields, descriptor.priority, ...descriptor.noteFields];
    for (const field of fields) {
      if (field.input !== "select") {
        expect(field.defaultValue, `${vendor}.${field.key} needs a default`).toBeTruthy();
        continue;
      }
      for (const dep of field.dependsOn) expect(Object.keys(chosen), `${vendor}.${field.key} depends on ${dep}`).toContain(dep);
      const params = Object.fromEntries(field.dependsOn.map((d) => [d, chosen[d]]));
      const items = await client.lookup(field.lookup as string, params);
      expect(items.length, `${vendor}.${field.key} (${field.lookup})`).toBeGreaterThan(0);
      for (const item of items) expect(typeof item.id === "string" && typeof item.name === "string").toBe(true);
      chosen[field.key] = items[0].id;
    }
    expect(chosen.companyId).toBeTruthy();
  });
});
