/**
 * Autotask PSA REST v1.0 adapter — PSA-APIS.md §2.
 * The zone is discovered (GET zoneInformation?user=, no credentials sent, so a typo cannot lock the account);
 * then ApiIntegrationCode / UserName / Secret headers go on every call. Lists come from
 * Tickets/entityInformation/fields picklists and entity queries (`/<Entity>/query?search={json}`, paged by
 * following pageDetails.nextPageUrl). Dedupe: the reference goes to `externalID`.
 */
import type { OutboundResponse } from "@/lib/http/outbound";
import { BasePsaClient, byName, nonEmpty, type LookupSpec } from "./base-client";
import type { AutotaskCredentials } from "./catalog";
import type { PsaError } from "./errors";
import { genericVendorMessage, PsaTransport, type RequestSpec } from "./http";
import { singleLine, truncate } from "./reference";
import type { CompanyPage, PsaClientOptions, PsaRef, TicketDraft, TicketRef } from "./types";
import { autotaskDiscoveryBase, normaliseBaseUrl } from "./url";

export const AUTOTASK_TITLE_MAX = 255;
export const AUTOTASK_DESCRIPTION_MAX = 8000;
const NOTE_TITLE_MAX = 250;
const MAX_RECORDS = 500;

export type AutotaskFilter = { op: string; field?: string; value?: unknown; items?: AutotaskFilter[] };

interface PicklistValue {
  value: string;
  label: string;
  isDefaultValue?: boolean;
  sortOrder?: number;
  parentValue?: string;
  isActive?: boolean;
}
interface FieldInfo {
  name: string;
  isPickList?: boolean;
  picklistValues?: PicklistValue[] | null;
}
interface QueryResult<T> {
  items: T[];
  pageDetails?: { nextPageUrl?: string | null };
}

/** `{"errors":["…"]}` — often with HTTP 500 for business-rule failures. */
export function autotaskErrors(res: OutboundResponse): string[] {
  try {
    const body = res.json<{ errors?: unknown }>();
    if (body && Array.isArray(body.errors)) return body.errors.map((e) => (typeof e === "string" ? e : JSON.stringify(e)));
  } catch {
    // not JSON
  }
  return [];
}

function autotaskVendorMessage(res: OutboundResponse): string {
  const errors = autotaskErrors(res);
  return errors.length ? errors.join("; ") : genericVendorMessage(res);
}

/** Post-2023.1 thread limit (3 concurrent per endpoint): arrives as error text, not always as a 429. */
const THREAD_LIMIT = /itgenatr005|thread threshold|threshold.*exceeded|too many (concurrent )?requests/i;
/** Business-rule wording: Autotask reports these with HTTP 500, but retrying cannot make them pass. */
const BUSINESS_RULE =
  /\b(required|must|cannot|can not|does not reference|not reference|invalid|is not (a )?valid|not allowed|not found|exceed|too long|already|supply)\b/i;
const TRANSIENT = /\b(timeout|timed out|unavailable|deadlock|try again|temporar|unexpected)\b/i;

export class AutotaskClient extends BasePsaClient {
  readonly vendor = "autotask" as const;
  protected readonly transport: PsaTransport;
  protected readonly maxPageSize = MAX_RECORDS;
  protected readonly lookups: Record<string, LookupSpec>;
  private readonly credentials: AutotaskCredentials;
  private readonly discoveryBase: string;
  private readonly headers: Record<string, string>;
  private zone?: Promise<{ api: string; name: string }>;
  private readonly fieldCache = new Map<string, Promise<FieldInfo[]>>();

