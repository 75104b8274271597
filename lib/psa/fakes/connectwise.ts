/**
 * Fake ConnectWise PSA (Manage REST 3.0) on loopback — PSA-APIS.md §1. Serves /v4_6_release/apis/3.0 with
 * Basic "{company}+{public}:{private}" auth and a required clientId header, `conditions` filtering,
 * page/pageSize paging with a Link header, board-scoped statuses/types/subtypes/items, and POST
 * /service/tickets with ConnectWise's validation error shape.
 */
import type { ConnectWiseCredentials } from "../catalog";
import { authorization, FakePsaServer, intOf, isoNow, parseJson, type FakeReply, type FakeRequest } from "./base";
import { FAKE_CREDENTIALS } from "./credentials";
import { SEED_COMPANIES } from "./seed";

const API = "/v4_6_release/apis/3.0";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Row {
  id: number;
  name: string;
  [key: string]: unknown;
}

export const CW_COMPANY_ID_BASE = 250;

interface Board {
  id: number;
  name: string;
  inactiveFlag: boolean;
  statuses: Row[];
  types: Row[];
  subtypes: Row[];
  items: Row[];
  teams: Row[];
  /** subtype id → type ids it is linked to */
  links: Map<number, number[]>;
}

function boardOf(id: number, name: string, inactive: boolean, offset: number): Board {
  const statuses: Row[] = [
    { id: 100 + offset, name: "New", defaultFlag: true, closedStatus: false, inactive: false, sortOrder: 1 },
    { id: 101 + offset, name: "In Progress", defaultFlag: false, closedStatus: false, inactive: false, sortOrder: 2 },
    { id: 102 + offset, name: "Waiting on Customer", defaultFlag: false, closedStatus: false, inactive: false, sortOrder: 3 },
    { id: 103 + offset, name: "Resolved", defaultFlag: false, closedStatus: true, inactive: false, sortOrder: 4 },
    { id: 104 + offset, name: ">Closed", defaultFlag: false, closedStatus: true, inactive: false, sortOrder: 5 },
    { id: 105 + offset, name: "Old Status", defaultFlag: false, closedStatus: false, inactive: true, sortOrder: 6 },
  ];
  const types: Row[] = [
    { id: 40 + offset, name: "Security Incident", inactiveFlag: false },
    { id: 41 + offset, name: "Alert", inactiveFlag: false },
  ];
  const subtypes: Row[] = [
    { id: 300 + offset, name: "Malware", inactiveFlag: false },
    { id: 301 + offset, name: "Phishing", inactiveFlag: false },
    { id: 302 + offset, name: "Suspicious Sign-in", inactiveFlag: false },
  ];
  const items: Row[] = [
    { id: 9 + offset, name: "Endpoint", inactiveFlag: false },
    { id: 10 + offset, name: "Identity", inactiveFlag: false },
  ];
  const teams: Row[] = [
    { id: 25 + offset, name: "SOC Tier 1" },
    { id: 26 + offset, name: "SOC Tier 2" },
  ];
  const links = new Map<number, number[]>([
    [300 + offset, [40 + offset]],
    [301 + offset, [40 + offset, 41 + offset]],
    [302 + offset, [41 + offset]],
  ]);
  return { id, name, inactiveFlag: inactive, statuses, types, subtypes, items, teams, links };
}

const BOARDS: Board[] = [
  boardOf(1, "Service Desk", false, 0),
  boardOf(12, "Security Operations", false, 1000),
  boardOf(13, "Alerts", false, 2000),
  boardOf(14, "Legacy Board", true, 3000),
];
const BOARD_BY_ID = new Map(BOARDS.map((b) => [b.id, b]));

