/**
 * Fake Syncro on loopback — PSA-APIS.md §5, shapes from the vendor's swagger examples. Serves /api/v1 with
 * the API token as `Authorization: Bearer …` (or raw, or ?api_key=), `page=N` paging with meta.total_pages,
 * full-text-style `query` search, the 400 HTML page Syncro sends when Content-Type is not JSON, and 422s.
 */
import type { SyncroCredentials } from "../catalog";
import { FakePsaServer, intOf, isoNow, parseJson, prop, type FakeReply, type FakeRequest } from "./base";
import { FAKE_CREDENTIALS } from "./credentials";
import { SEED_COMPANIES } from "./seed";

const API = "/api/v1";
export const SYNCRO_CUSTOMER_ID_BASE = 28_403_900;
const CUSTOMERS_PER_PAGE = 100;
const TICKETS_PER_PAGE = 25;
const CONTACTS_PER_PAGE = 50;

type Row = Record<string, unknown> & { id: number };

const CUSTOMERS: Row[] = SEED_COMPANIES.map((c) => {
  const lead = c.contacts[0];
  return {
    id: SYNCRO_CUSTOMER_ID_BASE + c.index,
    firstname: lead.first,
    lastname: lead.last,
    fullname: `${lead.first} ${lead.last}`,
    business_name: c.name,
    email: lead.email,
    disabled: false,
    business_and_full_name: `${c.name} - ${lead.first} ${lead.last}`,
    business_then_name: c.name,
  };
});
const CUSTOMER_BY_ID = new Map(CUSTOMERS.map((c) => [c.id, c]));
const CONTACTS: Row[] = SEED_COMPANIES.flatMap((c) =>
  c.contacts.map((p, k) => ({ id: 991_000 + c.index * 10 + k, name: `${p.first} ${p.last}`, email: p.email, customer_id: SYNCRO_CUSTOMER_ID_BASE + c.index })),
);

const STATUS_LIST = ["New", "In Progress", "Resolved", "Invoiced", "Waiting for Parts", "Waiting on Customer", "Scheduled", "Customer Reply"];
const PROBLEM_TYPES = ["Security", "Virus", "TuneUp", "Hardware", "Software", "Other"];
const PRIORITIES = ["", "0 Urgent", "1 High", "2 Normal", "3 Low"];

const TICKET_SETTINGS = JSON.stringify({
  ticket_status_list: STATUS_LIST,
  default_labor_product_id: null,
  ticket_timer_charge_by_default: null,
  saved_searches: [],
  ticket_types: [],
  ticket_type_fields: [],
  ticket_type_field_answers: [],
  appointment_types: [],
  users: [{ id: 1, name: "SOC Technician" }],
  dashboard_settings: null,
  worksheet_templates: [],
  require_ticket_type: null,
  require_intake_form_with_ticket: null,
  require_outtake_form_with_ticket: null,
  ticket_workflow_default_id: null,
});
const ACCOUNT_SETTINGS = JSON.stringify({
  customers: { required_fields: null, customer_fields: [], customer_field_answers: [] },
  assets: { asset_types: [], asset_type_fields: [], asset_type_field_answers: [] },
  locale: { iso_code: "en", currency_symbol: "$", date_format: "mm-dd-yy", time_format: "hh:mm tt", time_zone: "America/New_York", time_offset: "-05:00" },
  ticket: { ticket_types: [], ticket_type_fields: [], ticket_type_field_answers: [], problem_types: PROBLEM_TYPES, priorities: PRIORITIES },
  business_hours_enabled: false,
  business_hours: [],
  default_holiday_calendar: "USA",
  msp_addon: null,
});

const HTML_400 = "<!DOCTYPE html>\n<html><head><title>Bad Request</title></head><body><h1>400 Bad Request</h1></body></html>";

function meta(total: number, perPage: number, page: number): Record<string, number> {
  return { total_pages: Math.max(1, Math.ceil(total / perPage)), total_entries: total, per_page: perPage, page };
}

