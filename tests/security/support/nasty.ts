/**
 * fast-check generators of bad input (R-SEC-5): wrong types, huge and unicode strings, control characters,
 * SQL and template injection, header injection, negative and enormous numbers, prototype keys.
 */
import fc from "fast-check";

export const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE organizations; --",
  "1; SELECT pg_sleep(10)",
  "\\x00",
  "{{ 7*7 }}",
  "{{ alert.title | append: partner.id }}",
  "{% assign x = 1 %}",
  "${7*7}",
  "#{7*7}",
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "\"><svg/onload=alert(1)>",
  "javascript:alert(1)",
  "\r\nBcc: attacker@evil.test",
  "a@b.test\r\nBcc: attacker@evil.test",
  "../../../../etc/passwd",
  "%2e%2e%2f%2e%2e%2f",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "a\udfffb",
  "\u202e\u0041\u0042",
  "\ufeff",
  "🤖🔥💥",
  "ǅ̴̡̢̛̯̞̱͇͍̬̟͉̬͕͈̝̘̭̪̪̬͉̭̏̎̌̑̽̈́̈́̓̎͌́̽̅̑͘͝",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "__proto__",
  "constructor",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
] as const;

const huge = fc.constantFrom(10_001, 100_000, 1_000_000).map((n) => "A".repeat(n));

export const nastyString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 3, arbitrary: fc.string() },
  { weight: 3, arbitrary: fc.string({ unit: "grapheme", maxLength: 50 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 50 }) },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.emailAddress() },
);

export const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1e308, -1e308, Number.MAX_VALUE, 2 ** 31, -(2 ** 31)),
);

/** Any bad value for a field: strings, numbers, wrong types, nested junk. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: nastyString },
  { weight: 2, arbitrary: nastyNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, true, false, [], {}, [null], { $ne: null }) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(nastyString.filter((s) => s.length < 50), nastyString, { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);

/** Keys an attacker adds to a valid object: mass assignment and prototype pollution. */
export const extraKey = fc.constantFrom("partnerId", "partner_id", "role", "id", "userId", "__proto__", "constructor", "isAdmin", "organizationIds");

export type Mutation = { input: unknown; mutated: string[]; shape: "wrong-type" | "field" | "fields" | "extra-key" };

/**
 * Inputs derived from a valid sample: one field made bad (most runs), several fields made bad, an extra key,
 * or a body of the wrong type altogether. `mutated` names the fields that were changed.
 */
export function mutationsOf(sample: Record<string, unknown>, schemaKeys: readonly string[] = []): fc.Arbitrary<Mutation> {
  // The sample's fields and every other field the schema knows (optional ones the sample leaves out).
  const keys = [...new Set([...Object.keys(sample), ...schemaKeys])];
  const oneField = fc.record({ key: fc.constantFrom(...keys), value: nastyValue }).map(({ key, value }) => ({
    input: { ...sample, [key]: value },
    mutated: [key],
    shape: "field" as const,
  }));
  // Distinct keys only: a one-field sample cannot have two bad fields (asking for two would never finish).
  const manyFields = fc.dictionary(fc.constantFrom(...keys), nastyValue, { minKeys: Math.min(2, keys.length), maxKeys: keys.length }).map((d) => ({
    input: { ...sample, ...d },
    mutated: Object.keys(d),
    shape: "fields" as const,
  }));
  const extra = fc.record({ key: extraKey, value: nastyValue }).map(({ key, value }) => {
    const input: Record<string, unknown> = { ...sample };
    Object.defineProperty(input, key, { value, enumerable: true, configurable: true, writable: true });
    return { input, mutated: [key], shape: "extra-key" as const };
  });
  const wrongType = fc.oneof(nastyValue, fc.constant(undefined), fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 })).map((v) => ({
    input: v,
    mutated: [],
    shape: "wrong-type" as const,
  }));
  return fc.oneof({ weight: 6, arbitrary: oneField }, { weight: 2, arbitrary: manyFields }, { weight: 1, arbitrary: extra }, { weight: 1, arbitrary: wrongType });
}

/** The same values as a browser form would post them (strings, repeated keys for arrays). */
export function asFormData(input: unknown): FormData | unknown {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const fd = new FormData();
  for (const [k, v] of Object.entries(input)) {
    if (Array.isArray(v)) for (const item of v) fd.append(`${k}[]`, typeof item === "string" ? item : JSON.stringify(item) ?? "");
    else if (v !== undefined) fd.append(k, typeof v === "string" ? v : JSON.stringify(v) ?? "");
  }
  return fd;
}