  constructor(credentials: AutotaskCredentials, options: PsaClientOptions = {}) {
    super();
    this.credentials = credentials;
    this.discoveryBase = autotaskDiscoveryBase(credentials.zoneDiscoveryUrl);
    this.headers = {
      ApiIntegrationCode: credentials.integrationCode,
      UserName: credentials.username,
      Secret: credentials.secret,
    };
    this.transport = new PsaTransport("autotask", options, [credentials.secret, credentials.integrationCode], autotaskVendorMessage);

    const pick = (entity: string, field: string): LookupSpec => ({ params: [], run: () => this.picklist(entity, field) });
    this.lookups = {
      queues: pick("Tickets", "queueID"),
      statuses: pick("Tickets", "status"),
      priorities: pick("Tickets", "priority"),
      issueTypes: pick("Tickets", "issueType"),
      subIssueTypes: {
        params: ["issueType"],
        run: (p) => this.picklist("Tickets", "subIssueType", p.issueType),
      },
      ticketTypes: pick("Tickets", "ticketType"),
      ticketCategories: pick("Tickets", "ticketCategory"),
      sources: pick("Tickets", "source"),
      noteTypes: pick("TicketNotes", "noteType"),
      notePublish: pick("TicketNotes", "publish"),
      contracts: {
        params: ["companyId"],
        run: async (p) => {
          const rows = await this.queryAll<{ id: number; contractName?: string; isDefaultContract?: boolean }>(
            "Contracts",
            [
              { op: "eq", field: "companyID", value: this.int(p.companyId, "Account") },
              { op: "eq", field: "status", value: 1 },
            ],
            ["id", "contractName", "isDefaultContract"],
          );
          return byName(rows.map((r) => ({ id: String(r.id), name: r.contractName ?? `#${r.id}`, ...(r.isDefaultContract ? { isDefault: true } : {}) })));
        },
      },
      contacts: {
        params: ["companyId"],
        run: async (p) => {
          const rows = await this.queryAll<{ id: number; firstName?: string; lastName?: string }>(
            "Contacts",
            [
              { op: "eq", field: "companyID", value: this.int(p.companyId, "Account") },
              { op: "eq", field: "isActive", value: 1 },
            ],
            ["id", "firstName", "lastName"],
          );
          return byName(rows.map((r) => ({ id: String(r.id), name: [r.firstName, r.lastName].filter(Boolean).join(" ") || `#${r.id}` })));
        },
      },
      sites: {
        params: ["companyId"],
        run: async (p) => {
          const rows = await this.queryAll<{ id: number; name?: string; isPrimary?: boolean }>(
            "CompanyLocations",
            [
              { op: "eq", field: "companyID", value: this.int(p.companyId, "Account") },
              { op: "eq", field: "isActive", value: true },
            ],
            ["id", "name", "isPrimary"],
          );
          return byName(rows.map((r) => ({ id: String(r.id), name: r.name ?? `#${r.id}`, ...(r.isPrimary ? { isDefault: true } : {}) })));
        },
      },
    };
  }

  async testConnection(): Promise<{ detail: string }> {
    const zone = await this.discoverZone();
    const t = this.transport.json<{
      externalRequestThreshold?: number;
      currentTimeframeRequestCount?: number;
    }>(await this.call({ url: `${zone.api}/ThresholdInformation` }));
    const quota =
      typeof t.externalRequestThreshold === "number"
        ? `; ${t.currentTimeframeRequestCount ?? 0} of ${t.externalRequestThreshold} API requests used this hour (shared by every integration of the tenant)`
        : "";
    return { detail: `Connected to Autotask zone ${zone.name}${quota}.` };
  }

  protected async listCompaniesPage(search: string | undefined, cursor: string | undefined, pageSize: number): Promise<CompanyPage> {
    let result: QueryResult<{ id: number; companyName?: string }>;
    if (cursor) {
      result = this.transport.json(await this.call({ url: await this.checkedNextUrl(cursor) }));
    } else {
      const filter: AutotaskFilter[] = [{ op: "eq", field: "isActive", value: true }];
      if (search) filter.push({ op: "contains", field: "companyName", value: search });
      result = await this.query("Companies", filter, ["id", "companyName"], pageSize);
    }
    return {
      items: result.items.map((r) => ({ id: String(r.id), name: r.companyName ?? `#${r.id}` })),
      nextCursor: result.pageDetails?.nextPageUrl || undefined,
    };
  }

  async findTicketByReference(reference: string, companyId?: string): Promise<TicketRef | null> {
    this.checkReference(reference);
    const filter: AutotaskFilter[] = [{ op: "eq", field: "externalID", value: reference }];
    if (companyId) filter.push({ op: "eq", field: "companyID", value: this.int(companyId, "Account") });
    const result = await this.query<{ id: number; ticketNumber?: string; externalID?: string }>(
      "Tickets",
      filter,
      ["id", "ticketNumber", "externalID"],
      5,
    );
    const hit = result.items.find((t) => t.externalID === undefined || t.externalID === reference);
    return hit ? { id: String(hit.id), ...(hit.ticketNumber ? { number: hit.ticketNumber } : {}) } : null;
  }

