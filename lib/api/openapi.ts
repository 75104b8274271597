/**
 * The public API's OpenAPI 3.1 document, generated from the same zod schemas that validate requests
 * (zod-openapi), so the document cannot drift from what the server accepts.
 */
import { z } from "zod";
import { createDocument } from "zod-openapi";
import { alertInputSchema } from "@/lib/validations/alerts";
import { prioritySchema } from "@/lib/delivery/types";

const errorSchema = z
  .object({
    error: z.string().meta({ example: "The alert is not valid." }),
    fields: z.record(z.string(), z.array(z.string())).optional().meta({ example: { priority: ['Invalid option: expected one of "low"|"medium"|"high"|"critical"'] } }),
  })
  .meta({ id: "Error" });

const deliverySummarySchema = z.object({
  channel: z.enum(["psa", "email"]),
  target: z.string().meta({ description: "PSA integration id, or the recipient's email address" }),
  status: z.enum(["planned", "sending", "sent", "skipped", "failed", "dead"]),
  rule: z.string().meta({ example: "R-DEL-5" }),
  reason: z.string().meta({ example: "Recipient scope Critical does not include Medium" }),
});

const acceptedSchema = z
  .object({
    alertId: z.uuid(),
    organizationId: z.uuid(),
    duplicate: z.boolean().meta({ description: "true when an earlier request with the same Idempotency-Key created this alert" }),
    plan: z.object({ planned: z.number().int(), skipped: z.number().int() }),
    deliveries: z.array(deliverySummarySchema),
  })
  .meta({ id: "AlertAccepted" });

const alertDetailSchema = z
  .object({
    alert: z.object({
      id: z.uuid(),
      organizationId: z.uuid(),
      organizationName: z.string(),
      priority: prioritySchema,
      title: z.string(),
      summary: z.string(),
      detectedAt: z.string(),
      source: z.string().nullable(),
      createdAt: z.string(),
      plan: z.object({ planned: z.number().int(), skipped: z.number().int() }),
    }),
    deliveries: z.array(
      deliverySummarySchema.extend({
        id: z.uuid(),
        attempts: z.number().int(),
        externalRef: z.string().nullable().meta({ description: "PSA ticket id or email Message-ID once sent" }),
        lastError: z.string().nullable(),
        sentAt: z.string().nullable(),
        nextAttemptAt: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "AlertDetail" });

const err = (description: string) => ({ description, content: { "application/json": { schema: errorSchema } } });

export function buildOpenApiDocument(serverUrl: string) {
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Switchboard API",
      version: "1.0.0",
      description:
        "Post alerts for delivery as PSA tickets and emails. Delivery runs after the alert exists: nothing in delivery settings prevents, changes or deletes an alert. Authenticate with a partner API key (Settings > API keys).",
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "A partner API key, sbk_..." } },
    },
    security: [{ apiKey: [] }],
    paths: {
      "/api/v1/alerts": {
        post: {
          summary: "Accept an alert and plan its deliveries",
          description:
            "Stores the alert, the configuration snapshot and every planned or skipped delivery in one transaction, then returns 202. Send an Idempotency-Key header to make retries safe.",
          requestParams: {
            header: z.object({
              "Idempotency-Key": z.string().max(200).optional().meta({ description: "A retried POST with the same key returns the first result" }),
            }),
          },
          requestBody: { content: { "application/json": { schema: alertInputSchema.meta({ id: "AlertInput" }) } } },
          responses: {
            "202": { description: "Accepted; deliveries are planned", content: { "application/json": { schema: acceptedSchema } } },
            "200": { description: "Already accepted under this Idempotency-Key", content: { "application/json": { schema: acceptedSchema } } },
            "400": err("Malformed JSON or invalid fields (each bad field is named)"),
            "401": err("Missing or invalid API key"),
            "413": err("Body larger than 512 KiB"),
            "422": err("Unknown organization"),
          },
        },
      },
      "/api/v1/alerts/{id}": {
        get: {
          summary: "An alert with its deliveries and their states",
          requestParams: { path: z.object({ id: z.uuid() }) },
          responses: {
            "200": { description: "The alert", content: { "application/json": { schema: alertDetailSchema } } },
            "401": err("Missing or invalid API key"),
            "404": err("No such alert for this partner"),
          },
        },
      },
    },
  });
}
