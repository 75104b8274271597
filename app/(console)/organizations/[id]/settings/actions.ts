"use server";

import { createAction } from "@/lib/actions/safe-action";
import {
  addOrganizationRecipient,
  removeOrganizationRecipient,
  setOrganizationDelivery,
  updateOrganizationRecipient,
} from "@/lib/delivery-settings";
import {
  addOrganizationRecipientSchema,
  removeOrganizationRecipientSchema,
  setOrganizationDeliverySchema,
  updateOrganizationRecipientSchema,
} from "@/lib/validations/delivery-settings";

// Admins, and technicians within the organizations given to them (checked again in lib/); support reads only.
const ROLES = ["admin", "technician"] as const;
const REVALIDATE = ["/organizations"];

export const setOrganizationDeliveryAction = createAction(
  {
    schema: setOrganizationDeliverySchema,
    roles: ROLES,
    revalidate: REVALIDATE,
    message: (d: { deliveryEnabled: boolean; organizationName: string }) =>
      `PSA & email turned ${d.deliveryEnabled ? "on" : "off"} for ${d.organizationName}.`,
  },
  async (input, viewer) => {
    const { deliveryEnabled, organizationName } = await setOrganizationDelivery(viewer, input);
    return { deliveryEnabled, organizationName };
  },
);

export const addOrganizationRecipientAction = createAction(
  { schema: addOrganizationRecipientSchema, roles: ROLES, revalidate: REVALIDATE, message: "Recipient added successfully" },
  async (input, viewer) => {
    const row = await addOrganizationRecipient(viewer, input);
    return { id: row.id, email: row.email };
  },
);

export const updateOrganizationRecipientAction = createAction(
  { schema: updateOrganizationRecipientSchema, roles: ROLES, revalidate: REVALIDATE, message: "Recipient updated." },
  async (input, viewer) => {
    await updateOrganizationRecipient(viewer, input);
    return null;
  },
);

export const removeOrganizationRecipientAction = createAction(
  { schema: removeOrganizationRecipientSchema, roles: ROLES, revalidate: REVALIDATE, message: "Recipient removed." },
  async (input, viewer) => {
    await removeOrganizationRecipient(viewer, input);
    return null;
  },
);
