/**
 * Fake Autotask REST v1.0 on loopback — PSA-APIS.md §2. Zone discovery at /atservicesrest/v1.0/zoneInformation
 * (no credentials) points at a zone served under /zone3/atservicesrest/ — a different base than discovery, so a
 * client that skips discovery fails here as it would against Autotask. Header auth (ApiIntegrationCode,
 * UserName, Secret), picklists from entityInformation/fields, entity queries (GET ?search= and POST) with
 * MaxRecords ≤ 500 and pageDetails.nextPageUrl paging, and ticket creation with Autotask's
 * `{"errors":[…]}` on HTTP 500 for business-rule failures (queueID-or-resource rule included).
 */
import type { AutotaskCredentials } from "../catalog";
import { FakePsaServer, intOf, isoNow, parseJson, prop, type FakeReply, type FakeRequest } from "./base";
import { FAKE_CREDENTIALS } from "./credentials";
import { SEED_COMPANIES } from "./seed";

const DISCOVERY = "/atservicesrest/v1.0/";
const ZONE_PREFIX = "/zone3/atservicesrest/";
const ZONE_API = `${ZONE_PREFIX}v1.0/`;
const MAX_RECORDS = 500;
/** The fake's externalID length (the real limit is UNVERIFIED in PSA-APIS §9; references are 39 chars). */
const EXTERNAL_ID_MAX = 50;

export const AT_COMPANY_ID_BASE = 500;

interface Picklist {
  value: string;
  label: string;
  isDefaultValue: boolean;
  sortOrder: number;
  parentValue: string;
  isActive: boolean;
  isSystem: boolean;
}

function picklist(values: [string, string, { parent?: string; isDefault?: boolean; inactive?: boolean }?][]): Picklist[] {
  return values.map(([value, label, o = {}], i) => ({
    value,
    label,
    isDefaultValue: o.isDefault ?? false,
    sortOrder: i + 1,
    parentValue: o.parent ?? "",
    isActive: !o.inactive,
    isSystem: false,
  }));
}

const TICKET_PICKLISTS: Record<string, Picklist[]> = {
  status: picklist([["1", "New", { isDefault: true }], ["8", "In Progress"], ["7", "Waiting Customer"], ["5", "Complete"], ["13", "Retired Status", { inactive: true }]]),
  priority: picklist([["4", "Critical"], ["1", "High"], ["2", "Medium", { isDefault: true }], ["3", "Low"]]),
  queueID: picklist([["29683482", "Security Operations"], ["29683481", "Service Desk", { isDefault: true }], ["29683483", "Monitoring Alerts"]]),
  issueType: picklist([["12", "Security"], ["13", "Network"], ["14", "Old Issue Type", { inactive: true }]]),
  subIssueType: picklist([
    ["204", "Malware", { parent: "12" }],
    ["205", "Phishing", { parent: "12" }],
    ["206", "Suspicious Sign-in", { parent: "12" }],
    ["301", "Firewall", { parent: "13" }],
    ["302", "VPN", { parent: "13" }],
  ]),
  ticketType: picklist([["1", "Service Request", { isDefault: true }], ["2", "Incident"], ["3", "Problem"], ["4", "Change Request"], ["5", "Alert"]]),
  source: picklist([["2", "Phone"], ["4", "Email", { isDefault: true }], ["8", "Monitoring Alert"], ["11", "Web Portal"]]),
  ticketCategory: picklist([["3", "Standard", { isDefault: true }], ["4", "Security Incident"]]),
};
const NOTE_PICKLISTS: Record<string, Picklist[]> = {
  noteType: picklist([["1", "Task Summary"], ["2", "Task Detail"], ["3", "Task Notes", { isDefault: true }]]),
  publish: picklist([["1", "All Autotask Users", { isDefault: true }], ["2", "Internal Project Team"], ["3", "Internal & Co-Managed"]]),
};

function fieldInfo(name: string, dataType: string, required: boolean, values?: Picklist[], parentField?: string): Record<string, unknown> {
  return {
    name,
    dataType,
    length: dataType === "string" ? (name === "externalID" ? EXTERNAL_ID_MAX : name === "title" ? 255 : 8000) : 0,
    isRequired: required,
    isReadOnly: false,
    isQueryable: true,
    isReference: name.endsWith("ID") && !values,
    referenceEntityType: "",
    isPickList: !!values,
    picklistValues: values ?? null,
    picklistParentValueField: parentField ?? "",
    isSupportedWebhookField: false,
  };
}