const PRIORITIES: Row[] = [
  { id: 1, name: "Priority 1 - Emergency Response", sortOrder: 1, defaultFlag: false, color: "red" },
  { id: 2, name: "Priority 2 - Quick Response", sortOrder: 2, defaultFlag: false, color: "orange" },
  { id: 3, name: "Priority 3 - Normal Response", sortOrder: 3, defaultFlag: true, color: "yellow" },
  { id: 4, name: "Priority 4 - Schedule Maintenance", sortOrder: 4, defaultFlag: false, color: "green" },
];
const SOURCES: Row[] = [
  { id: 1, name: "Phone", defaultFlag: false },
  { id: 2, name: "Email", defaultFlag: true },
  { id: 3, name: "Portal", defaultFlag: false },
  { id: 6, name: "Monitoring", defaultFlag: false },
];

interface CompanyRow extends Row {
  identifier: string;
  deletedFlag: boolean;
}

const COMPANIES: CompanyRow[] = SEED_COMPANIES.map((c) => ({
  id: CW_COMPANY_ID_BASE + c.index,
  identifier: c.code,
  name: c.name,
  deletedFlag: false,
}));
// One deleted company, to prove the deletedFlag=false condition is honoured.
COMPANIES.push({ id: CW_COMPANY_ID_BASE + 999, identifier: "GONE", name: "Deleted Customer Inc", deletedFlag: true });
const COMPANY_BY_ID = new Map(COMPANIES.map((c) => [c.id, c]));

const CONTACTS: Row[] = SEED_COMPANIES.flatMap((c) =>
  c.contacts.map((p, k) => ({
    id: (CW_COMPANY_ID_BASE + c.index) * 10 + k,
    name: `${p.first} ${p.last}`,
    firstName: p.first,
    lastName: p.last,
    company: { id: CW_COMPANY_ID_BASE + c.index, identifier: c.code, name: c.name },
    inactiveFlag: false,
  })),
);
const SITES = new Map<number, Row[]>(
  SEED_COMPANIES.map((c) => [
    CW_COMPANY_ID_BASE + c.index,
    c.sites.map((name, k) => ({ id: (CW_COMPANY_ID_BASE + c.index) * 10 + k, name, company: { id: CW_COMPANY_ID_BASE + c.index } })),
  ]),
);
const AGREEMENTS: Row[] = SEED_COMPANIES.flatMap((c) => [
  { id: 7000 + c.index * 2, name: `Managed Security - ${c.name}`, type: "Managed Services", company: { id: CW_COMPANY_ID_BASE + c.index }, cancelledFlag: false },
  { id: 7001 + c.index * 2, name: `Old Block Hours - ${c.name}`, type: "Block Hours", company: { id: CW_COMPANY_ID_BASE + c.index }, cancelledFlag: true },
]);

// ------------------------------------------------------------------------------------------ conditions

type Clause = { path: string; op: string; value: string | number | boolean };

