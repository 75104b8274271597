"use server";

import { createAction } from "@/lib/actions/safe-action";
import { createApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { createApiKeySchema, revokeApiKeySchema } from "@/lib/validations/accounts";

export const createApiKeyAction = createAction(
  { schema: createApiKeySchema, roles: ["admin"], revalidate: ["/settings/api-keys"] },
  async (input, viewer) => createApiKey(viewer, input),
);

export const revokeApiKeyAction = createAction(
  { schema: revokeApiKeySchema, roles: ["admin"], revalidate: ["/settings/api-keys"], message: "API key revoked." },
  async (input, viewer) => {
    await revokeApiKey(viewer, input);
    return null;
  },
);
