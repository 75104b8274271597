/** Small zod building blocks shared by forms, actions and API routes. */
import { z } from "zod";

export const uuidSchema = z.uuid({ message: "Invalid id." });

/**
 * Free text may hold line breaks and tabs, but no other control characters: PostgreSQL cannot store NUL, and
 * the rest only hide text (R-SEC-5: refused with a message, not a failed insert).
 */
export function hasNoControlCharacters(v: string): boolean {
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v);
}

export const UNSTORABLE_TEXT_MESSAGE = "This text contains a character that cannot be stored (a NUL character or an unpaired surrogate).";

/** NUL and unpaired UTF-16 surrogates: PostgreSQL refuses them in jsonb (NUL in text too). */
function isUnstorable(s: string): boolean {
  return s.includes("\u0000") || /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/**
 * The path ("events.3.payload.host", "" for the value itself) of the first string — value or object key — that
 * PostgreSQL cannot store, or null. Input is refused with a message instead of failing an insert (R-SEC-5).
 */
export function findUnstorableText(value: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof value === "string") return isUnstorable(value) ? path.join(".") : null;
  if (depth > 64 || value === null || typeof value !== "object") return null;
  if (value instanceof FormData) {
    for (const [key, v] of value.entries()) {
      if (isUnstorable(key) || (typeof v === "string" && isUnstorable(v))) return [...path, key].join(".");
    }
    return null;
  }
  for (const [key, v] of Object.entries(value)) {
    if (isUnstorable(key)) return [...path, key].join(".");
    const found = findUnstorableText(v, [...path, key], depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** The optional "why" note every settings form carries (R-SEC-4, seed 000 governance guidance). */
export const whyNoteSchema = z
  .string()
  .trim()
  .max(500, "Keep the note under 500 characters.")
  .refine(hasNoControlCharacters, "The note cannot contain control characters.")
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
