/**
 * The routing decision: where one alert goes, and why it does not go elsewhere (R-DEL-2..7, R-DEL-11).
 *
 * `planDelivery` is a pure, deterministic function of the alert and the configuration snapshot taken
 * when the alert was accepted (R-DEL-10): no I/O, no clock, no randomness. Intake stores its result
 * as the alert's deliveries; the simulator and the "why" page call it with the same inputs and get the
 * same answer. It reads the alert and never changes it (R-DEL-1): delivery settings decide where an
 * alert is sent, never whether it exists or what it says.
 *
 * Every PSA integration and every candidate email address appears in the plan exactly once, either
 * planned or skipped with the rule and a reason, so nothing is ever dropped silently.
 *
 * Order of checks, most general first, so the reason shown is the one an admin would change first:
 *   1. R-DEL-2 organization `PSA & email` toggle off → everything skipped.
 *   2. PSA: R-DEL-3 paused → skipped; R-DEL-4 mapping → fallback → skipped as unmapped.
 *   3. Email: R-SEC-5 unusable address → skipped; R-DEL-5 scope → planned or skipped;
 *      R-DEL-6 subject format; R-DEL-7 detail toggles.
 * The two channels are planned independently: no PSA state is read when planning email and no email
 * setting is read when planning PSA (R-DEL-3).
 */
import { resolveRecipients, type EffectiveRecipient, type RecipientCandidate } from "./recipients";
import {
  DEFAULT_GLOBAL_SUBJECT_FORMAT,
  DEFAULT_ORGANIZATION_SUBJECT_FORMAT,
  SubjectFormatError,
  renderSubject,
  type SubjectContext,
} from "./render/subject";
import {
  formatPriorityList,
  priorityLabel,
  psaCompanyNoun,
  psaVendorLabel,
  type AlertForDelivery,
  type DeliveryConfigSnapshot,
  type DeliveryPlan,
  type EmailPlannedDelivery,
  type PlannedDelivery,
  type PsaDeliveryDetail,
  type PsaIntegrationSnapshot,
  type PsaPlannedDelivery,
  type RecipientList,
} from "./types";

// ---------------------------------------------------------------------------------------------------
// PSA
// ---------------------------------------------------------------------------------------------------

const present = (value: string | null | undefined): value is string =>
  typeof value === "string" && value.trim() !== "";

/**
 * PSA priority for the ticket, most specific first:
 *   1. the organization mapping's "priority" override — an admin deliberately pinned this customer's
 *      tickets (e.g. every ticket for a hospital is P1), which must beat the generic mapping;
 *   2. the integration's priority map for the alert's priority — the normal case (SPEC: "priority from
 *      the alert priority");
 *   3. the integration's static default "priority" field, for a map with a gap.
 * Fallback deliveries have no mapping, so step 1 does not apply to them.
 */
function resolvePriorityId(
  integration: PsaIntegrationSnapshot,
  overrides: Record<string, string>,
  alert: AlertForDelivery,
): string | undefined {
  if (present(overrides.priority)) return overrides.priority;
  const mapped = integration.priorityMap[alert.priority];
  if (present(mapped)) return mapped;
  if (present(integration.defaults.priority)) return integration.defaults.priority;
  return undefined;
}

function psaSkip(
  integration: PsaIntegrationSnapshot,
  rule: PsaPlannedDelivery["rule"],
  reason: string,
): PsaPlannedDelivery {
  return {
    channel: "psa",
    target: integration.id,
    status: "skipped",
    rule,
    reason,
    psa: {
      integrationId: integration.id,
      integrationName: integration.name,
      vendor: integration.vendor,
      via: null,
      fields: {},
    },
  };
}

