/**
 * zod schemas for PSA integrations, shared by the + Add PSA wizard, the integration page, the server actions
 * and the look-up route handlers. The shapes are vendor-neutral; `psaConfigSchemaFor(vendor)` adds what the
 * vendor's descriptor requires (Autotask needs a queue, status and a priority for every alert priority, ...),
 * so the form and the service refuse the same things with the same words.
 */
import { z } from "zod";
import { getPsaDescriptor } from "@/lib/psa/catalog";
import type { PsaDescriptor, PsaVendor } from "@/lib/psa/types";
import { PRIORITIES, PRIORITY_LABELS, PSA_VENDORS, prioritySchema } from "@/lib/delivery/types";
import { nameSchema, uuidSchema, whyNoteSchema } from "./common";

export const psaVendorSchema = z.enum(PSA_VENDORS, { message: "Choose a PSA." });
export const psaStatusSchema = z.enum(["active", "paused"], { message: "Status is Active or Paused." });

export const psaIntegrationNameSchema = nameSchema("a name", 80);

/** A PSA id as Switchboard keeps it: a short printable string (vendors use numbers, GUIDs or names). */
const psaId = (label: string) =>
  z
    .string({ message: `Choose ${label}.` })
    .trim()
    .min(1, `Choose ${label}.`)
    .max(200, `${label[0].toUpperCase()}${label.slice(1)} id is too long.`)
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "Ids cannot contain control characters.");

const optionalPsaId = z
  .string()
  .trim()
  .max(200, "That id is too long.")
  .nullish()
  .transform((v) => (v ? v : undefined));

/** Field values keyed by descriptor key; "" means "not chosen" and is dropped. */
const fieldRecord = z
  .record(z.string().max(64, "Unknown field."), z.string().trim().max(200, "That value is too long."))
  .default({})
  .transform((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== "")));

/** What the browser sends for credentials: plain strings; the vendor's schema is applied by lib/. */
export const psaCredentialsInputSchema = z.record(
  z.string().max(64, "Unknown credential field."),
  z.string().max(4000, "That value is too long."),
  { message: "Enter the credentials." },
);

// ---------------------------------------------------------------------------------------------------------
// Connect step / Replace credentials

/** The wizard's Connect step for one vendor (client form); the action re-checks with the vendor schema. */
export function psaConnectFormSchema(vendor: PsaVendor) {
  return z.object({
    name: psaIntegrationNameSchema,
    credentials: getPsaDescriptor(vendor).credentialsSchema,
    note: whyNoteSchema,
  });
}

/** Replace credentials on the integration page (client form). */
export function psaReplaceCredentialsFormSchema(vendor: PsaVendor) {
  return z.object({ credentials: getPsaDescriptor(vendor).credentialsSchema, note: whyNoteSchema });
}

/** Test connection in the wizard: creates the (paused, unfinished) integration, or replaces its draft credentials. */
export const testNewPsaConnectionSchema = z.object({
  vendor: psaVendorSchema,
  /** Set once a first test passed: the draft row whose credentials are being corrected. */
  integrationId: uuidSchema.optional(),
  name: psaIntegrationNameSchema,
  credentials: psaCredentialsInputSchema,
  note: whyNoteSchema,
});
export type TestNewPsaConnectionInput = z.input<typeof testNewPsaConnectionSchema>;

export const replacePsaCredentialsSchema = z.object({
  id: uuidSchema,
  credentials: psaCredentialsInputSchema,
  note: whyNoteSchema,
});

// ---------------------------------------------------------------------------------------------------------
// Configuration: mapping, catch-all, defaults, priority map, per-organization overrides

export const psaMappingSchema = z.object({
  organizationId: uuidSchema,
  companyId: psaId("a company"),
  companyName: z.string().trim().max(300, "That name is too long.").default(""),
  contactId: optionalPsaId,
  siteId: optionalPsaId,
  /** Per-organization overrides of the ticket defaults, plus company-bound fields (agreement, contract) and priority. */
  overrides: fieldRecord,
});
export type PsaMappingInput = z.input<typeof psaMappingSchema>;

export const psaFallbackSchema = z
  .object({
    companyId: psaId("a company"),
    companyName: z.string().trim().max(300, "That name is too long.").default(""),
    contactId: optionalPsaId,
  })
  .nullable()
  .default(null);

const priorityMapSchema = z
  .partialRecord(prioritySchema, z.string().trim().max(200, "That value is too long."))
  .default({})
  .transform((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== "")) as Partial<Record<(typeof PRIORITIES)[number], string>>);

export const MAX_PSA_MAPPINGS = 20_000;

const psaConfigObject = z.object({
  name: psaIntegrationNameSchema,
  defaults: fieldRecord,
  priorityMap: priorityMapSchema,
  fallback: psaFallbackSchema,
  mappings: z.array(psaMappingSchema).max(MAX_PSA_MAPPINGS, "Too many mappings in one save.").default([]),
  note: whyNoteSchema,
});

