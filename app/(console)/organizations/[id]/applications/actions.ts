"use server";

/** Server actions of an organization's Applications tab: + New Application and its consent links. */
import { createAction } from "@/lib/actions/safe-action";
import { checkNewConnection, createApplication } from "@/lib/integrations/connections";
import { resendConsentLink, revokeConsentLink } from "@/lib/integrations/consent";
import { checkConnectionSchema, createApplicationSchema, resendConsentLinkSchema, revokeConsentLinkSchema } from "@/lib/validations/integrations";

const REVALIDATE = ["/organizations", "/settings/integrations"];

export const checkApplicationAction = createAction({ schema: checkConnectionSchema, roles: ["admin", "technician"] }, (input, viewer) =>
  checkNewConnection(viewer, { ...input, entryPoint: "organization" }),
);

export const createApplicationAction = createAction(
  { schema: createApplicationSchema, roles: ["admin", "technician"], revalidate: REVALIDATE },
  (input, viewer) => createApplication(viewer, input),
);

export const resendConsentLinkAction = createAction(
  { schema: resendConsentLinkSchema, roles: ["admin", "technician"], revalidate: REVALIDATE },
  (input, viewer) => resendConsentLink(viewer, input),
);

export const revokeConsentLinkAction = createAction(
  { schema: revokeConsentLinkSchema, roles: ["admin", "technician"], revalidate: REVALIDATE, message: "Consent link revoked." },
  async (input, viewer) => {
    await revokeConsentLink(viewer, input);
    return null;
  },
);
