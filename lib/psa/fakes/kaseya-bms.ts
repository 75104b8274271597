/**
 * Fake Kaseya BMS API v2 on loopback — PSA-APIS.md §3. POST /v2/security/authenticate (form) issues JWT-like
 * bearer tokens with an expiry; every answer is the `{success, error, result}` envelope in camelCase (as the
 * wire is, whatever the spec's PascalCase says) and business failures come back with HTTP 200 and
 * success:false — including TicketInputDto's required fields and the queue-or-assignee rule. A missing,
 * unknown or expired token gets a real HTTP 401.
 */
import { randomBytes } from "node:crypto";
import type { KaseyaBmsCredentials } from "../catalog";
import { authorization, FakePsaServer, intOf, isoNow, parseJson, prop, type FakeReply, type FakeRequest } from "./base";
import { FAKE_CREDENTIALS } from "./credentials";
import { SEED_COMPANIES } from "./seed";

export const BMS_ACCOUNT_ID_BASE = 1201;
const PAGE_SIZE_MAX = 100;

type Row = Record<string, unknown> & { id: number; name: string };

const ACCOUNTS: Row[] = SEED_COMPANIES.map((c) => ({ id: BMS_ACCOUNT_ID_BASE + c.index, name: c.name, tenantName: FAKE_CREDENTIALS.kaseya_bms.tenant, isActive: true }));
ACCOUNTS.push({ id: BMS_ACCOUNT_ID_BASE + 999, name: "Former Client LLC", tenantName: FAKE_CREDENTIALS.kaseya_bms.tenant, isActive: false });
const ACCOUNT_BY_ID = new Map(ACCOUNTS.map((a) => [a.id, a]));

const LOCATIONS = new Map<number, Row[]>(
  SEED_COMPANIES.map((c) => {
    const account = BMS_ACCOUNT_ID_BASE + c.index;
    return [account, c.sites.map((name, k) => ({ id: 3300 + c.index * 10 + k, name, accountId: account, isMain: k === 0 }))];
  }),
);
const CONTACTS = new Map<number, Row[]>(
  SEED_COMPANIES.map((c) => {
    const account = BMS_ACCOUNT_ID_BASE + c.index;
    const mainLocation = 3300 + c.index * 10;
    return [
      account,
      c.contacts.map((p, k) => ({
        id: 5100 + c.index * 10 + k,
        name: `${p.first} ${p.last}`,
        locationId: mainLocation,
        locationName: "Main Office",
        phone: `+1 555 01${String(c.index).padStart(2, "0")}`,
        emailAddress: p.email,
      })),
    ];
  }),
);
const CONTRACTS: Row[] = SEED_COMPANIES.flatMap((c) => [
  { id: 800 + c.index * 2, name: `Managed Security - ${c.name}`, isDefault: true, slaId: 2, slaName: "Standard SLA", isActive: true, endDate: null, accountId: BMS_ACCOUNT_ID_BASE + c.index },
  { id: 801 + c.index * 2, name: `Expired Retainer - ${c.name}`, isDefault: false, slaId: 2, slaName: "Standard SLA", isActive: true, endDate: "2020-12-31T00:00:00Z", accountId: BMS_ACCOUNT_ID_BASE + c.index },
]);

