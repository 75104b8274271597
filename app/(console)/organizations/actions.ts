"use server";

import { redirect } from "next/navigation";
import { createAction } from "@/lib/actions/safe-action";
import { createOrganization, deleteOrganization, updateOrganization } from "@/lib/orgs/organizations";
import {
  deleteOrganizationSchema,
  organizationSchema,
  updateOrganizationSchema,
} from "@/lib/validations/organizations";

export const createOrganizationAction = createAction(
  { schema: organizationSchema, roles: ["admin"], revalidate: ["/organizations"] },
  async (input, viewer) => {
    const row = await createOrganization(viewer, input);
    return { id: row!.id };
  },
);

export const updateOrganizationAction = createAction(
  { schema: updateOrganizationSchema, roles: ["admin", "technician"], revalidate: ["/organizations"], message: "Organization saved." },
  async (input, viewer) => {
    await updateOrganization(viewer, input);
    return null;
  },
);

const deleteAndRedirect = createAction(
  { schema: deleteOrganizationSchema, roles: ["admin"], revalidate: ["/organizations"] },
  async (input, viewer) => {
    await deleteOrganization(viewer, input);
    return null;
  },
);

export async function deleteOrganizationAction(input: { id: string; note?: string }) {
  const result = await deleteAndRedirect(input);
  if (result.ok) redirect("/organizations?deleted=1");
  return result;
}