  /** The POST body for /V1.0/Tickets (exported for schema tests). */
  buildTicketBody(draft: TicketDraft): Record<string, unknown> {
    this.checkReference(draft.reference);
    const f = draft.fields;
    const opt = (value: string | undefined, label: string) => this.optInt(nonEmpty(value), label);
    const body: Record<string, unknown> = {
      companyID: this.int(draft.companyId, "Account"),
      title: truncate(singleLine(draft.title), AUTOTASK_TITLE_MAX) || "(no title)",
      description: truncate(draft.body || draft.title, AUTOTASK_DESCRIPTION_MAX),
      status: opt(f.status, "Status"),
      priority: opt(draft.priorityId, "Priority"),
      queueID: opt(f.queue, "Queue"),
      issueType: opt(f.issueType, "Issue type"),
      subIssueType: opt(f.subIssueType, "Sub-issue type"),
      ticketType: opt(f.ticketType, "Ticket type"),
      ticketCategory: opt(f.ticketCategory, "Ticket category"),
      source: opt(f.source, "Source"),
      contractID: opt(f.contract, "Contract"),
      contactID: opt(draft.contactId, "Contact"),
      companyLocationID: opt(draft.siteId, "Location"),
      externalID: draft.reference,
    };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    return body;
  }

  async createTicket(draft: TicketDraft): Promise<TicketRef> {
    const body = this.buildTicketBody(draft);
    const zone = await this.discoverZone();
    const res = await this.call({ method: "POST", url: `${zone.api}/Tickets`, json: body });
    const { itemId } = this.transport.json<{ itemId?: number | string }>(res);
    if (itemId === undefined || itemId === null || itemId === "") {
      throw this.transport.error("server", "Autotask created a ticket but returned no itemId", { status: res.status, retryable: false });
    }
    return { id: String(itemId) };
  }

  async addNote(ticketId: string, text: string, fields: Record<string, string | undefined> = {}): Promise<void> {
    const id = this.int(ticketId, "Ticket");
    const noteType = nonEmpty(fields.noteType) ?? (await this.picklistDefault("TicketNotes", "noteType"));
    const publish = nonEmpty(fields.notePublish) ?? (await this.picklistDefault("TicketNotes", "publish"));
    const firstLine = singleLine(text.split("\n")[0] ?? "") || "Switchboard update";
    const zone = await this.discoverZone();
    await this.call({
      method: "POST",
      url: `${zone.api}/Tickets/${id}/Notes`,
      json: {
        ticketID: id,
        title: truncate(firstLine, NOTE_TITLE_MAX),
        description: text,
        noteType: this.int(noteType, "Note type"),
        publish: this.int(publish, "Note visibility"),
      },
    });
  }

  // -------------------------------------------------------------------------------------------------------

  private discoverZone(): Promise<{ api: string; name: string }> {
    this.zone ??= this.fetchZone().catch((err: unknown) => {
      this.zone = undefined; // a failed discovery is retried on the next call
      throw err;
    });
    return this.zone;
  }

  private async fetchZone(): Promise<{ api: string; name: string }> {
    const user = this.credentials.username;
    const res = await this.transport.send({ url: `${this.discoveryBase}/v1.0/zoneInformation?user=${encodeURIComponent(user)}` });
    if (!res.ok) {
      if (res.status === 429 || res.status >= 500) throw this.transport.fromResponse(res);
      const said = autotaskVendorMessage(res);
      throw this.transport.error(
        "auth",
        `Autotask found no zone for the API username "${user}" (HTTP ${res.status})${said ? `: ${said}` : ""}. Check the API username.`,
        { status: res.status, vendorMessage: said },
      );
    }
    const zone = this.transport.json<{ url?: string; zoneName?: string }>(res);
    if (!zone.url) throw this.transport.error("server", "Autotask zone discovery returned no URL", { retryable: false });
    let base: string;
    try {
      base = normaliseBaseUrl(zone.url);
    } catch {
      throw this.transport.error("server", `Autotask zone discovery returned an unusable URL`, { retryable: false });
    }
    const api = /\/v1\.0$/i.test(base) ? base : `${base}/v1.0`;
    return { api, name: zone.zoneName ?? new URL(api).host };
  }

