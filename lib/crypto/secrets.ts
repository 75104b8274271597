/**
 * Credential encryption at rest (R-SEC-2): AES-256-GCM, ciphertext `v1:<keyId>:<base64(iv‖ct‖tag)>`.
 * The additional authenticated data binds a ciphertext to its partner, row and field, so a value
 * copied into another row (or another partner) does not decrypt. Several keys may be configured
 * (SWITCHBOARD_SECRET_KEYS="k2:<base64>,k1:<base64>"): the first encrypts, all decrypt (rotation).
 * Node's built-in crypto is used directly: AES-GCM is one call there, and a wrapper library would add
 * nothing but a dependency.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "@/lib/env";
import { readOrCreateLocalSecret } from "@/lib/local-state";

type Key = { id: string; key: Buffer };

let keyCache: { source: string; keys: Key[] } | undefined;

function loadKeys(): Key[] {
  const source = env.SWITCHBOARD_SECRET_KEYS ?? `local:${readOrCreateLocalSecret("secret-key")}`;
  if (keyCache?.source === source) return keyCache.keys;
  const keys = source.split(",").map((entry) => {
    const idx = entry.indexOf(":");
    const id = entry.slice(0, idx).trim();
    const key = Buffer.from(entry.slice(idx + 1).trim(), "base64");
    if (!id || key.length !== 32) {
      throw new Error("SWITCHBOARD_SECRET_KEYS must be keyId:base64 entries of 32-byte keys");
    }
    return { id, key };
  });
  keyCache = { source, keys };
  return keys;
}

export type SecretBinding = { partnerId: string; rowId: string; field: string };

function aad(b: SecretBinding): Buffer {
  return Buffer.from(`${b.partnerId}|${b.rowId}|${b.field}`, "utf8");
}

export function encryptSecret(plaintext: string, binding: SecretBinding): string {
  const [current] = loadKeys();
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", current.key, iv);
  cipher.setAAD(aad(binding));
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `v1:${current.id}:${Buffer.concat([iv, ct, tag]).toString("base64")}`;
}

export class SecretDecryptError extends Error {
  constructor() {
    super("Stored credentials could not be decrypted (wrong key or the value belongs to another record).");
  }
}

export function decryptSecret(envelope: string, binding: SecretBinding): string {
  const [version, keyId, body] = envelope.split(":");
  if (version !== "v1" || !keyId || !body) throw new SecretDecryptError();
  const key = loadKeys().find((k) => k.id === keyId);
  if (!key) throw new SecretDecryptError();
  const raw = Buffer.from(body, "base64");
  if (raw.length < 12 + 16) throw new SecretDecryptError();
  const iv = raw.subarray(0, 12);
  const tag = raw.subarray(raw.length - 16);
  const ct = raw.subarray(12, raw.length - 16);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, iv);
    decipher.setAAD(aad(binding));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptError();
  }
}

/** Encrypt a whole credential object (one envelope per row, bound to the row). */
export function encryptCredentials(values: Record<string, string>, binding: Omit<SecretBinding, "field">): string {
  return encryptSecret(JSON.stringify(values), { ...binding, field: "credentials" });
}

export function decryptCredentials(envelope: string, binding: Omit<SecretBinding, "field">): Record<string, string> {
  return JSON.parse(decryptSecret(envelope, { ...binding, field: "credentials" })) as Record<string, string>;
}
