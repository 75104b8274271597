/**
 * Public face of lib/psa-integrations: the PSA integrations an MSP configures (Settings > PSA & Email), the
 * PSA part of the delivery snapshot intake uses, and the per-integration client cache the delivery channel
 * shares with the look-ups.
 */
export {
  autoMatchPsaCompanies,
  deletePsaIntegration,
  getPsaIntegration,
  listPsaCompanies,
  listPsaIntegrations,
  lookupPsaList,
  removePsaMapping,
  replacePsaCredentials,
  savePsaConfiguration,
  sendPsaTestTicket,
  setPsaIntegrationStatus,
  startPsaIntegration,
  testPsaIntegration,
  upsertPsaMapping,
  type PsaAutoMatch,
  type PsaConfigurationInput,
  type PsaIntegrationDetail,
  type PsaIntegrationSummary,
  type PsaMappingDetail,
} from "./service";
export { loadPsaSnapshots } from "./snapshots";
export { cachedPsaClientCount, forgetPsaClient, psaClientFor } from "./clients";
export { isSetupUnfinished } from "./setup-state";
