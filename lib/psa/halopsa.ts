/**
 * HaloPSA adapter — PSA-APIS.md §4.
 * Auth: OAuth2 client_credentials at `{auth}/token?tenant=` (tenant omitted on-premises), token cached until
 * shortly before `expires_in`. Tickets are created with an ARRAY body on POST /api/Tickets. Priorities belong
 * to the ticket type's SLA. Dedupe: a "[sb:…]" token in the summary, found with the Tickets search.
 */
import type { OutboundResponse } from "@/lib/http/outbound";
import { BasePsaClient, byName, nonEmpty, type LookupSpec } from "./base-client";
import type { HaloCredentials } from "./catalog";
import { genericVendorMessage, PsaTransport, type RequestSpec } from "./http";
import { referenceToken, titleHasReference, titleWithReference } from "./reference";
import type { CompanyPage, PsaClientOptions, PsaRef, TicketDraft, TicketRef } from "./types";
import { haloAuthBase, haloResourceBase } from "./url";

export const HALO_SUMMARY_MAX = 255;
const PAGE_SIZE_MAX = 100;
const TOKEN_SAFETY_MS = 60_000;
/** Stock "Private Note" outcome; Halo rejects an action without one (PSA-APIS §4.2). */
export const HALO_DEFAULT_NOTE_OUTCOME = "7";

interface HaloNamed {
  id: number;
  name?: string;
}

/**
 * Halo 400s are plain text, a JSON string, or a ModelState object keyed by array index
 * ({"[0].tickettype_id":"…"}); token errors are OAuth JSON ({error, error_description}).
 */
