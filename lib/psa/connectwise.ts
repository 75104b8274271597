/**
 * ConnectWise PSA (Manage) REST 3.0 adapter — PSA-APIS.md §1.
 * Auth: Basic base64("{company}+{public}:{private}") plus the integration's `clientId` header on every call.
 * Dedupe: the reference goes to `externalXRef` (queryable with `conditions`).
 */
import type { OutboundResponse } from "@/lib/http/outbound";
import { BasePsaClient, byName, nonEmpty, type LookupSpec } from "./base-client";
import type { ConnectWiseCredentials } from "./catalog";
import { messagesFrom, PsaTransport } from "./http";
import { singleLine, truncate } from "./reference";
import type { CompanyPage, PsaClientOptions, PsaRef, TicketDraft, TicketRef } from "./types";
import { connectwiseApiBase } from "./url";

/** ConnectWise's `summary` limit (Ticket schema: "Max length: 100"). */
export const CONNECTWISE_SUMMARY_MAX = 100;
const MAX_PAGE_SIZE = 1000;

interface CwNamed {
  id: number;
  name?: string;
  defaultFlag?: boolean;
}

/** `{code, message, errors:[{code, message, resource, field}]}` → "message: error; error". */
export function connectwiseVendorMessage(res: OutboundResponse): string {
  let body: unknown;
  try {
    body = res.json();
  } catch {
    return res.text.trim().slice(0, 2000);
  }
  if (!body || typeof body !== "object") return messagesFrom(body).join("; ");
  const { code, message, errors } = body as { code?: string; message?: string; errors?: { message?: string }[] };
  const details = Array.isArray(errors) ? errors.map((e) => e?.message).filter(Boolean) : [];
  const head = message || code || "";
  return details.length ? `${head}${head ? ": " : ""}${details.join("; ")}` : head;
}

