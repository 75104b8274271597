/**
 * Schemas for data sources (seed 002), shared by the wizard and application forms, the server actions,
 * the consent page and the telemetry API. Credentials arrive as a string record here; lib/integrations
 * validates them against the chosen application's own schema (catalog.ts), and forms use
 * `withCredentials(schema, app)` so the browser runs that same schema first.
 */
import { z } from "zod";
import type { AppDefinition } from "@/lib/integrations/catalog";
import { isKnownAppType } from "@/lib/integrations/catalog";
import { emailSchema, nameSchema, uuidSchema, whyNoteSchema } from "./common";

export const appTypeSchema = z
  .string({ error: "Choose an application." })
  .min(1, "Choose an application.")
  .refine(isKnownAppType, "Choose an application from the list.");

/** Raw credential values as forms post them; validated against the application's schema in lib/. */
export const credentialValuesSchema = z.record(z.string().max(100), z.string().max(4000)).default({});

export const connectionNameSchema = z
  .string()
  .trim()
  .max(120, "Keep the name under 120 characters.")
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "The name cannot contain control characters.")
  .optional()
  .transform((v) => (v ? v : undefined));

export const externalSourceIdSchema = z
  .string({ error: "Enter the external id." })
  .trim()
  .min(1, "Enter the external id.")
  .max(200, "Keep the external id under 200 characters.")
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "The external id cannot contain control characters.");

export const externalSourceNameSchema = z
  .string()
  .trim()
  .max(200, "Keep the name under 200 characters.")
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "The name cannot contain control characters.")
  .optional()
  .transform((v) => (v ? v : undefined));

export const mappingRowSchema = z.object({
  externalSourceId: externalSourceIdSchema,
  externalSourceName: externalSourceNameSchema,
  organizationId: z.string({ error: "Choose an organization." }).min(1, "Choose an organization.").pipe(uuidSchema),
});
export type MappingRowInput = z.input<typeof mappingRowSchema>;

function uniqueSources(rows: { externalSourceId: string }[], ctx: z.RefinementCtx) {
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const key = r.externalSourceId.trim();
    if (seen.has(key)) {
      ctx.addIssue({ code: "custom", path: ["mappings", i, "externalSourceId"], message: "This external id is already in the list." });
    }
    seen.set(key, i);
  });
}

/** Settings > Integrations > + New Integration (R-INT-1). */
export const createIntegrationSchema = z
  .object({
    organizationId: z
      .string({ error: "Select an organization to route incoming data." })
      .min(1, "Select an organization to route incoming data.")
      .pipe(uuidSchema),
    appType: appTypeSchema,
    name: connectionNameSchema,
    credentials: credentialValuesSchema,
    mappings: z.array(mappingRowSchema).max(500, "Map at most 500 sources here; map more from the integration's page.").default([]),
    acknowledgeDuplicate: z.boolean().default(false),
    note: whyNoteSchema,
  })
  .superRefine((v, ctx) => uniqueSources(v.mappings, ctx));
export type CreateIntegrationInput = z.input<typeof createIntegrationSchema>;

/** The "Next" check of both wizards: credentials valid? connection already there? instance already connected? */
export const checkConnectionSchema = z.object({
  organizationId: uuidSchema,
  appType: appTypeSchema,
  credentials: credentialValuesSchema,
});

export const AUTHORIZERS = ["msp", "customer"] as const;
export type Authorizer = (typeof AUTHORIZERS)[number];

/** Organizations > edit > Applications > + New Application (R-INT-1, R-INT-6). */
export const createApplicationSchema = z
  .object({
    organizationId: uuidSchema,
    appType: appTypeSchema,
    authorizer: z.enum(AUTHORIZERS, { error: "Choose who completes the authorization." }),
    name: connectionNameSchema,
    credentials: credentialValuesSchema,
    customerEmail: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v ? v : undefined))
      .pipe(emailSchema.optional()),
    acknowledgeDuplicate: z.boolean().default(false),
    note: whyNoteSchema,
  });
export type CreateApplicationInput = z.input<typeof createApplicationSchema>;

