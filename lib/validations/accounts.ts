import { z } from "zod";
import { ROLES } from "@/lib/auth/roles";
import { emailSchema, nameSchema, passwordSchema, uuidSchema, whyNoteSchema } from "./common";

export const setupSchema = z.object({
  partnerName: nameSchema("your company name"),
  name: z.string().trim().max(120).optional().default(""),
  email: emailSchema,
  password: passwordSchema,
});
export type SetupInput = z.input<typeof setupSchema>;

export const createUserSchema = z
  .object({
    email: emailSchema,
    name: z.string().trim().max(120, "Keep the name under 120 characters.").optional().default(""),
    password: passwordSchema,
    role: z.enum(ROLES, { message: "Choose a role." }),
    organizationIds: z.array(uuidSchema).max(10_000).default([]),
    note: whyNoteSchema,
  })
  .refine((v) => v.role !== "technician" || v.organizationIds.length > 0, {
    path: ["organizationIds"],
    message: "Give a technician at least one organization.",
  });
export type CreateUserInput = z.input<typeof createUserSchema>;

export const updateUserAccessSchema = z
  .object({
    userId: z.string().min(1).max(100),
    role: z.enum(ROLES, { message: "Choose a role." }),
    organizationIds: z.array(uuidSchema).max(10_000).default([]),
    note: whyNoteSchema,
  })
  .refine((v) => v.role !== "technician" || v.organizationIds.length > 0, {
    path: ["organizationIds"],
    message: "Give a technician at least one organization.",
  });

export const removeUserSchema = z.object({ userId: z.string().min(1).max(100), note: whyNoteSchema });

export const createApiKeySchema = z.object({ name: nameSchema("a name", 80), note: whyNoteSchema });
export const revokeApiKeySchema = z.object({ id: uuidSchema, note: whyNoteSchema });