/** Strips what would break out of a quoted value in a `conditions` string. */
function conditionText(value: string): string {
  return value.replace(/["\\]/g, "").trim();
}

export class ConnectWiseClient extends BasePsaClient {
  readonly vendor = "connectwise" as const;
  protected readonly transport: PsaTransport;
  protected readonly maxPageSize = MAX_PAGE_SIZE;
  protected readonly lookups: Record<string, LookupSpec>;
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(credentials: ConnectWiseCredentials, options: PsaClientOptions = {}) {
    super();
    this.base = connectwiseApiBase(credentials.site);
    const basic = Buffer.from(`${credentials.companyId}+${credentials.publicKey}:${credentials.privateKey}`).toString("base64");
    this.headers = { Authorization: `Basic ${basic}`, clientId: credentials.clientId };
    this.transport = new PsaTransport("connectwise", options, [credentials.privateKey, basic], connectwiseVendorMessage);

    const board = (path: string): LookupSpec => ({
      params: ["board"],
      run: async (p) => this.named(`/service/boards/${this.int(p.board, "Board")}/${path}`, {}),
    });
    this.lookups = {
      boards: { params: [], run: () => this.named("/service/boards", { conditions: "inactiveFlag=false" }) },
      statuses: {
        params: ["board"],
        // Board order (sortOrder) is how technicians know them; inactive statuses cannot be set.
        run: (p) =>
          this.named(`/service/boards/${this.int(p.board, "Board")}/statuses`, { conditions: "inactive=false" }, "sortOrder", false),
      },
      types: board("types"),
      subtypes: board("subtypes"),
      items: board("items"),
      teams: board("teams"),
      priorities: { params: [], run: () => this.named("/service/priorities", {}, "sortOrder", false) },
      sources: { params: [], run: () => this.named("/service/sources", {}) },
      agreements: {
        params: ["companyId"],
        run: (p) =>
          this.named("/finance/agreements", {
            conditions: `company/id=${this.int(p.companyId, "Company")} and cancelledFlag=false`,
          }),
      },
      contacts: {
        params: ["companyId"],
        run: async (p) => {
          const rows = await this.getAll<{ id: number; firstName?: string; lastName?: string }>("/company/contacts", {
            conditions: `company/id=${this.int(p.companyId, "Company")} and inactiveFlag=false`,
            fields: "id,firstName,lastName",
            orderBy: "lastName",
          });
          return rows.map((r) => ({ id: String(r.id), name: [r.firstName, r.lastName].filter(Boolean).join(" ") || `#${r.id}` }));
        },
      },
      sites: {
        params: ["companyId"],
        run: (p) => this.named(`/company/companies/${this.int(p.companyId, "Company")}/sites`, {}),
      },
    };
  }

  async testConnection(): Promise<{ detail: string }> {
    const info = this.transport.json<{ version?: string; isCloud?: boolean; cloudRegion?: string }>(
      await this.get("/system/info", {}),
    );
    // /system/info answers for any valid key; reading a board proves the API member's role has Table Setup.
    await this.get("/service/boards", { pageSize: "1", fields: "id" });
    const version = info.version ? ` ${info.version}` : "";
    const where = info.isCloud ? ` (cloud${info.cloudRegion ? `, ${info.cloudRegion}` : ""})` : "";
    return { detail: `Connected to ConnectWise PSA${version}${where}; service boards are readable.` };
  }

  protected async listCompaniesPage(search: string | undefined, cursor: string | undefined, pageSize: number): Promise<CompanyPage> {
    const page = cursor ? this.int(cursor, "Page") : 1;
    const conditions = ["deletedFlag=false"];
    const text = search ? conditionText(search) : "";
    if (text) conditions.push(`name like "%${text}%"`);
    const res = await this.get("/company/companies", {
      conditions: conditions.join(" and "),
      fields: "id,identifier,name",
      orderBy: "name",
      page: String(page),
      pageSize: String(pageSize),
    });
    const rows = this.transport.json<{ id: number; name?: string; identifier?: string }[]>(res);
    const items = rows.map((r) => ({ id: String(r.id), name: r.name ?? r.identifier ?? `#${r.id}` }));
    // Navigable paging announces the next page in Link; without the header, a full page means "maybe more".
    const link = res.headers.get("link");
    const more = link !== null ? /rel="?next"?/i.test(link) : rows.length === pageSize;
    return { items, nextCursor: more && rows.length > 0 ? String(page + 1) : undefined };
  }

  async findTicketByReference(reference: string, companyId?: string): Promise<TicketRef | null> {
    this.checkReference(reference);
    const conditions = [`externalXRef="${reference}"`];
    if (companyId) conditions.push(`company/id=${this.int(companyId, "Company")}`);
    const rows = this.transport.json<{ id: number; externalXRef?: string }[]>(
      await this.get("/service/tickets", {
        conditions: conditions.join(" and "),
        fields: "id,externalXRef",
        orderBy: "id",
        pageSize: "5",
      }),
    );
    const hit = rows.find((r) => r.externalXRef === undefined || r.externalXRef === reference);
    return hit ? { id: String(hit.id), number: String(hit.id) } : null;
  }

  /** The POST body for /service/tickets (exported for schema tests). */
  buildTicketBody(draft: TicketDraft): Record<string, unknown> {
    this.checkReference(draft.reference);
    const f = draft.fields;
    const ref = (value: string | undefined, label: string) => {
      const id = this.optInt(nonEmpty(value), label);
      return id === undefined ? undefined : { id };
    };
    const body: Record<string, unknown> = {
      summary: truncate(singleLine(draft.title), CONNECTWISE_SUMMARY_MAX) || "(no title)",
      recordType: "ServiceTicket",
      company: { id: this.int(draft.companyId, "Company") },
      board: ref(f.board, "Board"),
      status: ref(f.status, "Status"),
      type: ref(f.type, "Type"),
      subType: ref(f.subType, "Subtype"),
      item: ref(f.item, "Item"),
      team: ref(f.team, "Team"),
      priority: ref(draft.priorityId, "Priority"),
      source: ref(f.source, "Source"),
      agreement: ref(f.agreement, "Agreement"),
      contact: ref(draft.contactId, "Contact"),
      site: ref(draft.siteId, "Site"),
      externalXRef: draft.reference,
      initialDescription: draft.body || draft.title,
    };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    return body;
  }

  async createTicket(draft: TicketDraft): Promise<TicketRef> {
    const res = await this.transport.call({ method: "POST", url: `${this.base}/service/tickets`, headers: this.headers, json: this.buildTicketBody(draft) });
    const created = this.transport.json<{ id?: number }>(res);
    if (typeof created.id !== "number") {
      throw this.transport.error("server", "ConnectWise PSA created a ticket but returned no id", { status: res.status, retryable: false });
    }
    return { id: String(created.id), number: String(created.id) };
  }

  async addNote(ticketId: string, text: string): Promise<void> {
    await this.transport.call({
      method: "POST",
      url: `${this.base}/service/tickets/${this.int(ticketId, "Ticket")}/notes`,
      headers: this.headers,
      json: { text, internalAnalysisFlag: true, detailDescriptionFlag: false, resolutionFlag: false },
    });
  }

  // -------------------------------------------------------------------------------------------------------

  private get(path: string, query: Record<string, string>): Promise<OutboundResponse> {
    const qs = new URLSearchParams(query).toString();
    return this.transport.call({ url: `${this.base}${path}${qs ? `?${qs}` : ""}`, headers: this.headers });
  }

  /** Every page of a list (bounded): table-setup lists are short, but nothing says they stay under 1000. */
  private async getAll<T>(path: string, query: Record<string, string>, maxPages = 5): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; page <= maxPages; page++) {
      const rows = this.transport.json<T[]>(await this.get(path, { ...query, page: String(page), pageSize: String(MAX_PAGE_SIZE) }));
      out.push(...rows);
      if (rows.length < MAX_PAGE_SIZE) break;
    }
    return out;
  }

  private async named(path: string, query: Record<string, string>, orderBy = "name", sortByName = true): Promise<PsaRef[]> {
    const rows = await this.getAll<CwNamed>(path, { ...query, orderBy });
    const items = rows.map((r) => ({
      id: String(r.id),
      name: r.name ?? `#${r.id}`,
      ...(r.defaultFlag ? { isDefault: true } : {}),
    }));
    return sortByName ? byName(items) : items;
  }
}