function noOrganizationTwice(value: { mappings: { organizationId: string }[] }, ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  value.mappings.forEach((m, i) => {
    if (seen.has(m.organizationId)) {
      ctx.addIssue({ code: "custom", path: ["mappings", i, "organizationId"], message: "This organization is mapped twice." });
    }
    seen.add(m.organizationId);
  });
}

export const psaConfigSchema = psaConfigObject.superRefine(noOrganizationTwice);
export type PsaConfigInput = z.input<typeof psaConfigSchema>;
export type PsaConfig = z.output<typeof psaConfigSchema>;

export const savePsaConfigSchema = psaConfigObject.extend({ id: uuidSchema }).superRefine(noOrganizationTwice);
export type SavePsaConfigInput = z.input<typeof savePsaConfigSchema>;

/** Keys a vendor takes as integration-wide defaults: ticket fields that do not depend on the mapped company. */
export function defaultFieldKeys(descriptor: PsaDescriptor): string[] {
  return descriptor.ticketFields.filter((f) => !f.dependsOn.includes("companyId")).map((f) => f.key);
}

/** Keys a mapping may override: every ticket field (company-bound ones live only here) and the priority. */
export function overrideFieldKeys(descriptor: PsaDescriptor): string[] {
  return [...descriptor.ticketFields.map((f) => f.key), descriptor.priority.key];
}

/**
 * Vendor rules on a configuration, as field errors keyed like the form ("defaults.board", "priorityMap.high",
 * "mappings.3.overrides.x"). Empty when the configuration can be saved. Used by the form resolver and by lib/.
 */
export function psaConfigIssues(
  vendor: PsaVendor,
  config: { defaults: Record<string, string>; priorityMap: Partial<Record<string, string>>; mappings: { overrides: Record<string, string> }[] },
): Record<string, string> {
  const descriptor = getPsaDescriptor(vendor);
  const issues: Record<string, string> = {};
  const allowedDefaults = new Set(defaultFieldKeys(descriptor));
  for (const key of Object.keys(config.defaults)) {
    if (!allowedDefaults.has(key)) issues[`defaults.${key}`] = `${descriptor.displayName} has no ticket default called "${key}".`;
  }
  for (const field of descriptor.ticketFields) {
    if (field.required && allowedDefaults.has(field.key) && !config.defaults[field.key]) {
      issues[`defaults.${field.key}`] = `Choose a ${field.label.toLowerCase()}: ${descriptor.displayName} needs one on every ticket.`;
    }
  }
  if (descriptor.priority.required) {
    for (const p of PRIORITIES) {
      if (!config.priorityMap[p]) {
        issues[`priorityMap.${p}`] = `Choose the ${descriptor.displayName} priority for ${PRIORITY_LABELS[p]} alerts.`;
      }
    }
  }
  const allowedOverrides = new Set(overrideFieldKeys(descriptor));
  config.mappings.forEach((m, i) => {
    for (const key of Object.keys(m.overrides)) {
      if (!allowedOverrides.has(key)) issues[`mappings.${i}.overrides.${key}`] = `${descriptor.displayName} has no ticket field called "${key}".`;
    }
  });
  return issues;
}

/** psaConfigSchema plus the vendor's rules (the wizard's and the integration page's form resolver). */
export function psaConfigSchemaFor(vendor: PsaVendor) {
  return psaConfigSchema.superRefine((value, ctx) => {
    for (const [path, message] of Object.entries(psaConfigIssues(vendor, value))) {
      ctx.addIssue({ code: "custom", path: path.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message });
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// Status, delete, tests

export const setPsaStatusSchema = z.object({ id: uuidSchema, status: psaStatusSchema, note: whyNoteSchema });
export const deletePsaIntegrationSchema = z.object({ id: uuidSchema, note: whyNoteSchema });
export const testPsaIntegrationSchema = z.object({ id: uuidSchema });
export const sendPsaTestTicketSchema = z.object({
  id: uuidSchema,
  organizationId: z.string({ message: "Choose a mapped organization." }).min(1, "Choose a mapped organization.").pipe(uuidSchema),
  priority: prioritySchema.default("medium"),
  note: whyNoteSchema,
});

// ---------------------------------------------------------------------------------------------------------
// Look-up route handlers (GET query strings)

export const psaCompanyQuerySchema = z.object({
  search: z.string().trim().max(100, "Search for at most 100 characters.").optional().transform((v) => v || undefined),
  cursor: z.string().max(2000, "Invalid page cursor.").optional().transform((v) => v || undefined),
});

export const psaLookupKindSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, "Unknown list.");

/** Look-up parameters (the values a list depends on, e.g. the chosen board). */
export const psaLookupParamsSchema = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, "Unknown parameter."),
  z.string().trim().min(1, "Empty parameter.").max(200, "Parameter too long."),
);
