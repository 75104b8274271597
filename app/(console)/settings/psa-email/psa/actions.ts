"use server";

/**
 * Server actions of the PSA section: each one authenticates, requires an admin, validates with the shared
 * schema, and calls lib/psa-integrations (createAction). A PSA that refuses (failed Test connection, a test
 * ticket the PSA rejects) comes back as the form error with the vendor's own words; nothing secret is echoed.
 */
import { createAction } from "@/lib/actions/safe-action";
import { ValidationError } from "@/lib/errors";
import { isPsaError } from "@/lib/psa/errors";
import {
  deletePsaIntegration,
  replacePsaCredentials,
  savePsaConfiguration,
  sendPsaTestTicket,
  setPsaIntegrationStatus,
  startPsaIntegration,
  testPsaIntegration,
} from "@/lib/psa-integrations";
import {
  deletePsaIntegrationSchema,
  replacePsaCredentialsSchema,
  savePsaConfigSchema,
  sendPsaTestTicketSchema,
  setPsaStatusSchema,
  testNewPsaConnectionSchema,
  testPsaIntegrationSchema,
} from "@/lib/validations/psa-integrations";

const PAGE = "/settings/psa-email";

/** The PSA's refusal as a form error: its message already quotes the vendor and names no secret. */
async function vendorFailureAsFormError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isPsaError(err)) {
      throw new ValidationError(err.retryable ? `${err.message} This looks temporary; try again in a moment.` : err.message);
    }
    throw err;
  }
}

export const testNewPsaConnectionAction = createAction(
  { schema: testNewPsaConnectionSchema, roles: ["admin"], revalidate: [PAGE] },
  async (input, viewer) => {
    const result = await vendorFailureAsFormError(() => startPsaIntegration(viewer, input));
    return { id: result.id, detail: result.detail };
  },
);

export const replacePsaCredentialsAction = createAction(
  { schema: replacePsaCredentialsSchema, roles: ["admin"], revalidate: [PAGE], message: "Credentials replaced. The connection test passed." },
  async (input, viewer) => {
    const result = await vendorFailureAsFormError(() => replacePsaCredentials(viewer, input));
    return { detail: result.detail };
  },
);

export const testPsaIntegrationAction = createAction(
  { schema: testPsaIntegrationSchema, roles: ["admin"], revalidate: [PAGE] },
  async (input, viewer) => {
    const result = await testPsaIntegration(viewer, input.id);
    return { ok: result.ok, message: result.message, testedAt: result.testedAt.toISOString() };
  },
);

export const savePsaConfigurationAction = createAction(
  { schema: savePsaConfigSchema, roles: ["admin"], revalidate: [PAGE] },
  async (input, viewer) => savePsaConfiguration(viewer, input),
);

export const setPsaStatusAction = createAction(
  { schema: setPsaStatusSchema, roles: ["admin"], revalidate: [PAGE] },
  async (input, viewer) => setPsaIntegrationStatus(viewer, input),
);

export const deletePsaIntegrationAction = createAction(
  { schema: deletePsaIntegrationSchema, roles: ["admin"], revalidate: [PAGE] },
  async (input, viewer) => {
    await deletePsaIntegration(viewer, input);
    return null;
  },
);

export const sendPsaTestTicketAction = createAction(
  { schema: sendPsaTestTicketSchema, roles: ["admin"] },
  async (input, viewer) => vendorFailureAsFormError(() => sendPsaTestTicket(viewer, input)),
);