/** Precomputed: entityInformation/fields answers are static. */
const TICKET_FIELDS = JSON.stringify({
  fields: [
    fieldInfo("id", "long", true),
    fieldInfo("companyID", "integer", true),
    fieldInfo("title", "string", true),
    fieldInfo("description", "string", false),
    fieldInfo("status", "integer", true, TICKET_PICKLISTS.status),
    fieldInfo("priority", "integer", true, TICKET_PICKLISTS.priority),
    fieldInfo("queueID", "integer", false, TICKET_PICKLISTS.queueID),
    fieldInfo("issueType", "integer", false, TICKET_PICKLISTS.issueType),
    fieldInfo("subIssueType", "integer", false, TICKET_PICKLISTS.subIssueType, "issueType"),
    fieldInfo("ticketType", "integer", false, TICKET_PICKLISTS.ticketType),
    fieldInfo("source", "integer", false, TICKET_PICKLISTS.source),
    fieldInfo("ticketCategory", "integer", false, TICKET_PICKLISTS.ticketCategory),
    fieldInfo("contractID", "integer", false),
    fieldInfo("contactID", "integer", false),
    fieldInfo("companyLocationID", "integer", false),
    fieldInfo("externalID", "string", false),
    fieldInfo("ticketNumber", "string", false),
  ],
});
const NOTE_FIELDS = JSON.stringify({
  fields: [
    fieldInfo("id", "long", true),
    fieldInfo("ticketID", "integer", true),
    fieldInfo("title", "string", true),
    fieldInfo("description", "string", true),
    fieldInfo("noteType", "integer", true, NOTE_PICKLISTS.noteType),
    fieldInfo("publish", "integer", true, NOTE_PICKLISTS.publish),
  ],
});

type Entity = Record<string, unknown> & { id: number };

const COMPANIES: Entity[] = SEED_COMPANIES.map((c) => ({
  id: AT_COMPANY_ID_BASE + c.index,
  companyName: c.name,
  companyNumber: c.code,
  companyType: 1,
  isActive: true,
}));
COMPANIES.push({ id: AT_COMPANY_ID_BASE + 999, companyName: "Inactive Account Ltd", companyNumber: "INACTIVE", companyType: 1, isActive: false });

const CONTACTS: Entity[] = SEED_COMPANIES.flatMap((c) =>
  c.contacts.map((p, k) => ({
    id: 30_000 + c.index * 10 + k,
    companyID: AT_COMPANY_ID_BASE + c.index,
    firstName: p.first,
    lastName: p.last,
    emailAddress: p.email,
    isActive: k === 2 && c.index % 5 === 0 ? 0 : 1,
  })),
);
const LOCATIONS: Entity[] = SEED_COMPANIES.flatMap((c) =>
  c.sites.map((name, k) => ({ id: 40_000 + c.index * 10 + k, companyID: AT_COMPANY_ID_BASE + c.index, name, isActive: true, isPrimary: k === 0 })),
);
const CONTRACTS: Entity[] = SEED_COMPANIES.flatMap((c) => [
  { id: 29_684_000 + c.index * 2, companyID: AT_COMPANY_ID_BASE + c.index, contractName: `Managed Security - ${c.name}`, status: 1, isDefaultContract: true },
  { id: 29_684_001 + c.index * 2, companyID: AT_COMPANY_ID_BASE + c.index, contractName: `Expired Block - ${c.name}`, status: 0, isDefaultContract: false },
]);
const COMPANY_IDS = new Set(COMPANIES.filter((c) => c.isActive).map((c) => c.id));

function hasValue(list: Picklist[], value: unknown): Picklist | undefined {
  return list.find((p) => p.value === String(value) && p.isActive);
}

// ------------------------------------------------------------------------------------------ query engine

interface Filter {
  op?: string;
  field?: string;
  value?: unknown;
  items?: Filter[];
}

function fieldValue(entity: Entity, field: string): unknown {
  return prop(entity, field);
}

/** Autotask compares loosely: strings case-insensitively, booleans against true/1, numbers against "1". */
function same(actual: unknown, want: unknown): boolean {
  if (actual === undefined || actual === null) return want === null;
  if (typeof actual === "boolean") return actual === (want === true || want === 1 || want === "true");
  if (typeof actual === "string" && typeof want === "string") return actual.toLowerCase() === want.toLowerCase();
  return String(actual) === String(want);
}

