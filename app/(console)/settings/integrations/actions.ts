"use server";

/**
 * Server actions for data-source connections. The wizard's (admin-only) and the connection page's, which
 * both entry points share: lib/integrations decides per connection who may change it (admins everything,
 * technicians what was created in their organizations, support nothing).
 */
import { createAction } from "@/lib/actions/safe-action";
import { checkNewConnection, createIntegration, deleteConnection, rotateIngestToken, setConnectionEnabled, updateConnection } from "@/lib/integrations/connections";
import { removeSource, setSourceMapping } from "@/lib/integrations/mappings";
import { startMspAuthorization } from "@/lib/integrations/oauth";
import {
  checkConnectionSchema,
  connectionActionSchema,
  createIntegrationSchema,
  removeSourceSchema,
  setConnectionEnabledSchema,
  setSourceMappingSchema,
  updateConnectionSchema,
} from "@/lib/validations/integrations";

const REVALIDATE = ["/settings/integrations", "/organizations"];
const MANAGERS = ["admin", "technician"] as const;

export const checkIntegrationAction = createAction({ schema: checkConnectionSchema, roles: ["admin"] }, (input, viewer) =>
  checkNewConnection(viewer, { ...input, entryPoint: "settings" }),
);

export const createIntegrationAction = createAction(
  { schema: createIntegrationSchema, roles: ["admin"], revalidate: REVALIDATE },
  (input, viewer) => createIntegration(viewer, input),
);

export const updateConnectionAction = createAction(
  { schema: updateConnectionSchema, roles: MANAGERS, revalidate: REVALIDATE, message: "Connection saved." },
  async (input, viewer) => {
    await updateConnection(viewer, input);
    return null;
  },
);

export const setConnectionEnabledAction = createAction(
  { schema: setConnectionEnabledSchema, roles: MANAGERS, revalidate: REVALIDATE },
  async (input, viewer) => ({ status: await setConnectionEnabled(viewer, input) }),
);

export const deleteConnectionAction = createAction(
  { schema: connectionActionSchema, roles: MANAGERS, revalidate: REVALIDATE },
  (input, viewer) => deleteConnection(viewer, input),
);

export const rotateIngestTokenAction = createAction(
  { schema: connectionActionSchema, roles: MANAGERS, revalidate: REVALIDATE },
  (input, viewer) => rotateIngestToken(viewer, input),
);

export const setSourceMappingAction = createAction(
  { schema: setSourceMappingSchema, roles: MANAGERS, revalidate: REVALIDATE, message: "Mapping saved. New telemetry from this source is routed accordingly." },
  async (input, viewer) => {
    await setSourceMapping(viewer, input);
    return null;
  },
);

export const removeSourceAction = createAction(
  { schema: removeSourceSchema, roles: MANAGERS, revalidate: REVALIDATE, message: "Source removed." },
  async (input, viewer) => {
    await removeSource(viewer, input);
    return null;
  },
);

export const startAuthorizationAction = createAction({ schema: connectionActionSchema, roles: MANAGERS }, (input, viewer) =>
  startMspAuthorization(viewer, input),
);
