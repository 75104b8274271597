"use server";

import { createAction } from "@/lib/actions/safe-action";
import { addGlobalRecipient, removeGlobalRecipient, updateEmailSettings } from "@/lib/delivery-settings";
import {
  addGlobalRecipientSchema,
  emailSettingsSchema,
  removeGlobalRecipientSchema,
} from "@/lib/validations/delivery-settings";

// Global recipients also decide what each organization's Settings tab shows (R-DEL-9 and the audience).
const REVALIDATE = ["/settings/psa-email", "/organizations"];

export const addGlobalRecipientAction = createAction(
  // R-DEL-8: the message confirms the save, not a delivery.
  { schema: addGlobalRecipientSchema, roles: ["admin"], revalidate: REVALIDATE, message: "Email added successfully" },
  async (input, viewer) => {
    const row = await addGlobalRecipient(viewer, input);
    return { id: row.id, email: row.email };
  },
);

export const removeGlobalRecipientAction = createAction(
  { schema: removeGlobalRecipientSchema, roles: ["admin"], revalidate: REVALIDATE, message: "Email removed." },
  async (input, viewer) => {
    await removeGlobalRecipient(viewer, input);
    return null;
  },
);

export const updateEmailSettingsAction = createAction(
  {
    schema: emailSettingsSchema,
    roles: ["admin"],
    revalidate: ["/settings/psa-email"],
    message: (data: { changed: boolean }) => (data.changed ? "Email settings saved." : "Nothing to save: no setting changed."),
  },
  async (input, viewer) => {
    const { changed } = await updateEmailSettings(viewer, input);
    return { changed };
  },
);
