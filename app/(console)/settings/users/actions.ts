"use server";

import { createAction } from "@/lib/actions/safe-action";
import { createUser, removeUser, updateUserAccess } from "@/lib/auth/accounts";
import { createUserSchema, removeUserSchema, updateUserAccessSchema } from "@/lib/validations/accounts";

export const createUserAction = createAction(
  { schema: createUserSchema, roles: ["admin"], revalidate: ["/settings/users"], message: "User created." },
  async (input, viewer) => createUser(viewer, input),
);

export const updateUserAccessAction = createAction(
  { schema: updateUserAccessSchema, roles: ["admin"], revalidate: ["/settings/users"], message: "Access updated." },
  async (input, viewer) => {
    await updateUserAccess(viewer, input);
    return null;
  },
);

export const removeUserAction = createAction(
  { schema: removeUserSchema, roles: ["admin"], revalidate: ["/settings/users"], message: "User removed." },
  async (input, viewer) => {
    await removeUser(viewer, input);
    return null;
  },
);
