/**
 * The ticket reference ("sb:<delivery uuid>") that makes PSA delivery effectively-once (R-REL-2): none of the
 * five PSAs takes an idempotency key, so each ticket carries the reference where the vendor can search it —
 * a dedicated field (ConnectWise externalXRef, Autotask externalID) or a "[sb:…]" token in the title (BMS,
 * Halo, Syncro) — and a retry searches for it before creating.
 */

/** Letters, digits and ":_.-" only: the value is interpolated into vendor query syntax (CW conditions). */
const REFERENCE = /^[A-Za-z0-9][A-Za-z0-9:_.-]{0,79}$/;

export function isValidReference(reference: string): boolean {
  return REFERENCE.test(reference);
}

export function referenceToken(reference: string): string {
  return `[${reference}]`;
}

/** Cuts `text` to at most `max` UTF-16 units, ending with "…", without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  if (max === 1) return "…";
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end).trimEnd()}…`;
}

/** One line, no control characters: titles are single-line fields everywhere. */
export function singleLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
}

/**
 * "<title> [sb:…]" within `max` characters: the title is shortened, the token never is — a cut token would
 * make the ticket unfindable and the next retry would create a duplicate.
 */
export function titleWithReference(title: string, reference: string, max: number): string {
  const token = referenceToken(reference);
  const clean = singleLine(title.split(token).join(" "));
  const room = max - token.length - 1;
  if (room <= 0) return token.slice(0, Math.max(max, token.length));
  const head = truncate(clean, room);
  return head ? `${head} ${token}` : token;
}

/** Whether a title carries exactly this reference token (vendor "contains" searches can be fuzzy). */
export function titleHasReference(title: string | null | undefined, reference: string): boolean {
  return typeof title === "string" && title.includes(referenceToken(reference));
}