function evaluate(entity: Entity, f: Filter): boolean {
  const op = String(f.op ?? "").toLowerCase();
  if (op === "and") return (f.items ?? []).every((i) => evaluate(entity, i));
  if (op === "or") return (f.items ?? []).some((i) => evaluate(entity, i));
  const actual = fieldValue(entity, String(f.field ?? ""));
  const want = f.value;
  switch (op) {
    case "eq":
      return same(actual, want);
    case "noteq":
      return !same(actual, want);
    case "gt":
      return Number(actual) > Number(want);
    case "gte":
      return Number(actual) >= Number(want);
    case "lt":
      return Number(actual) < Number(want);
    case "lte":
      return Number(actual) <= Number(want);
    case "beginswith":
      return String(actual ?? "").toLowerCase().startsWith(String(want).toLowerCase());
    case "endswith":
      return String(actual ?? "").toLowerCase().endsWith(String(want).toLowerCase());
    case "contains":
      return String(actual ?? "").toLowerCase().includes(String(want).toLowerCase());
    case "exist":
      return actual !== undefined && actual !== null && actual !== "";
    case "notexist":
      return actual === undefined || actual === null || actual === "";
    case "in":
      return Array.isArray(want) && want.some((w) => same(actual, w));
    case "notin":
      return Array.isArray(want) && !want.some((w) => same(actual, w));
    default:
      return false;
  }
}

interface Search {
  filter: Filter[];
  includeFields: string[];
  maxRecords: number;
}

function parseSearch(raw: unknown): Search | string {
  if (!raw || typeof raw !== "object") return "The search parameter is missing or is not valid JSON.";
  const filter = prop(raw, "filter");
  if (!Array.isArray(filter) || filter.length === 0) return "A query requires at least one filter.";
  const include = prop(raw, "includeFields");
  const max = intOf(prop(raw, "maxRecords")) ?? MAX_RECORDS;
  if (max < 1 || max > MAX_RECORDS) return `MaxRecords must be between 1 and ${MAX_RECORDS}.`;
  return { filter: filter as Filter[], includeFields: Array.isArray(include) ? include.map(String) : [], maxRecords: max };
}

// ------------------------------------------------------------------------------------------------ fake

export class FakeAutotask extends FakePsaServer {
  readonly vendor = "autotask" as const;
  private nextTicketId = 128_900;
  private nextNoteId = 700_000;

  /** Credentials that work against this fake (discovery URL is the fake's own). */
  get credentials(): AutotaskCredentials {
    // The bare URL works: the adapter adds the "/atservicesrest" path discovery always has.
    return { ...FAKE_CREDENTIALS.autotask, zoneDiscoveryUrl: this.url };
  }

  protected override resetVendorState(): void {
    this.nextTicketId = 128_900;
  }

  protected faultBody(status: number, message: string): unknown {
    return { errors: [status === 429 ? "Rate limit exceeded: the request threshold was reached." : message] };
  }

  protected handle(req: FakeRequest): FakeReply {
    const lower = req.path.toLowerCase();
    if (lower.startsWith(DISCOVERY)) return this.discovery(req, lower.slice(DISCOVERY.length));
    if (!lower.startsWith(ZONE_API)) {
      // What a wrong or hard-coded zone gets from Autotask (WYRE-AI/autotask-mcp #46).
      return { status: 404, body: { errors: ["Resource not found"] } };
    }
    const h = req.headers;
    const a = FAKE_CREDENTIALS.autotask;
    if (h.apiintegrationcode !== a.integrationCode || String(h.username ?? "").toLowerCase() !== a.username || h.secret !== a.secret) {
      // The spec declares 401 without a body.
      return { status: 401 };
    }
    const rest = lower.slice(ZONE_API.length);
    const original = req.path.slice(ZONE_API.length);
    const seg = rest.split("/").filter(Boolean);

    if (req.method === "GET" && rest === "thresholdinformation") {
      return { status: 200, body: { externalRequestThreshold: 10_000, requestThresholdTimeframe: 60, currentTimeframeRequestCount: this.countMatching(ZONE_API) } };
    }
    if (req.method === "GET" && rest === "companies/entityinformation") {
      return { status: 200, body: { info: { name: "Company", canCreate: true, canQuery: true, canUpdate: true, hasUserDefinedFields: true } } };
    }
    if (req.method === "GET" && rest === "tickets/entityinformation/fields") {
      return { status: 200, headers: { "Content-Type": "application/json; charset=utf-8" }, body: TICKET_FIELDS };
    }
    if (req.method === "GET" && rest === "ticketnotes/entityinformation/fields") {
      return { status: 200, headers: { "Content-Type": "application/json; charset=utf-8" }, body: NOTE_FIELDS };
    }
    if (seg[1] === "query") {
      const rows = this.entityRows(seg[0]);
      if (!rows) return { status: 404, body: { errors: [`Entity ${original.split("/")[0]} is not supported by this fake`] } };
      const entityName = original.split("/")[0];
      if (seg[2] === "next" && req.method === "GET") return this.queryNext(req, entityName, rows);
      if (seg.length === 2) {
        const raw = req.method === "POST" ? parseJson(req.body) : parseJson(req.query.get("search") ?? "");
        return this.query(req, entityName, rows, raw, 0);
      }
    }
    if (rest === "tickets" && req.method === "POST") return this.createTicket(req);
    if (seg[0] === "tickets" && seg.length === 2 && req.method === "GET") {
      const t = this.ticketById(Number(seg[1]));
      return t ? { status: 200, body: { item: t.record } } : { status: 404, body: { errors: [`Ticket ${seg[1]} not found`] } };
    }
    if (seg[0] === "tickets" && seg[2] === "notes" && seg.length === 3 && req.method === "POST") return this.addNote(req, Number(seg[1]));
    return { status: 404, body: { errors: ["Resource not found"] } };
  }