export class FakeSyncro extends FakePsaServer {
  readonly vendor = "syncro" as const;
  private nextTicketId = 51_234_500;
  private nextNumber = 10_400;
  private nextCommentId = 1;

  get credentials(): SyncroCredentials {
    // A full URL in place of the subdomain; the adapter adds "/api/v1".
    return { subdomain: this.url, ...FAKE_CREDENTIALS.syncro };
  }

  protected override resetVendorState(): void {
    this.nextTicketId = 51_234_500;
    this.nextNumber = 10_400;
  }

  protected faultBody(status: number, message: string): unknown {
    return status === 429 ? { error: "Rate limit exceeded: 180 requests per minute." } : { error: message };
  }

  protected handle(req: FakeRequest): FakeReply {
    if (!req.path.startsWith(`${API}/`)) return { status: 404, headers: { "Content-Type": "text/html" }, body: HTML_400.replace(/400 Bad Request/g, "404 Not Found") };
    const raw = req.headers.authorization ?? "";
    const token = raw.toLowerCase().startsWith("bearer ") ? raw.slice(7).trim() : raw.trim() || req.query.get("api_key") || "";
    if (token !== FAKE_CREDENTIALS.syncro.apiToken) {
      return { status: 401, body: { error: "Not authorized. Please ask account admin to update your group permissions." } };
    }
    if ((req.method === "POST" || req.method === "PUT") && !String(req.headers["content-type"] ?? "").toLowerCase().includes("application/json")) {
      return { status: 400, headers: { "Content-Type": "text/html; charset=utf-8" }, body: HTML_400 };
    }
    const path = req.path.slice(API.length);
    const seg = path.split("/").filter(Boolean);
    const q = req.query;

    if (req.method === "GET") {
      if (path === "/tickets/settings") return { status: 200, headers: { "Content-Type": "application/json; charset=utf-8" }, body: TICKET_SETTINGS };
      if (path === "/settings") return { status: 200, headers: { "Content-Type": "application/json; charset=utf-8" }, body: ACCOUNT_SETTINGS };
      if (path === "/me") return { status: 200, body: { user_id: 1, user_name: "SOC Technician", user_email: "soc@fake-msp.example", admin: false, subdomain: "fake" } };
      if (path === "/customers") {
        const query = (q.get("query") ?? "").toLowerCase();
        const rows = query
          ? CUSTOMERS.filter((c) => [c.business_name, c.fullname, c.email].some((x) => String(x ?? "").toLowerCase().includes(query)))
          : CUSTOMERS;
        return this.page("customers", rows, CUSTOMERS_PER_PAGE, q);
      }
      if (path === "/contacts") {
        const customer = intOf(q.get("customer_id"));
        return this.page("contacts", customer === undefined ? CONTACTS : CONTACTS.filter((c) => c.customer_id === customer), CONTACTS_PER_PAGE, q);
      }
      if (path === "/tickets") {
        const customer = intOf(q.get("customer_id"));
        const query = q.get("query") ?? "";
        const status = q.get("status");
        const rows = this.ticketsWithTitleContaining(query)
          .filter((t) => customer === undefined || t.companyId === customer)
          .filter((t) => !status || (status === "Not Closed" ? t.record.status !== "Resolved" : t.record.status === status))
          .map((t) => t.record as Row);
        return this.page("tickets", rows, TICKETS_PER_PAGE, q);
      }
      if (seg[0] === "tickets" && seg.length === 2) {
        const t = this.ticketById(Number(seg[1]));
        return t ? { status: 200, body: { ticket: t.record } } : { status: 404, body: { error: "Not found" } };
      }
    }
    if (req.method === "POST") {
      if (path === "/tickets") return this.createTicket(req);
      if (seg[0] === "tickets" && seg[2] === "comment" && seg.length === 3) return this.addComment(req, Number(seg[1]));
    }
    return { status: 404, body: { error: "Not found" } };
  }