/** Splits on " and " outside double quotes. */
function splitAnd(conditions: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < conditions.length; i++) {
    const ch = conditions[i];
    if (ch === '"' && conditions[i - 1] !== "\\") quoted = !quoted;
    if (!quoted && /^\s+and\s+/i.test(conditions.slice(i))) {
      parts.push(current);
      current = "";
      i += (/^\s+and\s+/i.exec(conditions.slice(i)) as RegExpExecArray)[0].length - 1;
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function parseConditions(conditions: string | null): Clause[] | string {
  if (!conditions) return [];
  const clauses: Clause[] = [];
  for (const part of splitAnd(conditions)) {
    const m = /^([A-Za-z_][\w/]*)\s*(=|!=|<>|>=|<=|>|<|\s+not\s+like\s+|\s+like\s+)\s*(.+)$/i.exec(part);
    if (!m) return `Invalid condition: ${part}`;
    const raw = m[3].trim();
    let value: string | number | boolean;
    if (/^".*"$/.test(raw)) value = raw.slice(1, -1).replace(/\\"/g, '"');
    else if (/^(true|false)$/i.test(raw)) value = raw.toLowerCase() === "true";
    else if (/^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
    else return `Invalid condition value: ${raw}`;
    clauses.push({ path: m[1], op: m[2].trim().toLowerCase().replace(/\s+/g, " "), value });
  }
  return clauses;
}

function valueAt(obj: Record<string, unknown>, path: string): unknown {
  let current: unknown = obj;
  for (const key of path.split("/")) {
    if (!current || typeof current !== "object") return undefined;
    const rec = current as Record<string, unknown>;
    const found = Object.keys(rec).find((k) => k.toLowerCase() === key.toLowerCase());
    current = found === undefined ? undefined : rec[found];
  }
  return current;
}

function matches(obj: Record<string, unknown>, clauses: Clause[]): boolean {
  return clauses.every(({ path, op, value }) => {
    const actual = valueAt(obj, path);
    const eq = () =>
      typeof actual === "string" && typeof value === "string" ? actual.toLowerCase() === value.toLowerCase() : actual === value;
    switch (op) {
      case "=":
        return eq();
      case "!=":
      case "<>":
        return !eq();
      case "like":
      case "not like": {
        const pattern = new RegExp(`^${String(value).replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/%/g, ".*")}$`, "i");
        const hit = pattern.test(String(actual ?? ""));
        return op === "like" ? hit : !hit;
      }
      case ">":
        return Number(actual) > Number(value);
      case "<":
        return Number(actual) < Number(value);
      case ">=":
        return Number(actual) >= Number(value);
      case "<=":
        return Number(actual) <= Number(value);
      default:
        return false;
    }
  });
}

// ------------------------------------------------------------------------------------------------ fake

export class FakeConnectWise extends FakePsaServer {
  readonly vendor = "connectwise" as const;
  private readonly expectedAuth = `Basic ${Buffer.from(
    `${FAKE_CREDENTIALS.connectwise.companyId}+${FAKE_CREDENTIALS.connectwise.publicKey}:${FAKE_CREDENTIALS.connectwise.privateKey}`,
  ).toString("base64")}`;
  private nextTicketId = 48_000;
  private nextNoteId = 900_000;

  /** Credentials that work against this fake (site is the fake's own URL). */
  get credentials(): ConnectWiseCredentials {
    return { site: this.url, ...FAKE_CREDENTIALS.connectwise };
  }

  protected override resetVendorState(): void {
    this.nextTicketId = 48_000;
  }

  protected faultBody(status: number, message: string): unknown {
    return status === 429 ? { code: "TooManyRequests", message } : { code: "UnexpectedError", message };
  }

  protected handle(req: FakeRequest): FakeReply {
    if (req.method === "GET" && req.path.toLowerCase().startsWith("/login/companyinfo/")) {
      // Codebase discovery: unauthenticated, like the real one.
      return {
        status: 200,
        body: {
          CompanyName: "Switchboard Fake PSA",
          Codebase: "v4_6_release/",
          VersionCode: "v2026.4",
          VersionNumber: "v4.6.2026",
          CompanyID: decodeURIComponent(req.path.split("/").pop() ?? ""),
          IsCloud: "False",
          SiteUrl: String(req.headers.host ?? ""),
        },
      };
    }
    if (!req.path.startsWith(API)) return notFound(`No route for ${req.path}`);
    const clientId = req.headers.clientid;
    if (typeof clientId !== "string" || !GUID.test(clientId)) {
      return { status: 401, body: { code: "Unauthorized", message: "A valid clientId header is required." } };
    }
    const auth = authorization(req.headers);
    if (!auth || `Basic ${auth.value}` !== this.expectedAuth || auth.scheme !== "basic") {
      return { status: 401, body: { code: "Unauthorized", message: "Username or password is incorrect." } };
    }
    const path = req.path.slice(API.length);
    const seg = path.split("/").filter(Boolean);

    if (req.method === "POST") {
      if (path === "/service/tickets") return this.createTicket(req);
      if (seg[0] === "service" && seg[1] === "tickets" && seg[3] === "notes" && seg.length === 4) return this.addNote(req, Number(seg[2]));
      return notFound(`No route for POST ${path}`);
    }
    if (req.method !== "GET") return { status: 405, body: { code: "MethodNotAllowed", message: `${req.method} is not supported here` } };

    if (path === "/system/info") {
      return { status: 200, body: { version: "v2026.4.12345", isCloud: true, serverTimeZone: "Eastern Standard Time", cloudRegion: "NA" } };
    }
    if (path === "/company/companies") return this.list(req, COMPANIES, "name");
    if (seg[0] === "company" && seg[1] === "companies" && seg[3] === "sites" && seg.length === 4) {
      return this.list(req, SITES.get(Number(seg[2])) ?? [], "name");
    }
    if (path === "/company/contacts") return this.list(req, CONTACTS, "lastName");
    if (path === "/service/boards") return this.list(req, BOARDS.map(({ id, name, inactiveFlag }) => ({ id, name, inactiveFlag })), "name");
    if (seg[0] === "service" && seg[1] === "boards" && seg.length === 4) {
      const board = BOARD_BY_ID.get(Number(seg[2]));
      if (!board) return notFound(`Board ${seg[2]} not found`);
      const rows = ({ statuses: board.statuses, types: board.types, subtypes: board.subtypes, items: board.items, teams: board.teams } as Record<string, Row[]>)[seg[3]];
      if (!rows) return notFound(`No route for ${path}`);
      return this.list(req, rows, "name");
    }
    if (path === "/service/priorities") return this.list(req, PRIORITIES, "sortOrder");
    if (path === "/service/sources") return this.list(req, SOURCES, "name");
    if (path === "/finance/agreements") return this.list(req, AGREEMENTS, "name");
    if (path === "/service/tickets") {
      return this.list(req, this.tickets.map((t) => t.record as Row), "id");
    }
    if (seg[0] === "service" && seg[1] === "tickets" && seg.length === 3) {
      const t = this.ticketById(Number(seg[2]));
      return t ? { status: 200, body: t.record } : notFound(`Ticket ${seg[2]} not found`);
    }
    return notFound(`No route for GET ${path}`);
  }

  /** conditions + orderBy + page/pageSize (≤1000) + Link header, as the navigable paging does. */
  private list(req: FakeRequest, rows: Row[], defaultOrder: string): FakeReply {
    const conditions = req.query.get("conditions");
    let filtered: Row[];
    if (conditions && /^externalXRef\s*=\s*"[^"]*"/i.test(conditions)) {
      // The dedupe query: answered from the reference index instead of scanning every ticket.
      const clauses = parseConditions(conditions);
      if (typeof clauses === "string") return badRequest(clauses);
      const ref = String(clauses[0].value);
      filtered = this.ticketsByExternalRef(ref)
        .map((t) => t.record as Row)
        .filter((r) => matches(r, clauses));
    } else {
      const clauses = parseConditions(conditions);
      if (typeof clauses === "string") return badRequest(clauses);
      filtered = clauses.length ? rows.filter((r) => matches(r, clauses)) : [...rows];
    }
    const orderBy = (req.query.get("orderBy") ?? defaultOrder).split(/\s+/)[0];
    const desc = /\sdesc$/i.test(req.query.get("orderBy") ?? "");
    filtered.sort((a, b) => {
      const x = valueAt(a, orderBy);
      const y = valueAt(b, orderBy);
      const cmp = typeof x === "number" && typeof y === "number" ? x - y : String(x ?? "").localeCompare(String(y ?? ""));
      return desc ? -cmp : cmp;
    });
    const pageSize = Math.min(Math.max(intOf(req.query.get("pageSize")) ?? 25, 1), 1000);
    const page = Math.max(intOf(req.query.get("page")) ?? 1, 1);
    const slice = filtered.slice((page - 1) * pageSize, page * pageSize);
    const fields = req.query.get("fields");
    const body = fields ? slice.map((r) => project(r, fields.split(","))) : slice;
    const lastPage = Math.max(1, Math.ceil(filtered.length / pageSize));
    const link = (p: number, rel: string) => {
      const q = new URLSearchParams(req.query);
      q.set("page", String(p));
      q.set("pageSize", String(pageSize));
      return `<http://${req.headers.host}${req.path}?${q}>; rel="${rel}"`;
    };
    const links: string[] = [];
    if (page < lastPage) links.push(link(page + 1, "next"), link(lastPage, "last"));
    if (page > 1) links.push(link(page - 1, "prev"), link(1, "first"));
    return { status: 200, headers: links.length ? { Link: links.join(", ") } : {}, body };
  }

  private createTicket(req: FakeRequest): FakeReply {
    const body = parseJson(req.body);
    if (!body || typeof body !== "object" || Array.isArray(body)) {
      return { status: 400, body: { code: "InvalidObject", message: "ticket object is invalid", errors: [] } };
    }
    const t = body as Record<string, unknown>;
    const errors: { code: string; message: string; resource: string; field: string }[] = [];
    const fail = (code: string, field: string, message: string) => errors.push({ code, message, resource: "ticket", field });
    const refId = (field: string): number | undefined => {
      const v = t[field];
      if (v === undefined || v === null) return undefined;
      const id = intOf((v as { id?: unknown }).id);
      if (id === undefined) fail("InvalidField", field, `${field} must reference an id`);
      return id;
    };

    const summary = t.summary;
    if (typeof summary !== "string" || summary.trim() === "") fail("MissingRequiredField", "summary", "The summary field is required.");
    else if (summary.length > 100) fail("InvalidField", "summary", "summary cannot be longer than 100 characters.");
    if (typeof t.externalXRef === "string" && t.externalXRef.length > 100) {
      fail("InvalidField", "externalXRef", "externalXRef cannot be longer than 100 characters.");
    }
    const companyId = refId("company");
    const company = companyId === undefined ? undefined : COMPANY_BY_ID.get(companyId);
    if (t.company === undefined) fail("MissingRequiredField", "company", "The company field is required.");
    else if (!company || company.deletedFlag) fail("InvalidField", "company", `Company ${companyId} was not found.`);

    const board = BOARD_BY_ID.get(refId("board") ?? 1);
    if (!board || board.inactiveFlag) fail("InvalidField", "board", "Board is invalid or inactive.");
    const status = refId("status");
    const type = refId("type");
    const subType = refId("subType");
    const item = refId("item");
    const team = refId("team");
    const priority = refId("priority");
    const source = refId("source");
    const agreement = refId("agreement");
    const contact = refId("contact");
    const site = refId("site");
    if (board) {
      if (status !== undefined && !board.statuses.some((s) => s.id === status && !s.inactive)) {
        fail("InvalidField", "status", `Status ${status} is not a status of board ${board.name}.`);
      }
      if (type !== undefined && !board.types.some((s) => s.id === type)) fail("InvalidField", "type", `Type ${type} is not on board ${board.name}.`);
      if (subType !== undefined && !board.subtypes.some((s) => s.id === subType)) {
        fail("InvalidField", "subType", `Subtype ${subType} is not on board ${board.name}.`);
      } else if (subType !== undefined && type !== undefined && !(board.links.get(subType) ?? []).includes(type)) {
        fail("InvalidField", "subType", `Subtype ${subType} is not linked to type ${type}.`);
      }
      if (item !== undefined && !board.items.some((s) => s.id === item)) fail("InvalidField", "item", `Item ${item} is not on board ${board.name}.`);
      if (team !== undefined && !board.teams.some((s) => s.id === team)) fail("InvalidField", "team", `Team ${team} is not on board ${board.name}.`);
    }
    if (priority !== undefined && !PRIORITIES.some((p) => p.id === priority)) fail("InvalidField", "priority", `Priority ${priority} was not found.`);
    if (source !== undefined && !SOURCES.some((p) => p.id === source)) fail("InvalidField", "source", `Source ${source} was not found.`);
    if (agreement !== undefined && !AGREEMENTS.some((a) => a.id === agreement && (a.company as { id: number }).id === companyId)) {
      fail("InvalidField", "agreement", `Agreement ${agreement} does not belong to the company.`);
    }
    if (contact !== undefined && !CONTACTS.some((c) => c.id === contact && (c.company as { id: number }).id === companyId)) {
      fail("InvalidField", "contact", `Contact ${contact} does not belong to the company.`);
    }
    if (site !== undefined && !(SITES.get(companyId ?? -1) ?? []).some((s) => s.id === site)) {
      fail("InvalidField", "site", `Site ${site} does not belong to the company.`);
    }
    if (errors.length) return { status: 400, body: { code: "InvalidObject", message: "ticket object is invalid", errors } };

    const b = board as Board;
    const named = (rows: Row[], id: number | undefined) => {
      if (id === undefined) return undefined;
      const row = rows.find((r) => r.id === id);
      return { id, name: row?.name ?? String(id), _info: {} };
    };
    const id = this.nextTicketId++;
    const now = isoNow();
    const saved: Record<string, unknown> = {
      id,
      summary,
      recordType: "ServiceTicket",
      board: { id: b.id, name: b.name, _info: { board_href: `${API}/service/boards/${b.id}` } },
      status: named(b.statuses, status ?? (b.statuses.find((s) => s.defaultFlag) as Row).id),
      company: { id: (company as CompanyRow).id, identifier: (company as CompanyRow).identifier, name: (company as CompanyRow).name, _info: {} },
      priority: named(PRIORITIES, priority ?? 3),
      type: named(b.types, type),
      subType: named(b.subtypes, subType),
      item: named(b.items, item),
      team: named(b.teams, team),
      source: named(SOURCES, source),
      agreement: named(AGREEMENTS, agreement),
      contact: named(CONTACTS, contact),
      site: named(SITES.get(companyId ?? -1) ?? [], site),
      externalXRef: typeof t.externalXRef === "string" ? t.externalXRef : undefined,
      closedFlag: false,
      _info: { lastUpdated: now, updatedBy: FAKE_CREDENTIALS.connectwise.companyId, dateEntered: now, enteredBy: "APIMember" },
    };
    for (const key of Object.keys(saved)) if (saved[key] === undefined) delete saved[key];
    this.addTicket({
      id,
      number: String(id),
      companyId: (company as CompanyRow).id,
      title: String(summary),
      externalRef: saved.externalXRef as string | undefined,
      request: t,
      record: saved,
      notes: [],
      createdAt: now,
    });
    return { status: 201, body: saved };
  }

  private addNote(req: FakeRequest, ticketId: number): FakeReply {
    const ticket = this.ticketById(ticketId);
    if (!ticket) return notFound(`Ticket ${ticketId} not found`);
    const body = parseJson(req.body) as { text?: unknown } | undefined;
    if (!body || typeof body.text !== "string" || !body.text.trim()) {
      return { status: 400, body: { code: "InvalidObject", message: "note object is invalid", errors: [{ code: "MissingRequiredField", message: "The text field is required.", resource: "note", field: "text" }] } };
    }
    ticket.notes.push(body.text);
    return { status: 201, body: { id: this.nextNoteId++, ticketId, text: body.text, internalAnalysisFlag: true, dateCreated: isoNow() } };
  }
}

function project(row: Row, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const key = f.trim();
    if (key && row[key] !== undefined) out[key] = row[key];
  }
  return out;
}

function notFound(message: string): FakeReply {
  return { status: 404, body: { code: "NotFound", message } };
}

function badRequest(message: string): FakeReply {
  return { status: 400, body: { code: "InvalidCondition", message } };
}