  private async call(spec: RequestSpec): Promise<OutboundResponse> {
    const res = await this.transport.send({ ...spec, headers: { ...this.headers, ...spec.headers } });
    if (res.ok) return res;
    throw this.classify(res);
  }

  /** Autotask's status codes under-describe failures; the error text decides retry for 500s. */
  private classify(res: OutboundResponse): PsaError {
    const errors = autotaskErrors(res);
    const text = errors.join("; ");
    if (THREAD_LIMIT.test(text)) return this.transport.fromResponse(res, { kind: "rate_limited" });
    if (res.status === 500 && errors.length > 0 && errors.every((e) => BUSINESS_RULE.test(e)) && !TRANSIENT.test(text)) {
      return this.transport.fromResponse(res, { kind: "validation" });
    }
    return this.transport.fromResponse(res);
  }

  private async query<T>(entity: string, filter: AutotaskFilter[], includeFields: string[], maxRecords: number): Promise<QueryResult<T>> {
    const zone = await this.discoverZone();
    const search = JSON.stringify({ filter, IncludeFields: includeFields, MaxRecords: Math.min(maxRecords, MAX_RECORDS) });
    const res = await this.call({ url: `${zone.api}/${entity}/query?search=${encodeURIComponent(search)}` });
    const result = this.transport.json<QueryResult<T>>(res);
    return { items: Array.isArray(result.items) ? result.items : [], pageDetails: result.pageDetails };
  }

  private async queryAll<T>(entity: string, filter: AutotaskFilter[], includeFields: string[], maxPages = 10): Promise<T[]> {
    let result = await this.query<T>(entity, filter, includeFields, MAX_RECORDS);
    const out = [...result.items];
    for (let page = 1; page < maxPages && result.pageDetails?.nextPageUrl; page++) {
      result = this.transport.json<QueryResult<T>>(await this.call({ url: await this.checkedNextUrl(result.pageDetails.nextPageUrl) }));
      out.push(...(result.items ?? []));
    }
    return out;
  }

  /**
   * nextPageUrl is followed verbatim, but only on the zone's own origin: the credentials ride along in
   * headers, and a cursor also comes back from the browser, so it must not be able to point them elsewhere.
   */
  private async checkedNextUrl(next: string): Promise<string> {
    const zone = await this.discoverZone();
    let url: URL;
    try {
      url = new URL(next);
    } catch {
      throw this.invalid("the Autotask page cursor is not a URL");
    }
    if (url.origin !== new URL(zone.api).origin) throw this.invalid("the Autotask page cursor points outside the zone");
    return url.toString();
  }

  private fields(entity: string): Promise<FieldInfo[]> {
    let cached = this.fieldCache.get(entity);
    if (!cached) {
      cached = (async () => {
        const zone = await this.discoverZone();
        const res = await this.call({ url: `${zone.api}/${entity}/entityInformation/fields` });
        return this.transport.json<{ fields?: FieldInfo[] }>(res).fields ?? [];
      })();
      cached.catch(() => this.fieldCache.delete(entity));
      this.fieldCache.set(entity, cached);
    }
    return cached;
  }

  private async picklist(entity: string, field: string, parent?: string): Promise<PsaRef[]> {
    const info = (await this.fields(entity)).find((f) => f.name.toLowerCase() === field.toLowerCase());
    const values = (info?.picklistValues ?? [])
      .filter((v) => v.isActive !== false)
      .filter((v) => parent === undefined || v.parentValue === parent)
      .sort((a, b) => (a.sortOrder ?? 0) - (b.sortOrder ?? 0));
    return values.map((v) => ({ id: String(v.value), name: v.label, ...(v.isDefaultValue ? { isDefault: true } : {}) }));
  }

  private async picklistDefault(entity: string, field: string): Promise<string> {
    const values = await this.picklist(entity, field);
    const chosen = values.find((v) => v.isDefault) ?? values[0];
    if (!chosen) throw this.invalid(`Autotask has no active ${field} values for ${entity}`);
    return chosen.id;
  }
}