  private discovery(req: FakeRequest, rest: string): FakeReply {
    if (rest !== "zoneinformation" || req.method !== "GET") return { status: 404, body: { errors: ["Resource not found"] } };
    const user = (req.query.get("user") ?? "").toLowerCase();
    if (user !== FAKE_CREDENTIALS.autotask.username) {
      return { status: 404, body: { errors: [`Zone information could not be determined for user ${req.query.get("user") ?? ""}`] } };
    }
    const origin = `http://${req.headers.host}`;
    return { status: 200, body: { zoneName: "Fake Zone 3", url: `${origin}${ZONE_PREFIX}`, webUrl: `${origin}/fake-web/`, ci: 20264 } };
  }

  private entityRows(entity: string): Entity[] | undefined {
    switch (entity) {
      case "companies":
        return COMPANIES;
      case "contacts":
        return CONTACTS;
      case "companylocations":
        return LOCATIONS;
      case "contracts":
        return CONTRACTS;
      case "tickets":
        return this.tickets.map((t) => t.record as Entity);
      default:
        return undefined;
    }
  }

  private query(req: FakeRequest, entity: string, rows: Entity[], raw: unknown, afterId: number): FakeReply {
    const search = parseSearch(raw);
    if (typeof search === "string") return { status: 500, body: { errors: [search] } };
    // The dedupe query (externalID eq …) is answered from the reference index, not a scan.
    const byRef = search.filter.find((f) => String(f.op).toLowerCase() === "eq" && String(f.field).toLowerCase() === "externalid");
    const source =
      entity.toLowerCase() === "tickets" && byRef ? this.ticketsByExternalRef(String(byRef.value)).map((t) => t.record as Entity) : rows;
    const matched = source.filter((r) => r.id > afterId && search.filter.every((f) => evaluate(r, f)));
    matched.sort((a, b) => a.id - b.id);
    const page = matched.slice(0, search.maxRecords);
    const items = search.includeFields.length ? page.map((r) => pickFields(r, search.includeFields)) : page;
    let nextPageUrl: string | null = null;
    if (matched.length > page.length) {
      const paging = Buffer.from(JSON.stringify({ after: page[page.length - 1].id })).toString("base64url");
      const searchJson = JSON.stringify({ filter: search.filter, IncludeFields: search.includeFields, MaxRecords: search.maxRecords });
      // Autotask's own casing; clients must follow the URL verbatim.
      nextPageUrl = `http://${req.headers.host}/zone3/ATServicesRest/V1.0/${entity}/query/next?paging=${paging}&search=${encodeURIComponent(searchJson)}`;
    }
    return { status: 200, body: { items, pageDetails: { count: items.length, requestCount: search.maxRecords, prevPageUrl: null, nextPageUrl } } };
  }

  private queryNext(req: FakeRequest, entity: string, rows: Entity[]): FakeReply {
    let after: number | undefined;
    try {
      after = intOf((JSON.parse(Buffer.from(req.query.get("paging") ?? "", "base64url").toString("utf8")) as { after?: unknown }).after);
    } catch {
      after = undefined;
    }
    if (after === undefined) return { status: 500, body: { errors: ["The paging parameter is not valid."] } };
    return this.query(req, entity, rows, parseJson(req.query.get("search") ?? ""), after);
  }

