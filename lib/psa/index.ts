/**
 * Public face of lib/psa: build a client for a vendor from stored (decrypted) credentials, plus the types,
 * catalog and error the rest of the product uses. Credentials are validated here with the catalog's schema,
 * so a bad stored value fails as a PsaError naming the field — never echoing the value (R-SEC-2).
 */
import { AutotaskClient } from "./autotask";
import { PSA_CATALOG, type PsaCredentialsByVendor } from "./catalog";
import { ConnectWiseClient } from "./connectwise";
import { PsaError } from "./errors";
import { HaloPsaClient } from "./halopsa";
import { VENDOR_NAMES } from "./http";
import { KaseyaBmsClient } from "./kaseya-bms";
import { SyncroClient } from "./syncro";
import type { PsaClient, PsaClientOptions, PsaVendor } from "./types";

export function createPsaClient(vendor: PsaVendor, credentials: unknown, options: PsaClientOptions = {}): PsaClient {
  const descriptor = PSA_CATALOG[vendor];
  if (!descriptor) throw new Error(`unknown PSA vendor "${String(vendor)}"`);
  const parsed = descriptor.credentialsSchema.safeParse(credentials ?? {});
  if (!parsed.success) {
    // Issue messages are the schema's own texts (field labels), never the submitted values.
    const problems = parsed.error.issues.map((i) => i.message).join("; ");
    throw new PsaError({
      vendor,
      kind: "validation",
      message: `${VENDOR_NAMES[vendor]} credentials are incomplete: ${problems}`,
    });
  }
  const c = parsed.data as unknown;
  switch (vendor) {
    case "connectwise":
      return new ConnectWiseClient(c as PsaCredentialsByVendor["connectwise"], options);
    case "autotask":
      return new AutotaskClient(c as PsaCredentialsByVendor["autotask"], options);
    case "kaseya_bms":
      return new KaseyaBmsClient(c as PsaCredentialsByVendor["kaseya_bms"], options);
    case "halopsa":
      return new HaloPsaClient(c as PsaCredentialsByVendor["halopsa"], options);
    case "syncro":
      return new SyncroClient(c as PsaCredentialsByVendor["syncro"], options);
  }
}

export { AutotaskClient } from "./autotask";
export {
  AUTOTASK_DEFAULT_DISCOVERY_URL,
  CONNECTWISE_DEFAULT_SITE,
  getPsaDescriptor,
  KASEYA_BMS_DEFAULT_SERVER,
  PSA_CATALOG,
  secretFieldNames,
  type AutotaskCredentials,
  type ConnectWiseCredentials,
  type HaloCredentials,
  type KaseyaBmsCredentials,
  type PsaCredentialsByVendor,
  type SyncroCredentials,
} from "./catalog";
export { ConnectWiseClient } from "./connectwise";
export { isPsaError, PsaError, type PsaErrorKind } from "./errors";
export { HaloPsaClient } from "./halopsa";
export { VENDOR_NAMES } from "./http";
export { KaseyaBmsClient } from "./kaseya-bms";
export { isValidReference, referenceToken, titleWithReference } from "./reference";
export { SyncroClient } from "./syncro";
export {
  PSA_VENDORS,
  type CompanyPage,
  type CredentialFieldDescriptor,
  type PsaClient,
  type PsaClientOptions,
  type PsaDescriptor,
  type PsaFieldDescriptor,
  type PsaRef,
  type PsaVendor,
  type ReferencePlacement,
  type TicketDraft,
  type TicketRef,
} from "./types";
