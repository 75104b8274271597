/**
 * Syncro (SyncroMSP) adapter — PSA-APIS.md §5.
 * Auth: `Authorization: Bearer <token>` (not ?api_key=, which ends up in access logs); Content-Type
 * application/json always, or Syncro answers 400 with an HTML page. Dedupe: no external-id field, so a
 * "[sb:…]" token goes in the subject and is searched with `query` before a retry.
 */
import type { OutboundResponse } from "@/lib/http/outbound";
import { BasePsaClient, byName, nonEmpty, type LookupSpec } from "./base-client";
import type { SyncroCredentials } from "./catalog";
import { genericVendorMessage, PsaTransport, type RequestSpec } from "./http";
import { titleHasReference, titleWithReference } from "./reference";
import type { CompanyPage, PsaClientOptions, PsaRef, TicketDraft, TicketRef } from "./types";
import { syncroApiBase } from "./url";

export const SYNCRO_SUBJECT_MAX = 255;

interface SyncroCustomer {
  id: number;
  business_name?: string | null;
  fullname?: string | null;
  firstname?: string | null;
  lastname?: string | null;
}
interface Meta {
  total_pages?: number;
  page?: number;
}

function customerName(c: SyncroCustomer): string {
  return c.business_name || c.fullname || [c.firstname, c.lastname].filter(Boolean).join(" ") || `#${c.id}`;
}

function syncroVendorMessage(res: OutboundResponse): string {
  return genericVendorMessage(res);
}

export class SyncroClient extends BasePsaClient {
  readonly vendor = "syncro" as const;
  protected readonly transport: PsaTransport;
  /** Syncro fixes the page size itself. */
  protected readonly maxPageSize = 100;
  protected readonly lookups: Record<string, LookupSpec>;
  private readonly api: string;
  private readonly headers: Record<string, string>;

  constructor(credentials: SyncroCredentials, options: PsaClientOptions = {}) {
    super();
    this.api = syncroApiBase(credentials.subdomain);
    this.headers = { Authorization: `Bearer ${credentials.apiToken}` };
    this.transport = new PsaTransport("syncro", options, [credentials.apiToken], syncroVendorMessage);

    const strings = (values: unknown): PsaRef[] =>
      (Array.isArray(values) ? values : [])
        .filter((v): v is string => typeof v === "string" && v.trim() !== "")
        .map((v) => ({ id: v, name: v }));
    this.lookups = {
      // Problem types and priorities are account settings; statuses are ticket settings. Values are strings.
      problemTypes: {
        params: [],
        run: async () => strings((await this.getJson<{ ticket?: { problem_types?: unknown } }>("/settings")).ticket?.problem_types),
      },
      priorities: {
        params: [],
        run: async () => strings((await this.getJson<{ ticket?: { priorities?: unknown } }>("/settings")).ticket?.priorities),
      },
      statuses: {
        params: [],
        run: async () => strings((await this.getJson<{ ticket_status_list?: unknown }>("/tickets/settings")).ticket_status_list),
      },
      contacts: {
        params: ["companyId"],
        run: async (p) => {
          const customer = String(this.int(p.companyId, "Customer"));
          const out: PsaRef[] = [];
          for (let page = 1; page <= 20; page++) {
            const body = await this.getJson<{ contacts?: { id: number; name?: string }[]; meta?: Meta }>("/contacts", {
              customer_id: customer,
              page: String(page),
            });
            out.push(...(body.contacts ?? []).map((c) => ({ id: String(c.id), name: c.name ?? `#${c.id}` })));
            if (!body.meta?.total_pages || page >= body.meta.total_pages) break;
          }
          return byName(out);
        },
      },
    };
  }

  async testConnection(): Promise<{ detail: string }> {
    const settings = await this.getJson<{ ticket_status_list?: unknown[] }>("/tickets/settings");
    const statuses = Array.isArray(settings.ticket_status_list) ? settings.ticket_status_list.length : 0;
    return { detail: `Connected to Syncro at ${new URL(this.api).host}; ${statuses} ticket statuses.` };
  }

