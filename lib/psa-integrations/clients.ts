/**
 * One constructed PsaClient per integration, reused while its credentials stay the same: decrypting and
 * building a client (and, for Autotask, discovering the zone; for BMS and Halo, fetching a token) per
 * delivery or per look-up would waste the vendor's rate budget and our CPU in a hot loop. The cache key
 * is the row's credentials_set_at plus the ciphertext itself, so replaced credentials are picked up on the
 * next call without any invalidation message between processes.
 */
import { decryptCredentials, SecretDecryptError } from "@/lib/crypto/secrets";
import { createPsaClient, PsaError, type PsaClient, type PsaVendor } from "@/lib/psa";

export type PsaClientSource = {
  id: string;
  partnerId: string;
  vendor: PsaVendor;
  credentialsCiphertext: string;
  credentialsSetAt: Date;
};

type Entry = { setAt: number; ciphertext: string; client: PsaClient };

const MAX_ENTRIES = 500;
const cache = new Map<string, Entry>();

/** The cached client for this row, or a new one (decrypting its credentials once). */
export function psaClientFor(row: PsaClientSource): PsaClient {
  const setAt = row.credentialsSetAt.getTime();
  const hit = cache.get(row.id);
  if (hit && hit.setAt === setAt && hit.ciphertext === row.credentialsCiphertext) {
    // Re-insert: Map order doubles as least-recently-used order.
    cache.delete(row.id);
    cache.set(row.id, hit);
    return hit.client;
  }
  let credentials: Record<string, string>;
  try {
    credentials = decryptCredentials(row.credentialsCiphertext, { partnerId: row.partnerId, rowId: row.id });
  } catch (err) {
    if (err instanceof SecretDecryptError) {
      throw new PsaError({
        vendor: row.vendor,
        kind: "auth",
        retryable: false,
        message: "The stored PSA credentials could not be decrypted (the encryption key changed or the row was copied). Replace the credentials.",
      });
    }
    throw err;
  }
  const client = createPsaClient(row.vendor, credentials);
  cache.delete(row.id);
  cache.set(row.id, { setAt, ciphertext: row.credentialsCiphertext, client });
  while (cache.size > MAX_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
  return client;
}

/** Drops an integration's client (deleted integration). Other processes drop theirs on the key change. */
export function forgetPsaClient(integrationId: string): void {
  cache.delete(integrationId);
}

/** How many clients are cached (tests prove the hot path does not rebuild them). */
export function cachedPsaClientCount(): number {
  return cache.size;
}
