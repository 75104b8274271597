/**
 * Fake HaloPSA on loopback — PSA-APIS.md §4. OAuth2 client_credentials at /auth/token?tenant=, bearer tokens
 * with expires_in, /api lists (with the real "pageinate" spelling and record_count), priorities scoped to the
 * ticket type's SLA, POST /api/Tickets taking an ARRAY, and Halo's 400s: plain text (the CAB approval
 * "CODE:APP03/2 …") or a ModelState object keyed by array index.
 */
import { randomBytes } from "node:crypto";
import type { HaloCredentials } from "../catalog";
import { authorization, FakePsaServer, intOf, isoNow, parseJson, prop, type FakeReply, type FakeRequest } from "./base";
import { FAKE_CREDENTIALS } from "./credentials";
import { SEED_COMPANIES } from "./seed";

export const HALO_CLIENT_ID_BASE = 42;
const DEFAULT_PAGE_SIZE = 50;

type Row = Record<string, unknown> & { id: number };

const CLIENTS: Row[] = SEED_COMPANIES.map((c) => ({ id: HALO_CLIENT_ID_BASE + c.index, name: c.name, inactive: false, toplevel_id: 1 }));
CLIENTS.push({ id: HALO_CLIENT_ID_BASE + 999, name: "Dormant Client", inactive: true, toplevel_id: 1 });
const CLIENT_BY_ID = new Map(CLIENTS.map((c) => [c.id, c]));

const SITES: Row[] = SEED_COMPANIES.flatMap((c) =>
  c.sites.map((name, k) => ({ id: 7000 + c.index * 10 + k, name, clientsite_name: `${c.name} - ${name}`, client_id: HALO_CLIENT_ID_BASE + c.index })),
);
const USERS: Row[] = SEED_COMPANIES.flatMap((c) =>
  c.contacts.map((p, k) => ({
    id: 90_000 + c.index * 10 + k,
    name: `${p.first} ${p.last}`,
    emailaddress: p.email,
    client_id: HALO_CLIENT_ID_BASE + c.index,
    site_id: 7000 + c.index * 10,
  })),
);
const CONTRACTS: Row[] = SEED_COMPANIES.map((c) => ({ id: 3100 + c.index, ref: `MSEC-${c.code}`, client_id: HALO_CLIENT_ID_BASE + c.index, active: true }));

/** sla_id 0: no SLA (priorities must then be omitted). Type 99 has a CAB approval workflow. */
const TICKET_TYPES: Row[] = [
  { id: 1, name: "Incident", sla_id: 1, use: "ticket" },
  { id: 21, name: "Security Alert", sla_id: 2, use: "ticket" },
  { id: 30, name: "Service Request", sla_id: 0, use: "ticket" },
  { id: 99, name: "Change Request (CAB)", sla_id: 1, use: "ticket" },
];
/** Rows: `id` is the row, `priorityid` the level a ticket takes; levels differ per SLA. */
const PRIORITIES: Row[] = [
  { id: 101, priorityid: 1, name: "Critical", slaid: 1 },
  { id: 102, priorityid: 2, name: "High", slaid: 1 },
  { id: 103, priorityid: 3, name: "Medium", slaid: 1 },
  { id: 104, priorityid: 4, name: "Low", slaid: 1 },
  { id: 201, priorityid: 1, name: "P1 - Active Threat", slaid: 2 },
  { id: 202, priorityid: 2, name: "P2 - Investigate", slaid: 2 },
  { id: 203, priorityid: 3, name: "P3 - Informational", slaid: 2 },
];
const STATUSES: Row[] = [
  { id: 1, name: "New", type: "ticket", shortname: "N" },
  { id: 2, name: "In Progress", type: "ticket", shortname: "IP" },
  { id: 3, name: "Action Required", type: "ticket", shortname: "AR" },
  { id: 9, name: "Closed", type: "ticket", shortname: "C" },
];
const TEAMS: Row[] = [
  { id: 5, name: "Security" },
  { id: 6, name: "1st Line Support" },
  { id: 7, name: "Projects" },
];
const OUTCOMES: Row[] = [
  { id: 1, outcome: "Email User" },
  { id: 7, outcome: "Private Note" },
  { id: 8, outcome: "Resolved" },
];

export class FakeHaloPsa extends FakePsaServer {
  readonly vendor = "halopsa" as const;
  tokenTtlSeconds = 3600;
  /** Tokens issued so far (token caching tests). */
  tokenCount = 0;
  private readonly tokens = new Map<string, number>();
  private nextTicketId = 34_500;
  private nextActionId = 1;

  get credentials(): HaloCredentials {
    return { resourceUrl: this.url, authUrl: undefined, ...FAKE_CREDENTIALS.halopsa };
  }

  expireTokens(): void {
    this.tokens.clear();
  }

  protected override resetVendorState(): void {
    this.tokens.clear();
    this.tokenCount = 0;
    this.nextTicketId = 34_500;
  }

  protected faultBody(status: number, message: string): unknown {
    return status === 429 ? "Too many requests. Please retry later." : message;
  }