  protected async listCompaniesPage(search: string | undefined, cursor: string | undefined): Promise<CompanyPage> {
    const page = cursor ? this.int(cursor, "Page") : 1;
    const query: Record<string, string> = { page: String(page) };
    if (search) query.query = search;
    const body = await this.getJson<{ customers?: SyncroCustomer[]; meta?: Meta }>("/customers", query);
    const customers = body.customers ?? [];
    const totalPages = body.meta?.total_pages ?? page;
    return {
      items: customers.map((c) => ({ id: String(c.id), name: customerName(c) })),
      nextCursor: page < totalPages && customers.length > 0 ? String(page + 1) : undefined,
    };
  }

  async findTicketByReference(reference: string, companyId?: string): Promise<TicketRef | null> {
    this.checkReference(reference);
    // Search the bare reference: a full-text query may drop the brackets; the subject check below is exact.
    const query: Record<string, string> = { query: reference };
    if (companyId) query.customer_id = String(this.int(companyId, "Customer"));
    const body = await this.getJson<{ tickets?: { id: number; number?: number | string; subject?: string }[] }>("/tickets", query);
    const hit = (body.tickets ?? []).find((t) => titleHasReference(t.subject, reference));
    return hit ? { id: String(hit.id), ...(hit.number !== undefined ? { number: String(hit.number) } : {}) } : null;
  }

  /** The POST body for /tickets (exported for schema tests). */
  buildTicketBody(draft: TicketDraft): Record<string, unknown> {
    this.checkReference(draft.reference);
    const f = draft.fields;
    const body: Record<string, unknown> = {
      customer_id: this.int(draft.companyId, "Customer"),
      subject: titleWithReference(draft.title, draft.reference, SYNCRO_SUBJECT_MAX),
      problem_type: nonEmpty(f.problemType),
      status: nonEmpty(f.status),
      priority: nonEmpty(draft.priorityId),
      contact_id: this.optInt(nonEmpty(draft.contactId), "Contact"),
      // The alert text as the first, technician-only comment; do_not_email keeps it from the customer's inbox.
      comments_attributes: [
        { subject: "Alert details", body: draft.body || draft.title, hidden: true, do_not_email: true },
      ],
    };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    return body;
  }

  async createTicket(draft: TicketDraft): Promise<TicketRef> {
    const res = await this.call({ method: "POST", url: `${this.api}/tickets`, json: this.buildTicketBody(draft) });
    const { ticket } = this.transport.json<{ ticket?: { id?: number; number?: number | string } }>(res);
    if (!ticket || typeof ticket.id !== "number") {
      throw this.transport.error("server", "Syncro created a ticket but returned no id", { status: res.status, retryable: false });
    }
    return { id: String(ticket.id), ...(ticket.number !== undefined ? { number: String(ticket.number) } : {}) };
  }

  async addNote(ticketId: string, text: string): Promise<void> {
    await this.call({
      method: "POST",
      url: `${this.api}/tickets/${this.int(ticketId, "Ticket")}/comment`,
      json: { subject: "Update", body: text.trim() || "(empty note)", hidden: true, do_not_email: true },
    });
  }

  // -------------------------------------------------------------------------------------------------------

  private async getJson<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    const qs = new URLSearchParams(query).toString();
    return this.transport.json<T>(await this.call({ url: `${this.api}${path}${qs ? `?${qs}` : ""}` }));
  }

  private async call(spec: RequestSpec): Promise<OutboundResponse> {
    // Content-Type on every request, GETs included: without it Syncro answers 400 with an HTML page.
    return this.transport.call({
      ...spec,
      headers: { ...this.headers, "Content-Type": "application/json", ...spec.headers },
    });
  }
}
