/**
 * The one place the effective email recipient set of an alert is computed (R-DEL-5, R-DEL-6).
 * The planner, the routing simulator and the settings screens all call `resolveRecipients`, so what
 * an admin is shown is exactly what the worker sends.
 *
 * Pure: a function of the recipient lists and the alert's priority only. The organization's
 * `PSA & email` toggle (R-DEL-2) is deliberately not applied here — the planner applies it on top,
 * so the "why" page can still show who *would* have been emailed.
 */
import {
  formatPriorityList,
  priorityLabel,
  type DeliveryConfigSnapshot,
  type Priority,
  type RecipientList,
} from "./types";

/** One configured entry (a row of a recipient list) that put an address on the candidate list. */
export type RecipientSource = {
  list: RecipientList;
  recipientId: string;
  /** The entry's priority scope; only organization-level entries have one. */
  priorities?: Priority[];
  note?: string | null;
};

/** An address that receives exactly one email for the alert. */
export type EffectiveRecipient = {
  /** Trimmed, lower-cased address; the delivery target. */
  address: string;
  /** The lists through which the address qualified, "global" first. */
  lists: RecipientList[];
  /** Which subject format the one email uses (see SUBJECT FORMAT CHOICE below). */
  subjectFormat: RecipientList;
  /** The configured entries through which the address qualified. */
  sources: RecipientSource[];
};

/** A configured address that receives no email for this alert, and why. */
export type ExcludedRecipient = {
  address: string;
  /** The lists the address is configured in. */
  lists: RecipientList[];
  /** The format the email would have used, so a simulator can still show it. */
  subjectFormat: RecipientList;
  /** R-DEL-5: organization recipient whose scope excludes the priority. R-SEC-5: not a usable address. */
  rule: "R-DEL-5" | "R-SEC-5";
  reason: string;
  sources: RecipientSource[];
};

/** Either outcome, tagged, for callers that walk every configured address in order. */
export type RecipientCandidate =
  | ({ included: true } & EffectiveRecipient)
  | ({ included: false } & ExcludedRecipient);

export type RecipientResolution = {
  /** In first-configured order: global list order, then organization list order. */
  recipients: EffectiveRecipient[];
  /** Same order. An address appears in `recipients` or `excluded`, never both, never twice. */
  excluded: ExcludedRecipient[];
  /** `recipients` and `excluded` interleaved in first-configured order: one entry per distinct address. */
  candidates: RecipientCandidate[];
};

export type RecipientLists = Pick<DeliveryConfigSnapshot, "globalRecipients" | "organizationRecipients">;

/** Case-insensitive identity of an address (R-DEL-5 "one email"): trimmed and lower-cased. */
export function normalizeEmailAddress(email: string): string {
  return email.trim().toLowerCase();
}