  protected handle(req: FakeRequest): FakeReply {
    const path = req.path.toLowerCase();
    if (path === "/auth/token" && req.method === "POST") return this.token(req);
    if (path === "/api/authinfo" && req.method === "GET") {
      return { status: 200, body: { auth_url: `http://${req.headers.host}/auth`, tenant_id: FAKE_CREDENTIALS.halopsa.tenant } };
    }
    if (!path.startsWith("/api/")) return { status: 404, body: "Not Found" };
    const auth = authorization(req.headers);
    const expires = auth?.scheme === "bearer" ? this.tokens.get(auth.value) : undefined;
    if (expires === undefined || expires <= Date.now()) return { status: 401, body: "" };

    const seg = path.split("/").filter(Boolean).slice(1);
    const q = req.query;
    if (req.method === "POST") {
      if (path === "/api/tickets") return this.createTickets(req);
      if (path === "/api/actions") return this.addActions(req);
      return { status: 404, body: "Not Found" };
    }
    if (req.method !== "GET") return { status: 405, body: "Method not allowed" };
    switch (seg[0]) {
      case "client":
        return this.paged(req, "clients", CLIENTS.filter((c) => {
          const search = (q.get("search") ?? "").toLowerCase();
          const includeInactive = (q.get("includeinactive") ?? "").toLowerCase() === "true";
          return (includeInactive || !c.inactive) && (!search || String(c.name).toLowerCase().includes(search));
        }));
      case "site":
        return this.paged(req, "sites", SITES.filter((s) => !q.get("client_id") || s.client_id === intOf(q.get("client_id"))));
      case "users":
        return this.paged(req, "users", USERS.filter((u) => !q.get("client_id") || u.client_id === intOf(q.get("client_id"))));
      case "clientcontract":
        return this.paged(req, "contracts", CONTRACTS.filter((c) => !q.get("client_id") || c.client_id === intOf(q.get("client_id"))));
      case "tickettype":
        if (seg.length === 2) {
          const type = TICKET_TYPES.find((t) => t.id === Number(seg[1]));
          return type ? { status: 200, body: type } : { status: 404, body: `Ticket type ${seg[1]} not found` };
        }
        return { status: 200, body: TICKET_TYPES };
      case "status":
        return { status: 200, body: STATUSES };
      case "team":
        return { status: 200, body: TEAMS };
      case "outcome":
        return { status: 200, body: OUTCOMES };
      case "priority": {
        const sla = intOf(q.get("slaid"));
        return { status: 200, body: sla === undefined ? PRIORITIES : PRIORITIES.filter((p) => p.slaid === sla) };
      }
      case "tickets":
        if (seg.length === 2) {
          const t = this.ticketById(Number(seg[1]));
          return t ? { status: 200, body: t.record } : { status: 404, body: `Ticket ${seg[1]} not found` };
        }
        return this.searchTickets(req);
      default:
        return { status: 404, body: "Not Found" };
    }
  }

