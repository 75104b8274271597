/** Small zod building blocks shared by forms, actions and API routes. */
import { z } from "zod";

export const uuidSchema = z.uuid({ message: "Invalid id." });

/** The optional "why" note every settings form carries (R-SEC-4, seed 000 governance guidance). */
export const whyNoteSchema = z
  .string()
  .trim()
  .max(500, "Keep the note under 500 characters.")
  .optional()
  .transform((v) => (v ? v : undefined));

export const emailSchema = z
  .string({ message: "Enter an email address." })
  .trim()
  .min(1, "Enter an email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email({ message: "Enter a valid email address, like soc@example.com." }))
  .transform((v) => v.toLowerCase());

export const passwordSchema = z
  .string({ message: "Enter a password." })
  .min(12, "Use at least 12 characters.")
  .max(256, "Use at most 256 characters.");

/** A printable single-line name: no control characters. */
export function nameSchema(label: string, max = 120) {
  return z
    .string({ message: `Enter ${label}.` })
    .trim()
    .min(1, `Enter ${label}.`)
    .max(max, `Keep ${label} under ${max} characters.`)
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), `${label[0].toUpperCase()}${label.slice(1)} cannot contain control characters.`);
}
