/**
 * The alert API's input (POST /api/v1/alerts) and the console's "Send test alert" form. The same
 * schema feeds validation, the OpenAPI document and the form.
 */
import { z } from "zod";
import { iocMatchesSchema, prioritySchema, respondEventsSchema, type IocMatch, type RespondEvent } from "@/lib/delivery/types";

const noControl = (label: string) => (v: string) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v) || `${label} cannot contain control characters.`;

export const alertInputSchema = z
  .object({
    organizationId: z.uuid({ message: "organizationId must be a UUID." }).optional(),
    organizationRef: z
      .string()
      .trim()
      .min(1)
      .max(100, "organizationRef is at most 100 characters.")
      .optional()
      .describe("The reference the partner set on the organization; used when organizationId is absent."),
    priority: prioritySchema.describe("low | medium | high | critical"),
    title: z
      .string({ message: "title is required." })
      .trim()
      .min(1, "title is required.")
      .max(300, "title is at most 300 characters.")
      .refine((v) => !/[\r\n]/.test(v), "title must be a single line.")
      .refine((v) => noControl("title")(v) === true, "title cannot contain control characters."),
    summary: z
      .string({ message: "summary is required." })
      .trim()
      .min(1, "summary is required.")
      .max(20_000, "summary is at most 20,000 characters.")
      .refine((v) => noControl("summary")(v) === true, "summary cannot contain control characters."),
    detectedAt: z.iso
      .datetime({ offset: true, message: "detectedAt must be an ISO-8601 date-time with a time zone, e.g. 2026-11-22T10:15:00Z." })
      .optional(),
    source: z.string().trim().max(120, "source is at most 120 characters.").optional(),
    respondEvents: respondEventsSchema.optional().default([]),
    iocMatches: iocMatchesSchema.optional().default([]),
  })
  .strict()
  .refine((v) => v.organizationId || v.organizationRef, {
    message: "Give organizationId or organizationRef.",
    path: ["organizationId"],
  });

/** What intake accepts: the parsed API body, or an alert built in code (test alerts, tests). */
export type AlertInput = Omit<z.output<typeof alertInputSchema>, "respondEvents" | "iocMatches"> & {
  respondEvents?: RespondEvent[];
  iocMatches?: IocMatch[];
};

/** Largest accepted request body (bytes); larger → 413. */
export const MAX_ALERT_BODY_BYTES = 512 * 1024;

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200, "Idempotency-Key is at most 200 characters.")
  .regex(/^[\x21-\x7e]+$/, "Idempotency-Key must be printable ASCII without spaces.");

export const testAlertSchema = z.object({
  organizationId: z.uuid({ message: "Choose an organization." }),
  priority: prioritySchema,
  title: z.string().trim().min(1, "Enter a title.").max(300).optional(),
});