// A deliberately conservative shape check, not RFC 5322: recipients are validated when saved, and this
// is the last line before an address reaches SMTP headers, so anything with whitespace, control
// characters, header punctuation or a missing domain is refused rather than guessed at (R-SEC-5).
const ADDRESS_PATTERN = /^[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;
const MAX_ADDRESS_LENGTH = 254;

export function isDeliverableEmailAddress(address: string): boolean {
  return address.length <= MAX_ADDRESS_LENGTH && ADDRESS_PATTERN.test(address);
}

/** "Recipient scope Medium and Critical does not include High" (the R-DEL-5 skip reason). */
export function describeScopeExclusion(scope: readonly Priority[], priority: Priority): string {
  if (scope.length === 0) {
    return `Recipient scope has no priorities selected, so it does not include ${priorityLabel(priority)}`;
  }
  return `Recipient scope ${formatPriorityList(scope)} does not include ${priorityLabel(priority)}`;
}

type Candidate = {
  address: string;
  global: RecipientSource[];
  organizationInScope: RecipientSource[];
  organizationOutOfScope: RecipientSource[];
};

/**
 * Global recipients ∪ organization recipients whose priority scope contains `priority`, one entry per
 * address (case-insensitive), plus every other configured address with the reason it is left out.
 *
 * SUBJECT FORMAT CHOICE (R-DEL-6): an address in both lists gets one email with the *global* format.
 * A global recipient is, by definition, emailed about every alert of every organization; if an
 * organization also listing that address switched its subject, the same mailbox would see two subject
 * shapes depending on which customer raised the alert, breaking the inbox rules MSPs key on the global
 * format. Adding an organization-level entry therefore never changes what a global recipient receives,
 * which matches the seed: organization recipients are "in addition to" the global ones.
 */
export function resolveRecipients(lists: RecipientLists, priority: Priority): RecipientResolution {
  // Insertion order of the Map gives the documented, deterministic output order.
  const candidates = new Map<string, Candidate>();
  const candidateFor = (email: string): Candidate => {
    const address = normalizeEmailAddress(email);
    let candidate = candidates.get(address);
    if (!candidate) {
      candidate = { address, global: [], organizationInScope: [], organizationOutOfScope: [] };
      candidates.set(address, candidate);
    }
    return candidate;
  };

  for (const r of lists.globalRecipients) {
    candidateFor(r.email).global.push({ list: "global", recipientId: r.id, note: r.note ?? null });
  }
  for (const r of lists.organizationRecipients) {
    const source: RecipientSource = {
      list: "organization",
      recipientId: r.id,
      priorities: [...r.priorities],
      note: r.note ?? null,
    };
    const candidate = candidateFor(r.email);
    (r.priorities.includes(priority) ? candidate.organizationInScope : candidate.organizationOutOfScope).push(source);
  }

  const recipients: EffectiveRecipient[] = [];
  const excluded: ExcludedRecipient[] = [];
  const candidateList: RecipientCandidate[] = [];
  const include = (r: EffectiveRecipient) => {
    recipients.push(r);
    candidateList.push({
      included: true,
      address: r.address,
      lists: r.lists,
      subjectFormat: r.subjectFormat,
      sources: r.sources,
    });
  };
  const exclude = (r: ExcludedRecipient) => {
    excluded.push(r);
    candidateList.push({
      included: false,
      address: r.address,
      lists: r.lists,
      subjectFormat: r.subjectFormat,
      rule: r.rule,
      reason: r.reason,
      sources: r.sources,
    });
  };

  for (const c of candidates.values()) {
    const configuredLists: RecipientList[] = [];
    if (c.global.length > 0) configuredLists.push("global");
    if (c.organizationInScope.length + c.organizationOutOfScope.length > 0) configuredLists.push("organization");
    const subjectFormat: RecipientList = c.global.length > 0 ? "global" : "organization";

    if (!isDeliverableEmailAddress(c.address)) {
      exclude({
        address: c.address,
        lists: configuredLists,
        subjectFormat,
        rule: "R-SEC-5",
        reason: "Address is not a valid email address, so no email is sent to it",
        sources: [...c.global, ...c.organizationInScope, ...c.organizationOutOfScope],
      });
      continue;
    }

    const qualifying = [...c.global, ...c.organizationInScope];
    if (qualifying.length > 0) {
      const lists: RecipientList[] = [];
      if (c.global.length > 0) lists.push("global");
      if (c.organizationInScope.length > 0) lists.push("organization");
      include({ address: c.address, lists, subjectFormat, sources: qualifying });
      continue;
    }

    // Only organization entries, none in scope. Several entries for one address act as one recipient
    // whose scope is the union, so the reason lists every priority that would have reached it.
    const union = [...new Set(c.organizationOutOfScope.flatMap((s) => s.priorities ?? []))];
    exclude({
      address: c.address,
      lists: configuredLists,
      subjectFormat,
      rule: "R-DEL-5",
      reason: describeScopeExclusion(union, priority),
      sources: c.organizationOutOfScope,
    });
  }

  return { recipients, excluded, candidates: candidateList };
}