export function haloVendorMessage(res: OutboundResponse): string {
  const text = res.text.trim();
  if (!text) return "";
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return genericVendorMessage(res);
  }
  if (typeof body === "string") return body;
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const obj = body as Record<string, unknown>;
    if (typeof obj.error_description === "string") return obj.error_description;
    if (typeof obj.error === "string") return obj.error;
    if (typeof obj.message === "string") return obj.message;
    const entries = Object.entries(obj).filter(([, v]) => typeof v === "string" || Array.isArray(v));
    if (entries.length) return entries.map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(", ") : v}`).join("; ");
  }
  return genericVendorMessage(res);
}

export class HaloPsaClient extends BasePsaClient {
  readonly vendor = "halopsa" as const;
  protected readonly transport: PsaTransport;
  protected readonly maxPageSize = PAGE_SIZE_MAX;
  protected readonly lookups: Record<string, LookupSpec>;
  private readonly credentials: HaloCredentials;
  private readonly api: string;
  private readonly tokenUrl: string;
  private readonly now: () => number;
  private token?: { value: string; renewAt: number };
  private pendingToken?: Promise<string>;

  constructor(credentials: HaloCredentials, options: PsaClientOptions = {}) {
    super();
    this.credentials = credentials;
    this.api = `${haloResourceBase(credentials.resourceUrl)}/api`;
    const tenant = credentials.tenant ? `?tenant=${encodeURIComponent(credentials.tenant)}` : "";
    this.tokenUrl = `${haloAuthBase(credentials.resourceUrl, credentials.authUrl)}/token${tenant}`;
    this.now = options.now ?? Date.now;
    this.transport = new PsaTransport("halopsa", options, [credentials.clientSecret], haloVendorMessage);

    this.lookups = {
      ticketTypes: { params: [], run: async () => byName(this.named(await this.getJson<HaloNamed[]>("/TicketType"))) },
      // Halo's ticket takes the team by name (`team`), so the name is the value.
      teams: {
        params: [],
        run: async () =>
          byName(this.named(await this.getJson<HaloNamed[]>("/Team")).map((t) => ({ id: t.name, name: t.name }))),
      },
      statuses: { params: [], run: async () => this.named(await this.getJson<HaloNamed[]>("/Status")) },
      priorities: {
        params: [],
        run: (p) => this.priorities(nonEmpty(p.ticketType)),
      },
      contracts: {
        params: ["companyId"],
        run: async (p) => {
          const body = await this.getJson<{ contracts?: { id: number; ref?: string; name?: string }[] }>("/ClientContract", {
            client_id: String(this.int(p.companyId, "Client")),
          });
          return byName((body.contracts ?? []).map((c) => ({ id: String(c.id), name: c.ref ?? c.name ?? `#${c.id}` })));
        },
      },
      sites: {
        params: ["companyId"],
        run: async (p) => {
          const body = await this.getJson<{ sites?: { id: number; name?: string; clientsite_name?: string }[] }>("/Site", {
            client_id: String(this.int(p.companyId, "Client")),
          });
          return byName((body.sites ?? []).map((s) => ({ id: String(s.id), name: s.name ?? s.clientsite_name ?? `#${s.id}` })));
        },
      },
      contacts: {
        params: ["companyId"],
        run: async (p) => {
          const body = await this.getJson<{ users?: HaloNamed[] }>("/Users", { client_id: String(this.int(p.companyId, "Client")) });
          return byName(this.named(body.users ?? []));
        },
      },
      outcomes: {
        params: [],
        run: async () => {
          const rows = await this.getJson<{ id: number; outcome?: string; name?: string }[]>("/Outcome");
          return rows.map((o) => ({ id: String(o.id), name: o.outcome ?? o.name ?? `#${o.id}` }));
        },
      },
    };
  }

  async testConnection(): Promise<{ detail: string }> {
    // The token proves the application; listing ticket types proves the API agent's permissions.
    const types = await this.getJson<unknown[]>("/TicketType");
    return { detail: `Connected to HaloPSA; ${Array.isArray(types) ? types.length : 0} ticket types visible to the API agent.` };
  }

  protected async listCompaniesPage(search: string | undefined, cursor: string | undefined, pageSize: number): Promise<CompanyPage> {
    const page = cursor ? this.int(cursor, "Page") : 1;
    const size = Math.min(pageSize, PAGE_SIZE_MAX);
    // Halo really spells the switch "pageinate".
    const query: Record<string, string> = {
      pageinate: "true",
      page_size: String(size),
      page_no: String(page),
      includeinactive: "false",
    };
    if (search) query.search = search;
    const body = await this.getJson<{ record_count?: number; clients?: HaloNamed[] }>("/Client", query);
    const clients = body.clients ?? [];
    const total = typeof body.record_count === "number" ? body.record_count : undefined;
    const more = total !== undefined ? page * size < total : clients.length === size;
    return {
      items: clients.map((c) => ({ id: String(c.id), name: c.name ?? `#${c.id}` })),
      nextCursor: more && clients.length > 0 ? String(page + 1) : undefined,
    };
  }

  async findTicketByReference(reference: string, companyId?: string): Promise<TicketRef | null> {
    this.checkReference(reference);
    const query: Record<string, string> = {
      search: referenceToken(reference),
      search_summary: "true",
      pageinate: "true",
      page_size: "10",
      page_no: "1",
    };
    if (companyId) query.client_id = String(this.int(companyId, "Client"));
    const body = await this.getJson<{ tickets?: { id: number; summary?: string }[] }>("/Tickets", query);
    const hit = (body.tickets ?? []).find((t) => titleHasReference(t.summary, reference));
    return hit ? { id: String(hit.id), number: String(hit.id) } : null;
  }

  /** The POST body for /api/Tickets — an array of Faults (exported for schema tests). */
  buildTicketBody(draft: TicketDraft): Record<string, unknown>[] {
    this.checkReference(draft.reference);
    const f = draft.fields;
    const opt = (value: string | undefined, label: string) => this.optInt(nonEmpty(value), label);
    const ticket: Record<string, unknown> = {
      summary: titleWithReference(draft.title, draft.reference, HALO_SUMMARY_MAX),
      details: draft.body || draft.title,
      client_id: this.int(draft.companyId, "Client"),
      site_id: opt(draft.siteId, "Site"),
      user_id: opt(draft.contactId, "User"),
      tickettype_id: opt(f.ticketType, "Ticket type"),
      team: nonEmpty(f.team),
      status_id: opt(f.status, "Status"),
      priority_id: opt(draft.priorityId, "Priority"),
      contract_id: opt(f.contract, "Contract"),
    };
    for (const key of Object.keys(ticket)) if (ticket[key] === undefined) delete ticket[key];
    return [ticket];
  }

  async createTicket(draft: TicketDraft): Promise<TicketRef> {
    const res = await this.call({ method: "POST", url: `${this.api}/Tickets`, json: this.buildTicketBody(draft) });
    // The saved ticket comes back as an object, sometimes as a one-element array.
    const body = this.transport.json<{ id?: number } | { id?: number }[]>(res);
    const saved = Array.isArray(body) ? body[0] : body;
    if (!saved || typeof saved.id !== "number") {
      throw this.transport.error("server", "HaloPSA saved a ticket but returned no id", { status: res.status, retryable: false });
    }
    return { id: String(saved.id), number: String(saved.id) };
  }

  async addNote(ticketId: string, text: string, fields: Record<string, string | undefined> = {}): Promise<void> {
    await this.call({
      method: "POST",
      url: `${this.api}/Actions`,
      json: [
        {
          ticket_id: this.int(ticketId, "Ticket"),
          outcome_id: this.int(nonEmpty(fields.noteOutcome) ?? HALO_DEFAULT_NOTE_OUTCOME, "Note outcome"),
          hiddenfromuser: true,
          note: text,
        },
      ],
    });
  }

  // -------------------------------------------------------------------------------------------------------

  /** With a ticket type, only the priorities of its SLA are valid ("the same priority_id means a different
   * thing under a different SLA"); without an SLA there is nothing to choose. */
  private async priorities(ticketType: string | undefined): Promise<PsaRef[]> {
    let slaId: number | undefined;
    if (ticketType) {
      const type = await this.getJson<{ sla_id?: number; default_sla?: number; slaid?: number }>(
        `/TicketType/${this.int(ticketType, "Ticket type")}`,
      );
      slaId = type.sla_id ?? type.default_sla ?? type.slaid;
      if (!slaId) return [];
    }
    const rows = await this.getJson<{ id: number; priorityid?: number; name?: string }[]>(
      "/Priority",
      slaId ? { slaid: String(slaId) } : {},
    );
    // Rows carry both a row id and the priority level (priorityid); tickets take the level.
    const seen = new Set<string>();
    const out: PsaRef[] = [];
    for (const r of rows) {
      const id = String(r.priorityid ?? r.id);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ id, name: r.name ?? `Priority ${id}` });
    }
    return out;
  }

  private named(rows: HaloNamed[]): PsaRef[] {
    return (Array.isArray(rows) ? rows : []).map((r) => ({ id: String(r.id), name: r.name ?? `#${r.id}` }));
  }

  private async getJson<T>(path: string, query: Record<string, string> = {}): Promise<T> {
    const qs = new URLSearchParams(query).toString();
    return this.transport.json<T>(await this.call({ url: `${this.api}${path}${qs ? `?${qs}` : ""}` }));
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return this.token.value;
    this.pendingToken ??= this.fetchToken().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async fetchToken(): Promise<string> {
    const res = await this.transport.send({
      method: "POST",
      url: this.tokenUrl,
      form: {
        grant_type: "client_credentials",
        client_id: this.credentials.clientId,
        client_secret: this.credentials.clientSecret,
        scope: "all",
      },
    });
    if (res.status === 429 || res.status >= 500) throw this.transport.fromResponse(res);
    if (!res.ok) {
      // OAuth answers 400 invalid_client / unauthorized_client for bad credentials: still a credentials problem.
      throw this.transport.fromResponse(res, { kind: "auth" });
    }
    const body = this.transport.json<{ access_token?: string; expires_in?: number }>(res);
    if (!body.access_token) throw this.transport.error("auth", "HaloPSA issued no access token; check the client ID, secret and tenant");
    this.transport.addSecret(body.access_token);
    const lifetimeMs = (typeof body.expires_in === "number" ? body.expires_in : 600) * 1000;
    this.token = { value: body.access_token, renewAt: this.now() + lifetimeMs - TOKEN_SAFETY_MS };
    return body.access_token;
  }

  private async call(spec: RequestSpec): Promise<OutboundResponse> {
    let used = await this.accessToken();
    let res = await this.transport.send({ ...spec, headers: { ...spec.headers, Authorization: `Bearer ${used}` } });
    if (res.status === 401) {
      // Refused token (expired early, revoked): not processed, so one retry with a fresh token is safe.
      // Drop the token only if no concurrent call has already replaced it.
      if (this.token?.value === used) this.token = undefined;
      used = await this.accessToken();
      res = await this.transport.send({ ...spec, headers: { ...spec.headers, Authorization: `Bearer ${used}` } });
    }
    if (!res.ok) throw this.transport.fromResponse(res);
    return res;
  }
}