  private createTicket(req: FakeRequest): FakeReply {
    const t = parseJson(req.body);
    if (!t || typeof t !== "object" || Array.isArray(t)) return { status: 500, body: { errors: ["The request body is not a valid Ticket."] } };
    const v = (name: string) => prop(t, name);
    const errors: string[] = [];
    for (const field of ["companyID", "title", "status", "priority"]) {
      const value = v(field);
      if (value === undefined || value === null || value === "") errors.push(`Missing Required Field: ${field}`);
    }
    if (errors.length) return { status: 500, body: { errors } };

    const companyID = intOf(v("companyID"));
    if (companyID === undefined || !COMPANY_IDS.has(companyID)) errors.push("Value does not reference an existing entity for companyID.");
    const title = String(v("title"));
    if (title.length > 255) errors.push("The value for field title exceeds its maximum length of 255.");
    const externalID = v("externalID");
    if (typeof externalID === "string" && externalID.length > EXTERNAL_ID_MAX) {
      errors.push(`The value for field externalID exceeds its maximum length of ${EXTERNAL_ID_MAX}.`);
    }
    const queueID = v("queueID");
    const resource = v("assignedResourceID");
    const role = v("assignedResourceRoleID");
    if ((resource == null) !== (role == null)) {
      errors.push("When assigning a Resource, you must assign both a assignedResourceID and assignedResourceRoleID.");
    } else if (queueID == null && resource == null) {
      errors.push("AssignedResourceID, AssignedResourceRoleID and QueueID cannot all be empty. Supply a QueueID or both an AssignedResourceID and an AssignedResourceRoleID.");
    }
    for (const field of ["status", "priority", "queueID", "issueType", "ticketType", "source", "ticketCategory"]) {
      const value = v(field);
      if (value != null && !hasValue(TICKET_PICKLISTS[field], value)) errors.push(`Value ${String(value)} is not a valid picklist value for ${field}.`);
    }
    const subIssue = v("subIssueType");
    if (subIssue != null) {
      const p = hasValue(TICKET_PICKLISTS.subIssueType, subIssue);
      if (!p) errors.push(`Value ${String(subIssue)} is not a valid picklist value for subIssueType.`);
      else if (p.parentValue !== String(v("issueType") ?? "")) errors.push(`subIssueType ${String(subIssue)} does not belong to issueType ${String(v("issueType") ?? "(none)")}.`);
    }
    const contractID = v("contractID");
    if (contractID != null && !CONTRACTS.some((c) => c.id === intOf(contractID) && c.companyID === companyID && c.status === 1)) {
      errors.push("Value does not reference an existing entity for contractID.");
    }
    const contactID = v("contactID");
    if (contactID != null && !CONTACTS.some((c) => c.id === intOf(contactID) && c.companyID === companyID)) {
      errors.push("Value does not reference an existing entity for contactID.");
    }
    const locationID = v("companyLocationID");
    if (locationID != null && !LOCATIONS.some((c) => c.id === intOf(locationID) && c.companyID === companyID)) {
      errors.push("Value does not reference an existing entity for companyLocationID.");
    }
    if (errors.length) return { status: 500, body: { errors } };

    const id = this.nextTicketId++;
    const now = isoNow();
    const ticketNumber = `T${now.slice(0, 10).replace(/-/g, "")}.${String(id % 10_000).padStart(4, "0")}`;
    const record: Entity = { ...(t as Record<string, unknown>), id, ticketNumber, createDate: now, lastActivityDate: now };
    this.addTicket({
      id,
      number: ticketNumber,
      companyId: companyID as number,
      title,
      externalRef: typeof externalID === "string" ? externalID : undefined,
      request: t as Record<string, unknown>,
      record,
      notes: [],
      createdAt: now,
    });
    return { status: 200, body: { itemId: id } };
  }

  private addNote(req: FakeRequest, ticketId: number): FakeReply {
    const ticket = this.ticketById(ticketId);
    if (!ticket) return { status: 500, body: { errors: ["Value does not reference an existing entity for ticketID."] } };
    const n = parseJson(req.body);
    const errors: string[] = [];
    for (const field of ["title", "description", "noteType", "publish"]) {
      if (prop(n, field) == null || prop(n, field) === "") errors.push(`Missing Required Field: ${field}`);
    }
    if (!errors.length) {
      if (!hasValue(NOTE_PICKLISTS.noteType, prop(n, "noteType"))) errors.push("Value is not a valid picklist value for noteType.");
      if (!hasValue(NOTE_PICKLISTS.publish, prop(n, "publish"))) errors.push("Value is not a valid picklist value for publish.");
    }
    if (errors.length) return { status: 500, body: { errors } };
    ticket.notes.push(String(prop(n, "description")));
    return { status: 200, body: { itemId: this.nextNoteId++ } };
  }
}

function pickFields(row: Entity, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { id: row.id };
  for (const f of fields) {
    const value = prop(row, f);
    if (value !== undefined) out[f] = value;
  }
  return out;
}