const QUEUES: Row[] = [
  { id: 14, name: "Security Operations", isActive: true },
  { id: 15, name: "Service Desk", isActive: true },
  { id: 16, name: "Old Queue", isActive: false },
];
const STATUSES: Row[] = [
  { id: 1, name: "New", fontColor: "#000", color: "#fff", statusOrder: 1, typeId: 1, isSystemStatus: true, slaEventId: null, isActive: true },
  { id: 2, name: "In Progress", fontColor: "#000", color: "#fff", statusOrder: 2, typeId: 2, isSystemStatus: false, slaEventId: null, isActive: true },
  { id: 3, name: "Waiting on Client", fontColor: "#000", color: "#fff", statusOrder: 3, typeId: 2, isSystemStatus: false, slaEventId: null, isActive: true },
  { id: 4, name: "Completed", fontColor: "#000", color: "#fff", statusOrder: 4, typeId: 3, isSystemStatus: true, slaEventId: null, isActive: true },
];
const PRIORITIES: Row[] = [
  { id: 1, name: "Critical", color: "#d00", isDefault: false },
  { id: 2, name: "High", color: "#f80", isDefault: false },
  { id: 3, name: "Medium", color: "#fd0", isDefault: true },
  { id: 4, name: "Low", color: "#0a0", isDefault: false },
];
const ISSUE_TYPES: Row[] = [
  { id: 22, name: "Security", isActive: true },
  { id: 23, name: "Network", isActive: true },
];
const SUB_ISSUE_TYPES = new Map<number, Row[]>([
  [22, [{ id: 91, name: "Malware" }, { id: 92, name: "Phishing" }, { id: 93, name: "Suspicious Sign-in" }]],
  [23, [{ id: 95, name: "Firewall" }, { id: 96, name: "VPN" }]],
]);
/** /v2/system/lookup/{tableName}: the table names the adapter uses (BMS_LOOKUP_TABLES). */
const LOOKUP_TABLES = new Map<string, Row[]>([
  ["tickettype", [{ id: 3, name: "Incident", isDefault: true, isActive: true }, { id: 4, name: "Service Request", isDefault: false, isActive: true }, { id: 5, name: "Alert", isDefault: false, isActive: true }]],
  ["ticketsource", [{ id: 4, name: "Monitoring", isDefault: false, isActive: true }, { id: 5, name: "Email", isDefault: true, isActive: true }, { id: 6, name: "Phone", isDefault: false, isActive: true }]],
]);
const SLAS: Row[] = [{ id: 2, name: "Standard SLA", isDefault: true, isActive: true }];

function ok(result: unknown, extra: Record<string, unknown> = {}): FakeReply {
  return { status: 200, body: { success: true, error: null, result, ...extra } };
}

/** A business failure: HTTP 200 with success:false, as BMS does. */
function failure(code: number, message: string, subErrors: string[] | null = null, details: string | null = null): FakeReply {
  return { status: 200, body: { success: false, error: { code, message, details, stackStrace: null, subErrors }, result: null } };
}

export class FakeKaseyaBms extends FakePsaServer {
  readonly vendor = "kaseya_bms" as const;
  /** Lifetime of issued tokens; tests shorten it. */
  tokenTtlMs = 60 * 60_000;
  /** Successful authentications so far (token caching tests). */
  authCount = 0;
  private readonly tokens = new Map<string, number>();
  private nextTicketId = 13_287_000;
  private nextNoteId = 50_000;

  get credentials(): KaseyaBmsCredentials {
    return { serverUrl: this.url, ...FAKE_CREDENTIALS.kaseya_bms };
  }

  /** Makes every issued token invalid (as if they expired or were revoked). */
  expireTokens(): void {
    this.tokens.clear();
  }

  protected override resetVendorState(): void {
    this.tokens.clear();
    this.authCount = 0;
    this.nextTicketId = 13_287_000;
  }

  protected faultBody(status: number, message: string): unknown {
    return { success: false, error: { code: status, message, details: null, stackStrace: null, subErrors: null }, result: null };
  }

