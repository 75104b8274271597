import { beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { resetEnvCache } from "@/lib/env";
import { decryptCredentials, decryptSecret, encryptCredentials, encryptSecret } from "./secrets";

beforeAll(() => {
  process.env.SWITCHBOARD_SECRET_KEYS = `k2:${randomBytes(32).toString("base64")},k1:${randomBytes(32).toString("base64")}`;
  resetEnvCache();
});

const binding = { partnerId: "p1", rowId: "r1", field: "credentials" };

describe("credential encryption", () => {
  it("R-SEC-2: round-trips and never contains the plaintext", () => {
    const ct = encryptSecret("super-secret-value", binding);
    expect(ct).toMatch(/^v1:k2:/);
    expect(ct).not.toContain("super-secret-value");
    expect(decryptSecret(ct, binding)).toBe("super-secret-value");
  });

  it("R-SEC-2: a ciphertext copied to another row or partner does not decrypt (AAD binding)", () => {
    const ct = encryptCredentials({ privateKey: "abc" }, { partnerId: "p1", rowId: "r1" });
    expect(decryptCredentials(ct, { partnerId: "p1", rowId: "r1" })).toEqual({ privateKey: "abc" });
    expect(() => decryptCredentials(ct, { partnerId: "p1", rowId: "r2" })).toThrow(/could not be decrypted/);
    expect(() => decryptCredentials(ct, { partnerId: "p2", rowId: "r1" })).toThrow(/could not be decrypted/);
  });

  it("R-SEC-2: tampered ciphertext is rejected", () => {
    const ct = encryptSecret("value", binding);
    const body = Buffer.from(ct.split(":")[2], "base64");
    body[14] ^= 1;
    expect(() => decryptSecret(`v1:k2:${body.toString("base64")}`, binding)).toThrow();
  });
});