function planPsa(
  integration: PsaIntegrationSnapshot,
  alert: AlertForDelivery,
  snapshot: DeliveryConfigSnapshot,
): PsaPlannedDelivery {
  const org = snapshot.organization.name;
  if (!snapshot.organization.deliveryEnabled) {
    return psaSkip(integration, "R-DEL-2", `Organization ${org} has PSA & email turned off`);
  }
  if (integration.status !== "active") {
    return psaSkip(integration, "R-DEL-3", `${integration.name} is paused`);
  }

  const vendor = psaVendorLabel(integration.vendor);
  const noun = psaCompanyNoun(integration.vendor);
  const base = { integrationId: integration.id, integrationName: integration.name, vendor: integration.vendor };

  const mapping = integration.mapping;
  if (mapping && present(mapping.companyId)) {
    // Copies, so a consumer editing the plan can never reach back into the snapshot.
    const fields = { ...integration.defaults, ...mapping.overrides };
    const psa: PsaDeliveryDetail = {
      ...base,
      companyId: mapping.companyId,
      companyName: mapping.companyName,
      ...(present(mapping.contactId) ? { contactId: mapping.contactId } : {}),
      ...(present(mapping.siteId) ? { siteId: mapping.siteId } : {}),
      via: "mapping",
      fields,
    };
    const priorityId = resolvePriorityId(integration, mapping.overrides, alert);
    if (priorityId !== undefined) psa.priorityId = priorityId;
    return {
      channel: "psa",
      target: integration.id,
      status: "planned",
      rule: "R-DEL-4",
      reason: `Ticket in ${vendor} ${noun} ${mapping.companyName}, which organization ${org} is mapped to`,
      psa,
    };
  }

  const fallback = integration.fallback;
  if (fallback && present(fallback.companyId)) {
    const psa: PsaDeliveryDetail = {
      ...base,
      companyId: fallback.companyId,
      companyName: fallback.companyName,
      ...(present(fallback.contactId) ? { contactId: fallback.contactId } : {}),
      via: "fallback",
      // Overrides belong to a mapping; an unmapped organization gets the integration's defaults.
      fields: { ...integration.defaults },
    };
    const priorityId = resolvePriorityId(integration, {}, alert);
    if (priorityId !== undefined) psa.priorityId = priorityId;
    return {
      channel: "psa",
      target: integration.id,
      status: "planned",
      rule: "R-DEL-4",
      reason: `Organization ${org} is not mapped in ${vendor}; ticket goes to the default ${noun} ${fallback.companyName}`,
      psa,
    };
  }

  return psaSkip(
    integration,
    "R-DEL-4",
    `Organization ${org} is not mapped in ${vendor} and no default ${noun} is set`,
  );
}

// ---------------------------------------------------------------------------------------------------
// Email
// ---------------------------------------------------------------------------------------------------

type RenderedSubject = { subject: string; note: string };

const FORMAT_NAME: Record<RecipientList, string> = { global: "global", organization: "organization-recipient" };

/**
 * Renders one subject per format per plan (every recipient of a scope shares it). A stored format that
 * no longer validates must not stop the alert's emails: it falls back to the built-in default for that
 * scope, and the reason says so, so the admin can see and fix it.
 */
function subjectRenderer(snapshot: DeliveryConfigSnapshot, alert: AlertForDelivery) {
  const context: SubjectContext = {
    alert,
    organization: { name: snapshot.organization.name },
    partner: { name: snapshot.partner.name },
  };
  const formats: Record<RecipientList, { configured: string; fallback: string }> = {
    global: { configured: snapshot.email.globalSubjectFormat, fallback: DEFAULT_GLOBAL_SUBJECT_FORMAT },
    organization: {
      configured: snapshot.email.organizationSubjectFormat,
      fallback: DEFAULT_ORGANIZATION_SUBJECT_FORMAT,
    },
  };
  const rendered = new Map<RecipientList, RenderedSubject>();
  return (list: RecipientList): RenderedSubject => {
    const hit = rendered.get(list);
    if (hit) return hit;
    const { configured, fallback } = formats[list];
    let result: RenderedSubject;
    try {
      result = { subject: renderSubject(configured, context), note: "" };
    } catch (error) {
      if (!(error instanceof SubjectFormatError)) throw error;
      result = {
        subject: renderSubject(fallback, context),
        note: `; the ${FORMAT_NAME[list]} subject format is invalid (${error.message}), so the default format was used`,
      };
    }
    rendered.set(list, result);
    return result;
  };
}