  protected handle(req: FakeRequest): FakeReply {
    const path = req.path.toLowerCase();
    if (path === "/v2/security/authenticate" && req.method === "POST") return this.authenticate(req);
    if (!path.startsWith("/v2/")) return { status: 404, body: "" };

    const auth = authorization(req.headers);
    const expires = auth?.scheme === "bearer" ? this.tokens.get(auth.value) : undefined;
    if (expires === undefined || expires <= Date.now()) {
      return { status: 401, headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' } };
    }
    const seg = path.split("/").filter(Boolean).slice(1);
    const q = req.query;

    if (req.method === "GET") {
      if (path === "/v2/security/userinfo") {
        return ok({ userId: 77, fullName: "API User", emailAddress: "api.user@fake-msp.example", tenantId: 4242, isUserSystemAdmin: false, productName: "BMS" });
      }
      if (path === "/v2/crm/accounts/lookup") return this.accounts(req);
      if (seg[0] === "crm" && seg[1] === "accounts" && seg[4] === "lookup") {
        const account = Number(seg[2]);
        if (!ACCOUNT_BY_ID.has(account)) return failure(404, `Account ${seg[2]} was not found.`);
        if (seg[3] === "locations") return ok(LOCATIONS.get(account) ?? []);
        if (seg[3] === "contacts") {
          const size = Math.min(intOf(q.get("PageSize")) ?? 25, PAGE_SIZE_MAX);
          const page = intOf(q.get("PageNumber")) ?? 0;
          return ok((CONTACTS.get(account) ?? []).slice(page * size, (page + 1) * size));
        }
      }
      if (path === "/v2/system/queues/lookup") return ok(QUEUES);
      if (path === "/v2/system/statuses/lookup") return ok(STATUSES);
      if (path === "/v2/system/priorities/lookup") return ok(PRIORITIES);
      if (path === "/v2/system/slas/lookup") return ok(SLAS);
      if (path === "/v2/system/issuetypes/lookup") return ok(ISSUE_TYPES);
      if (seg[0] === "system" && seg[1] === "issuetypes" && seg[3] === "issuesubtypes") {
        const list = SUB_ISSUE_TYPES.get(Number(seg[2]));
        return list ? ok(list) : failure(404, `Issue type ${seg[2]} was not found.`);
      }
      if (seg[0] === "system" && seg[1] === "lookup" && seg.length === 3) {
        const table = LOOKUP_TABLES.get(seg[2]);
        return table ? ok(table) : failure(400, `Lookup table '${req.path.split("/").pop()}' does not exist.`);
      }
      if (path === "/v2/finance/contracts/lookup") {
        const account = intOf(q.get("AccountId"));
        const excludeExpired = (q.get("ExcludeExpiredContracts") ?? "").toLowerCase() === "true";
        const rows = CONTRACTS.filter((c) => (account === undefined || c.accountId === account) && (!excludeExpired || c.endDate === null));
        return ok(rows.map(({ accountId: _drop, ...rest }) => rest));
      }
      if (path === "/v2/servicedesk/tickets") return this.searchTickets(req);
      if (seg[0] === "servicedesk" && seg[1] === "tickets" && seg.length === 3) {
        const t = this.ticketById(Number(seg[2]));
        return t ? ok(t.record) : failure(404, `Ticket ${seg[2]} was not found.`);
      }
    }
    if (req.method === "POST") {
      if (path === "/v2/servicedesk/tickets") return this.createTicket(req);
      if (seg[0] === "servicedesk" && seg[1] === "tickets" && seg[3] === "notes" && seg.length === 4) return this.addNote(req, Number(seg[2]));
    }
    return { status: 404, body: "" };
  }

  private authenticate(req: FakeRequest): FakeReply {
    const form = new URLSearchParams(req.body);
    const field = (name: string) => {
      for (const [k, v] of form) if (k.toLowerCase() === name.toLowerCase()) return v;
      return undefined;
    };
    const c = FAKE_CREDENTIALS.kaseya_bms;
    if ((field("grantType") ?? "").toLowerCase() !== "password") return failure(400, "GrantType is required.");
    if (field("userName") !== c.username || field("password") !== c.password || field("tenant") !== c.tenant) {
      // Failed logins also come back as HTTP 200 with success:false.
      return failure(401, "Invalid username, password or company name.");
    }
    this.authCount += 1;
    const token = `eyJhbGciOiJIUzI1NiJ9.${randomBytes(18).toString("base64url")}.fake`;
    const expiresAt = Date.now() + this.tokenTtlMs;
    this.tokens.set(token, expiresAt);
    return ok({
      accessToken: token,
      refreshToken: randomBytes(18).toString("base64url"),
      accessTokenExpireOn: new Date(expiresAt).toISOString(),
      refreshTokenExpireOn: new Date(expiresAt + 7 * 24 * 3600_000).toISOString(),
    });
  }

  /** PageNumber is 0-based here (as in the public Power Query samples). */
  private accounts(req: FakeRequest): FakeReply {
    const q = req.query;
    const name = (q.get("Filter.Name") ?? "").toLowerCase();
    const withInactive = (q.get("Filter.WithInactiveAccounts") ?? "").toLowerCase() === "true";
    const size = Math.min(Math.max(intOf(q.get("PageSize")) ?? 25, 1), PAGE_SIZE_MAX);
    const page = Math.max(intOf(q.get("PageNumber")) ?? 0, 0);
    const rows = ACCOUNTS.filter((a) => (withInactive || a.isActive) && (!name || a.name.toLowerCase().includes(name)));
    return ok(rows.slice(page * size, (page + 1) * size));
  }

  private searchTickets(req: FakeRequest): FakeReply {
    const q = req.query;
    const title = q.get("Filter.Title") ?? "";
    const accounts = (q.get("Filter.AccountIds") ?? "").split(",").map((s) => intOf(s.trim())).filter((n): n is number => n !== undefined);
    const excludeCompleted = q.get("Filter.ExcludeCompleted") === "1";
    const size = Math.min(Math.max(intOf(q.get("PageSize")) ?? 25, 1), PAGE_SIZE_MAX);
    const page = Math.max(intOf(q.get("PageNumber")) ?? 0, 0);
    const matched = this.ticketsWithTitleContaining(title).filter(
      (t) => (!accounts.length || accounts.includes(t.companyId)) && (!excludeCompleted || t.record.statusId !== 4),
    );
    const list = matched.slice(page * size, (page + 1) * size).map((t) => {
      const r = t.record;
      return {
        id: r.id, ticketNumber: r.ticketNumber, title: r.title, accountId: r.accountId, accountName: r.accountName,
        locationId: r.locationId, statusId: r.statusId, statusName: r.statusName, priorityId: r.priorityId,
        priorityName: r.priorityName, queueId: r.queueId, typeId: r.typeId, sourceId: r.sourceId, openDate: r.openDate,
      };
    });
    return ok(list, { totalRecords: matched.length });
  }

  private createTicket(req: FakeRequest): FakeReply {
    const t = parseJson(req.body);
    if (!t || typeof t !== "object" || Array.isArray(t)) return failure(400, "The request body is not a valid ticket.");
    const v = (k: string) => prop(t, k);
    const missing = ["Title", "Details", "AccountId", "LocationId", "StatusId", "PriorityId", "TypeId", "SourceId", "OpenDate"].filter(
      (k) => v(k) === undefined || v(k) === null || v(k) === "",
    );
    if (missing.length) {
      return failure(400, "One or more validation errors occurred.", missing.map((k) => `The ${k} field is required.`));
    }
    const errors: string[] = [];
    const account = ACCOUNT_BY_ID.get(intOf(v("AccountId")) ?? -1);
    if (!account || !account.isActive) errors.push(`Account ${String(v("AccountId"))} was not found.`);
    const locations = LOCATIONS.get(account?.id ?? -1) ?? [];
    const location = locations.find((l) => l.id === intOf(v("LocationId")));
    if (!location) errors.push(`Location ${String(v("LocationId"))} does not belong to the account.`);
    if (v("QueueId") == null && v("AssigneeId") == null) errors.push("Either a queue or an assignee must be set.");
    const queue = QUEUES.find((x) => x.id === intOf(v("QueueId")));
    if (v("QueueId") != null && (!queue || !queue.isActive)) errors.push(`Queue ${String(v("QueueId"))} was not found.`);
    const status = STATUSES.find((x) => x.id === intOf(v("StatusId")));
    if (!status) errors.push(`Status ${String(v("StatusId"))} was not found.`);
    const priority = PRIORITIES.find((x) => x.id === intOf(v("PriorityId")));
    if (!priority) errors.push(`Priority ${String(v("PriorityId"))} was not found.`);
    const type = (LOOKUP_TABLES.get("tickettype") ?? []).find((x) => x.id === intOf(v("TypeId")));
    if (!type) errors.push(`Ticket type ${String(v("TypeId"))} was not found.`);
    const source = (LOOKUP_TABLES.get("ticketsource") ?? []).find((x) => x.id === intOf(v("SourceId")));
    if (!source) errors.push(`Source ${String(v("SourceId"))} was not found.`);
    const issueType = v("IssueTypeId") == null ? undefined : ISSUE_TYPES.find((x) => x.id === intOf(v("IssueTypeId")));
    if (v("IssueTypeId") != null && !issueType) errors.push(`Issue type ${String(v("IssueTypeId"))} was not found.`);
    const subIssue = v("SubIssueTypeId") == null ? undefined : (SUB_ISSUE_TYPES.get(issueType?.id ?? -1) ?? []).find((x) => x.id === intOf(v("SubIssueTypeId")));
    if (v("SubIssueTypeId") != null && !subIssue) errors.push(`Sub-issue type ${String(v("SubIssueTypeId"))} does not belong to the issue type.`);
    const contract = v("ContractId") == null ? undefined : CONTRACTS.find((x) => x.id === intOf(v("ContractId")) && x.accountId === account?.id);
    if (v("ContractId") != null && !contract) errors.push(`Contract ${String(v("ContractId"))} does not belong to the account.`);
    const contact = v("ContactId") == null ? undefined : (CONTACTS.get(account?.id ?? -1) ?? []).find((x) => x.id === intOf(v("ContactId")));
    if (v("ContactId") != null && !contact) errors.push(`Contact ${String(v("ContactId"))} does not belong to the account.`);
    if (Number.isNaN(Date.parse(String(v("OpenDate"))))) errors.push("OpenDate is not a valid date.");
    if (errors.length) return failure(400, errors[0], errors);

    const id = this.nextTicketId++;
    const now = isoNow();
    const ticketNumber = `T${now.slice(0, 10).replace(/-/g, "")}.${String(id % 10_000).padStart(4, "0")}`;
    const a = account as Row;
    const record: Record<string, unknown> = {
      id,
      createdOn: now,
      ticketNumber,
      title: String(v("Title")),
      details: String(v("Details")),
      accountId: a.id,
      accountName: a.name,
      locationId: (location as Row).id,
      locationName: (location as Row).name,
      contactId: contact?.id ?? null,
      contactName: contact?.name ?? null,
      statusId: (status as Row).id,
      statusName: (status as Row).name,
      statusOrder: (status as Row).statusOrder,
      priorityId: (priority as Row).id,
      priorityName: (priority as Row).name,
      typeId: (type as Row).id,
      typeName: (type as Row).name,
      issueTypeId: issueType?.id ?? null,
      issueTypeName: issueType?.name ?? null,
      subIssueTypeId: subIssue?.id ?? null,
      subIssueTypeName: subIssue?.name ?? null,
      contractId: contract?.id ?? null,
      contractName: contract?.name ?? null,
      sourceId: (source as Row).id,
      sourceName: (source as Row).name,
      openDate: new Date(String(v("OpenDate"))).toISOString(),
      queueId: queue?.id ?? null,
      queueName: queue?.name ?? null,
      rmmTicketReference: null,
      tenantId: 4242,
    };
    this.addTicket({ id, number: ticketNumber, companyId: a.id, title: String(v("Title")), request: t as Record<string, unknown>, record, notes: [], createdAt: now });
    return ok(record);
  }

  private addNote(req: FakeRequest, ticketId: number): FakeReply {
    const ticket = this.ticketById(ticketId);
    if (!ticket) return failure(404, `Ticket ${ticketId} was not found.`);
    const n = parseJson(req.body);
    const missing = ["Details", "IsInternal", "NoteDate", "TypeId"].filter((k) => prop(n, k) === undefined || prop(n, k) === null || prop(n, k) === "");
    if (missing.length) return failure(400, "One or more validation errors occurred.", missing.map((k) => `The ${k} field is required.`));
    ticket.notes.push(String(prop(n, "Details")));
    return ok({ id: this.nextNoteId++, ticketId, details: prop(n, "Details"), isInternal: prop(n, "IsInternal"), typeId: prop(n, "TypeId"), noteDate: prop(n, "NoteDate") });
  }
}