/**
 * Forms: the same schema with the chosen application's credential schema in place of the raw record, so the
 * browser checks exactly what the server will (safeExtend keeps the schema's refinements).
 */
export function withCredentials<S extends z.ZodObject>(schema: S, app: AppDefinition | undefined) {
  return app && app.authorization.kind === "credentials" ? schema.safeExtend({ credentials: app.credentials }) : schema;
}

export const updateConnectionSchema = z.object({
  connectionId: uuidSchema,
  name: nameSchema("a name"),
  /** Non-secret credential fields (URLs, ids), always sent. */
  settings: credentialValuesSchema,
  /** Secret fields, only when the user chose Replace (R-SEC-2: replaced only by typing a new value). */
  secrets: z.record(z.string().max(100), z.string().max(4000)).optional(),
  acknowledgeDuplicate: z.boolean().default(false),
  note: whyNoteSchema,
});
export type UpdateConnectionInput = z.input<typeof updateConnectionSchema>;

export const connectionActionSchema = z.object({ connectionId: uuidSchema, note: whyNoteSchema });

export const setConnectionEnabledSchema = z.object({ connectionId: uuidSchema, enabled: z.boolean(), note: whyNoteSchema });

export const setSourceMappingSchema = z.object({
  connectionId: uuidSchema,
  externalSourceId: externalSourceIdSchema,
  externalSourceName: externalSourceNameSchema,
  /** Empty: unmapped (telemetry goes to the connection's selected organization). */
  organizationId: uuidSchema.or(z.literal("")).transform((v) => (v ? v : null)),
  note: whyNoteSchema,
});
export type SetSourceMappingInput = z.input<typeof setSourceMappingSchema>;

export const removeSourceSchema = z.object({ connectionId: uuidSchema, externalSourceId: externalSourceIdSchema, note: whyNoteSchema });

export const resendConsentLinkSchema = z.object({
  linkId: uuidSchema,
  sentTo: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .pipe(emailSchema.optional()),
  note: whyNoteSchema,
});
export type ResendConsentLinkInput = z.input<typeof resendConsentLinkSchema>;

export const revokeConsentLinkSchema = z.object({ linkId: uuidSchema, note: whyNoteSchema });

/** Body of the consent page's Authorize POST. */
export const consentAuthorizeSchema = z.object({ credentials: z.record(z.string().max(100), z.string().max(4000)).optional() });

// ---------------------------------------------------------------------------------------------------------
// Telemetry API (POST /api/v1/telemetry/{connectionId})

export const TELEMETRY_MAX_EVENTS = 1000;
export const TELEMETRY_MAX_BODY_BYTES = 5 * 1024 * 1024;
export const TELEMETRY_MAX_PAYLOAD_BYTES = 64 * 1024;

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** One event: the source's external id (site/customer/tenant), its payload, optionally when it happened. */
export const telemetryEventSchema = z.object({
  source_id: z
    .union([z.string(), z.number().int().nonnegative()], { error: "source_id is required: the external site, customer or tenant id." })
    .transform((v) => String(v).trim())
    .pipe(
      z
        .string()
        .min(1, "source_id is required: the external site, customer or tenant id.")
        .max(200, "source_id is longer than 200 characters.")
        .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "source_id cannot contain control characters."),
    ),
  source_name: z
    .string({ error: "source_name must be a string." })
    .trim()
    .max(200, "source_name is longer than 200 characters.")
    .optional()
    .transform((v) => (v ? v : undefined)),
  occurred_at: z
    .string({ error: "occurred_at must be an ISO 8601 date-time string." })
    .regex(ISO_DATETIME, "occurred_at must be an ISO 8601 date-time with a time zone, like 2025-01-31T12:00:00Z.")
    .refine((v) => !Number.isNaN(Date.parse(v)), "occurred_at is not a valid date.")
    .transform((v) => new Date(v).toISOString())
    .optional(),
  payload: z.record(z.string(), z.unknown(), { error: "payload must be a JSON object." }),
});
export type TelemetryEventInput = z.input<typeof telemetryEventSchema>;