function includedReason(recipient: EffectiveRecipient, alert: AlertForDelivery): string {
  const inGlobal = recipient.lists.includes("global");
  const inOrganization = recipient.lists.includes("organization");
  if (inGlobal && inOrganization) {
    return "Global and organization recipient; one email, with the global subject format";
  }
  if (inGlobal) return "Global recipient";
  const scope = [...new Set(recipient.sources.flatMap((s) => s.priorities ?? []))];
  return `Organization recipient; scope ${formatPriorityList(scope)} includes ${priorityLabel(alert.priority)}`;
}

function planEmail(
  candidate: RecipientCandidate,
  alert: AlertForDelivery,
  snapshot: DeliveryConfigSnapshot,
  subjectFor: (list: RecipientList) => RenderedSubject,
): EmailPlannedDelivery {
  const rendered = subjectFor(candidate.subjectFormat);
  let status: EmailPlannedDelivery["status"];
  let rule: EmailPlannedDelivery["rule"];
  let reason: string;
  if (!snapshot.organization.deliveryEnabled) {
    // The organization toggle is the broadest reason and the one an admin would change first.
    status = "skipped";
    rule = "R-DEL-2";
    reason = `Organization ${snapshot.organization.name} has PSA & email turned off`;
  } else if (!candidate.included) {
    status = "skipped";
    rule = candidate.rule;
    reason = candidate.reason;
  } else {
    status = "planned";
    rule = "R-DEL-5";
    reason = includedReason(candidate, alert) + rendered.note;
  }
  // Built as one literal of fixed shape: this runs once per recipient per alert.
  return {
    channel: "email",
    target: candidate.address,
    status,
    rule,
    reason,
    email: {
      address: candidate.address,
      lists: candidate.lists.slice(),
      subjectFormat: candidate.subjectFormat,
      subject: rendered.subject,
      // R-DEL-7: content toggles travel with the delivery; they never decide whether it happens.
      includeRespondEvents: snapshot.email.respondEventDetail,
      includeIocMatches: snapshot.email.iocEventDetail,
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------------------------------

/**
 * Plans every delivery of `alert` under `snapshot`. Output order is stable: PSA integrations in
 * snapshot order, then email addresses in first-configured order (global list, then organization list).
 */
export function planDelivery(alert: AlertForDelivery, snapshot: DeliveryConfigSnapshot): DeliveryPlan {
  const deliveries: PlannedDelivery[] = [];

  // PSA. A snapshot never holds one integration twice (ids are primary keys); if a hand-built one
  // does, the first entry wins so (channel, target) stays unique, as the deliveries table requires.
  const seenIntegrations = new Set<string>();
  for (const integration of snapshot.psaIntegrations) {
    if (seenIntegrations.has(integration.id)) continue;
    seenIntegrations.add(integration.id);
    deliveries.push(planPsa(integration, alert, snapshot));
  }

  // Email. Who is a candidate does not depend on the organization toggle, so the "why" page can list
  // everyone the toggle held back.
  const { candidates } = resolveRecipients(snapshot, alert.priority);
  if (candidates.length > 0) {
    const subjectFor = subjectRenderer(snapshot, alert);
    for (const candidate of candidates) deliveries.push(planEmail(candidate, alert, snapshot, subjectFor));
  }

  let planned = 0;
  for (const d of deliveries) if (d.status === "planned") planned += 1;
  return { deliveries, summary: { planned, skipped: deliveries.length - planned } };
}