  private page(key: string, rows: Row[], perPage: number, q: URLSearchParams): FakeReply {
    const page = Math.max(intOf(q.get("page")) ?? 1, 1);
    return { status: 200, body: { [key]: rows.slice((page - 1) * perPage, page * perPage), meta: meta(rows.length, perPage, page) } };
  }

  private createTicket(req: FakeRequest): FakeReply {
    const t = parseJson(req.body);
    if (!t || typeof t !== "object" || Array.isArray(t)) return { status: 422, body: { error: "Invalid ticket" } };
    const v = (k: string) => prop(t, k);
    const customer = CUSTOMER_BY_ID.get(intOf(v("customer_id")) ?? -1);
    if (v("customer_id") == null || !customer) return { status: 422, body: { error: "Customer required field" } };
    const errors: Record<string, string[]> = {};
    if (typeof v("subject") !== "string" || !(v("subject") as string).trim()) errors.subject = ["can't be blank"];
    if (v("status") != null && !STATUS_LIST.includes(String(v("status")))) errors.status = ["is not included in the list"];
    if (v("problem_type") != null && !PROBLEM_TYPES.includes(String(v("problem_type")))) errors.problem_type = ["is not included in the list"];
    if (v("priority") != null && !PRIORITIES.includes(String(v("priority")))) errors.priority = ["is not included in the list"];
    if (v("contact_id") != null && !CONTACTS.some((c) => c.id === intOf(v("contact_id")) && c.customer_id === customer.id)) errors.contact_id = ["does not belong to the customer"];
    if (Object.keys(errors).length) return { status: 422, body: { errors } };

    const id = this.nextTicketId++;
    const now = isoNow();
    const comments = (Array.isArray(v("comments_attributes")) ? (v("comments_attributes") as Record<string, unknown>[]) : []).map((c) => ({
      id: this.nextCommentId++,
      created_at: now,
      updated_at: now,
      ticket_id: id,
      subject: c.subject ?? null,
      body: c.body ?? null,
      tech: null,
      hidden: c.hidden ?? false,
      user_id: null,
    }));
    const record: Record<string, unknown> = {
      id,
      number: this.nextNumber++,
      subject: v("subject"),
      created_at: now,
      customer_id: customer.id,
      customer_business_then_name: customer.business_then_name,
      due_date: null,
      start_at: null,
      end_at: null,
      location_id: null,
      problem_type: v("problem_type") ?? null,
      status: v("status") ?? "New",
      properties: {},
      user_id: null,
      updated_at: now,
      pdf_url: null,
      priority: v("priority") ?? null,
      contact_id: v("contact_id") ?? null,
      tag_list: [],
      comments,
      attachments: [],
    };
    this.addTicket({ id, number: String(record.number), companyId: customer.id, title: String(v("subject")), request: t as Record<string, unknown>, record, notes: [], createdAt: now });
    return { status: 200, body: { ticket: record } };
  }

  private addComment(req: FakeRequest, ticketId: number): FakeReply {
    const ticket = this.ticketById(ticketId);
    if (!ticket) return { status: 404, body: { error: "Not found" } };
    const c = parseJson(req.body);
    const missing: string[] = [];
    if (!prop(c, "body")) missing.push("Body can't be blank");
    if (!prop(c, "subject")) missing.push("Subject can't be blank");
    if (missing.length) return { status: 422, body: { success: false, message: missing } };
    ticket.notes.push(String(prop(c, "body")));
    const now = isoNow();
    return {
      status: 200,
      body: { comment: { id: this.nextCommentId++, created_at: now, updated_at: now, ticket_id: ticketId, subject: prop(c, "subject"), body: prop(c, "body"), tech: null, hidden: prop(c, "hidden") ?? false, user_id: 1 } },
    };
  }
}