  private token(req: FakeRequest): FakeReply {
    const form = new URLSearchParams(req.body);
    const c = FAKE_CREDENTIALS.halopsa;
    if (form.get("grant_type") !== "client_credentials") {
      return { status: 400, body: { error: "unsupported_grant_type", error_description: "grant_type must be client_credentials" } };
    }
    if (req.query.get("tenant") !== c.tenant) {
      return { status: 400, body: { error: "invalid_request", error_description: "Unknown tenant." } };
    }
    if (form.get("client_id") !== c.clientId || form.get("client_secret") !== c.clientSecret) {
      return { status: 401, body: { error: "invalid_client", error_description: "Invalid client credentials." } };
    }
    this.tokenCount += 1;
    const token = `halo.${randomBytes(18).toString("base64url")}`;
    this.tokens.set(token, Date.now() + this.tokenTtlSeconds * 1000);
    return { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: this.tokenTtlSeconds, scope: form.get("scope") ?? "all" } };
  }

  /** `pageinate=true&page_size=&page_no=` (1-based); otherwise the agent's default page of 50. */
  private paged(req: FakeRequest, key: string, rows: Row[]): FakeReply {
    const q = req.query;
    const paginate = (q.get("pageinate") ?? "").toLowerCase() === "true";
    const size = Math.max(intOf(q.get("page_size")) ?? DEFAULT_PAGE_SIZE, 1);
    const page = paginate ? Math.max(intOf(q.get("page_no")) ?? 1, 1) : 1;
    return { status: 200, body: { record_count: rows.length, [key]: rows.slice((page - 1) * size, page * (paginate ? size : DEFAULT_PAGE_SIZE)) } };
  }

  private searchTickets(req: FakeRequest): FakeReply {
    const q = req.query;
    const search = q.get("search") ?? "";
    const client = intOf(q.get("client_id"));
    const openOnly = (q.get("open_only") ?? "").toLowerCase() === "true";
    const matched = this.ticketsWithTitleContaining(search).filter(
      (t) => (client === undefined || t.companyId === client) && (!openOnly || t.record.status_id !== 9),
    );
    return this.paged(req, "tickets", matched.map((t) => t.record as Row));
  }

  private createTickets(req: FakeRequest): FakeReply {
    const body = parseJson(req.body);
    if (!Array.isArray(body)) {
      // Halo binds the body to a list; a bare object does not bind.
      return { status: 400, body: "The request body must be an array of tickets." };
    }
    const errors: Record<string, string> = {};
    for (const [i, raw] of body.entries()) {
      const t = raw as Record<string, unknown>;
      const v = (k: string) => prop(t, k);
      if (typeof v("summary") !== "string" || !(v("summary") as string).trim()) errors[`[${i}].summary`] = "Please enter a Summary.";
      const client = CLIENT_BY_ID.get(intOf(v("client_id")) ?? -1);
      if (!client || client.inactive) errors[`[${i}].client_id`] = "Please select a valid Customer.";
      const type = TICKET_TYPES.find((x) => x.id === intOf(v("tickettype_id")));
      if (!type) {
        errors[`[${i}].tickettype_id`] = "Please select a valid Ticket Type.";
        continue;
      }
      if (type.id === 99) {
        // Approval workflows reject API creates with plain text, not a ModelState object.
        return { status: 400, body: "CODE:APP03/2 Please select the CAB members to approve" };
      }
      if (v("priority_id") != null) {
        const allowed = PRIORITIES.filter((p) => p.slaid === type.sla_id).map((p) => p.priorityid);
        if (!allowed.includes(intOf(v("priority_id")))) errors[`[${i}].priority_id`] = `Priority ${String(v("priority_id"))} is not valid for the SLA of ticket type ${type.name}.`;
      }
      if (v("status_id") != null && !STATUSES.some((s) => s.id === intOf(v("status_id")))) errors[`[${i}].status_id`] = "Please select a valid Status.";
      if (v("team") != null && !TEAMS.some((x) => x.name === v("team"))) errors[`[${i}].team`] = `Team '${String(v("team"))}' does not exist.`;
      const siteId = intOf(v("site_id"));
      if (v("site_id") != null && !SITES.some((s) => s.id === siteId && s.client_id === client?.id)) errors[`[${i}].site_id`] = "The Site does not belong to the Customer.";
      if (v("user_id") != null) {
        if (v("site_id") == null) errors[`[${i}].site_id`] = "A Site is required when a User is specified.";
        else if (!USERS.some((u) => u.id === intOf(v("user_id")) && u.client_id === client?.id)) errors[`[${i}].user_id`] = "The User does not belong to the Customer.";
      }
      if (v("contract_id") != null && !CONTRACTS.some((c) => c.id === intOf(v("contract_id")) && c.client_id === client?.id)) {
        errors[`[${i}].contract_id`] = "The Contract does not belong to the Customer.";
      }
    }
    if (Object.keys(errors).length) return { status: 400, body: errors };

    const saved = body.map((raw) => {
      const t = raw as Record<string, unknown>;
      const id = this.nextTicketId++;
      const now = isoNow();
      const client = CLIENT_BY_ID.get(intOf(prop(t, "client_id")) as number) as Row;
      const record: Record<string, unknown> = {
        id,
        summary: prop(t, "summary"),
        details: prop(t, "details") ?? null,
        client_id: client.id,
        client_name: client.name,
        site_id: prop(t, "site_id") ?? null,
        user_id: prop(t, "user_id") ?? null,
        tickettype_id: prop(t, "tickettype_id"),
        status_id: prop(t, "status_id") ?? 1,
        priority_id: prop(t, "priority_id") ?? null,
        team: prop(t, "team") ?? null,
        contract_id: prop(t, "contract_id") ?? null,
        dateoccurred: now,
        hasbeenclosed: false,
      };
      this.addTicket({ id, number: String(id), companyId: client.id, title: String(prop(t, "summary")), request: t, record, notes: [], createdAt: now });
      return record;
    });
    // One ticket in, the saved ticket object out (arrays of several come back as an array).
    return { status: 201, body: saved.length === 1 ? saved[0] : saved };
  }

  private addActions(req: FakeRequest): FakeReply {
    const body = parseJson(req.body);
    if (!Array.isArray(body)) return { status: 400, body: "The request body must be an array of actions." };
    const saved: Record<string, unknown>[] = [];
    for (const raw of body) {
      const ticket = this.ticketById(intOf(prop(raw, "ticket_id")) ?? -1);
      if (!ticket) return { status: 400, body: `Ticket ${String(prop(raw, "ticket_id"))} not found.` };
      const outcome = intOf(prop(raw, "outcome_id"));
      if (outcome === undefined) return { status: 400, body: "An Outcome must be entered for this Action" };
      if (!OUTCOMES.some((o) => o.id === outcome)) return { status: 403, body: "You do not have access to this Action at the moment" };
      const note = String(prop(raw, "note") ?? prop(raw, "note_html") ?? "");
      ticket.notes.push(note);
      saved.push({ id: this.nextActionId++, ticket_id: ticket.id, outcome_id: outcome, note, hiddenfromuser: prop(raw, "hiddenfromuser") ?? false });
    }
    return { status: 201, body: saved.length === 1 ? saved[0] : saved };
  }
}
