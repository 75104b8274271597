/**
 * Kaseya BMS API v2 adapter — PSA-APIS.md §3.
 * Auth: POST /v2/security/authenticate (form) → JWT, cached until shortly before accessTokenExpireOn.
 * Every answer is a `{success, error, result}` envelope and failures may come with HTTP 200, so `success` is
 * checked, not the status. The spec spells fields PascalCase, the wire answers camelCase: reads are
 * case-insensitive. Dedupe: no reference field on input, so a "[sb:…]" token goes in the Title and is
 * searched with Filter.Title.
 */
import type { OutboundResponse } from "@/lib/http/outbound";
import { BasePsaClient, byName, nonEmpty, type LookupSpec } from "./base-client";
import type { KaseyaBmsCredentials } from "./catalog";
import type { PsaErrorKind } from "./errors";
import { genericVendorMessage, pick, PsaTransport, type RequestSpec } from "./http";
import { titleHasReference, titleWithReference, referenceToken } from "./reference";
import type { CompanyPage, PsaClientOptions, PsaRef, TicketDraft, TicketRef } from "./types";
import { kaseyaServerBase } from "./url";

export const BMS_TITLE_MAX = 255;
const PAGE_SIZE_MAX = 100;
/** Renew this long before the JWT expires, so a request never leaves with a token about to die. */
const TOKEN_SAFETY_MS = 60_000;
/**
 * Ticket Type and Source come from /v2/system/lookup/{tableName}; the table names are not in the spec
 * (PSA-APIS §3.3, UNVERIFIED) — these follow the names a BMS CLI exposes.
 */
export const BMS_LOOKUP_TABLES = { types: "TicketType", sources: "TicketSource" } as const;

interface Envelope {
  success?: boolean;
  error?: { code?: number; message?: string; details?: string; subErrors?: string[] } | null;
  result?: unknown;
  totalRecords?: number;
}

/** Reads the envelope whatever the casing. */
function envelope(body: unknown): Envelope {
  const error = pick<Record<string, unknown> | null>(body, "error");
  return {
    success: pick<boolean>(body, "success"),
    error: error
      ? {
          code: pick<number>(error, "code"),
          message: pick<string>(error, "message"),
          details: pick<string>(error, "details"),
          subErrors: pick<string[]>(error, "subErrors"),
        }
      : null,
    result: pick(body, "result"),
    totalRecords: pick<number>(body, "totalRecords"),
  };
}

function envelopeMessage(env: Envelope): string {
  const e = env.error;
  if (!e) return "";
  const parts = [e.message, e.details, ...(Array.isArray(e.subErrors) ? e.subErrors : [])].filter(
    (p): p is string => typeof p === "string" && p.trim() !== "",
  );
  return joinSentences([...new Set(parts)]);
}

/** "Validation failed." + "X is required." → "Validation failed. X is required." (no ".;" pile-ups). */
function joinSentences(parts: string[]): string {
  return parts.reduce((acc, part) => (acc === "" ? part : `${acc}${/[.!?:]$/.test(acc) ? " " : "; "}${part}`), "");
}

function bmsVendorMessage(res: OutboundResponse): string {
  try {
    const text = envelopeMessage(envelope(res.json()));
    if (text) return text;
  } catch {
    // not JSON
  }
  return genericVendorMessage(res);
}

/** BMS error codes inside a success:false envelope, mapped like HTTP statuses where they look like one. */
function kindForEnvelopeCode(code: number | undefined): PsaErrorKind {
  if (code === 401 || code === 403) return "auth";
  if (code === 404) return "not_found";
  if (code === 429) return "rate_limited";
  if (typeof code === "number" && code >= 500 && code < 600) return "server";
  return "validation";
}

export class KaseyaBmsClient extends BasePsaClient {
  readonly vendor = "kaseya_bms" as const;
  protected readonly transport: PsaTransport;
  protected readonly maxPageSize = PAGE_SIZE_MAX;
  protected readonly lookups: Record<string, LookupSpec>;
  private readonly credentials: KaseyaBmsCredentials;
  private readonly base: string;
  private readonly now: () => number;
  private token?: { value: string; renewAt: number };
  private pendingToken?: Promise<string>;
  private readonly mainLocations = new Map<number, Promise<number>>();

  constructor(credentials: KaseyaBmsCredentials, options: PsaClientOptions = {}) {
    super();
    this.credentials = credentials;
    this.base = kaseyaServerBase(credentials.serverUrl);
    this.now = options.now ?? Date.now;
    this.transport = new PsaTransport("kaseya_bms", options, [credentials.password], bmsVendorMessage);

    const list = (path: string, activeOnly = true): LookupSpec => ({
      params: [],
      run: async () => this.refs(await this.result<unknown[]>({ url: `${this.base}${path}` }), activeOnly),
    });
    this.lookups = {
      queues: list("/v2/system/queues/lookup"),
      statuses: list("/v2/system/statuses/lookup"),
      priorities: list("/v2/system/priorities/lookup"),
      issueTypes: list("/v2/system/issuetypes/lookup"),
      subIssueTypes: {
        params: ["issueType"],
        run: async (p) =>
          this.refs(
            await this.result<unknown[]>({
              url: `${this.base}/v2/system/issuetypes/${this.int(p.issueType, "Issue type")}/issuesubtypes/lookup`,
            }),
          ),
      },
      types: list(`/v2/system/lookup/${BMS_LOOKUP_TABLES.types}`),
      sources: list(`/v2/system/lookup/${BMS_LOOKUP_TABLES.sources}`),
      contracts: {
        params: ["companyId"],
        run: async (p) =>
          this.refs(
            await this.result<unknown[]>({
              url: `${this.base}/v2/finance/contracts/lookup?${new URLSearchParams({
                AccountId: String(this.int(p.companyId, "Account")),
                ExcludeExpiredContracts: "true",
              })}`,
            }),
          ),
      },
      sites: {
        params: ["companyId"],
        run: async (p) =>
          this.refs(
            await this.result<unknown[]>({
              url: `${this.base}/v2/crm/accounts/${this.int(p.companyId, "Account")}/locations/lookup`,
            }),
            true,
            "IsMain",
          ),
      },
      contacts: {
        params: ["companyId"],
        run: async (p) => {
          const account = this.int(p.companyId, "Account");
          const out: PsaRef[] = [];
          for (let page = 0; page < 20; page++) {
            const rows = await this.result<unknown[]>({
              url: `${this.base}/v2/crm/accounts/${account}/contacts/lookup?PageSize=${PAGE_SIZE_MAX}&PageNumber=${page}`,
            });
            out.push(...this.refs(rows, false));
            if (!Array.isArray(rows) || rows.length < PAGE_SIZE_MAX) break;
          }
          return byName(out);
        },
      },
    };
  }

  async testConnection(): Promise<{ detail: string }> {
    const info = await this.result<unknown>({ url: `${this.base}/v2/security/userinfo` });
    const who = pick<string>(info, "FullName") ?? this.credentials.username;
    return { detail: `Connected to Kaseya BMS tenant "${this.credentials.tenant}" as ${who}.` };
  }

  /**
   * PageNumber starts at 0 here, as in the public Power Query samples (PSA-APIS §3.3 marks the base as
   * UNVERIFIED); listAllCompanies also de-duplicates by id, so a 1-based server would only repeat a page.
   */
  protected async listCompaniesPage(search: string | undefined, cursor: string | undefined, pageSize: number): Promise<CompanyPage> {
    const page = cursor ? this.int(cursor, "Page") : 0;
    const size = Math.min(pageSize, PAGE_SIZE_MAX);
    const query = new URLSearchParams({
      "Filter.WithInactiveAccounts": "false",
      PageSize: String(size),
      PageNumber: String(page),
    });
    if (search) query.set("Filter.Name", search);
    const env = await this.envelopeOf({ url: `${this.base}/v2/crm/accounts/lookup?${query}` });
    const rows = Array.isArray(env.result) ? env.result : [];
    const items = rows.map((r) => ({ id: String(pick(r, "Id")), name: String(pick(r, "Name") ?? `#${pick(r, "Id")}`) }));
    const more =
      typeof env.totalRecords === "number" ? (page + 1) * size < env.totalRecords : rows.length === size && rows.length > 0;
    return { items, nextCursor: more ? String(page + 1) : undefined };
  }

  async findTicketByReference(reference: string, companyId?: string): Promise<TicketRef | null> {
    this.checkReference(reference);
    const query = new URLSearchParams({ "Filter.Title": referenceToken(reference), PageSize: "10", PageNumber: "0" });
    if (companyId) query.set("Filter.AccountIds", String(this.int(companyId, "Account")));
    const rows = await this.result<unknown[]>({ url: `${this.base}/v2/servicedesk/tickets?${query}` });
    const hit = (Array.isArray(rows) ? rows : []).find((r) => titleHasReference(pick<string>(r, "Title"), reference));
    if (!hit) return null;
    const number = pick<string>(hit, "TicketNumber");
    return { id: String(pick(hit, "Id")), ...(number ? { number } : {}) };
  }

  /** The POST body for /v2/servicedesk/tickets (TicketInputDto; exported for schema tests). */
  async buildTicketBody(draft: TicketDraft): Promise<Record<string, unknown>> {
    this.checkReference(draft.reference);
    const f = draft.fields;
    const opt = (value: string | undefined, label: string) => this.optInt(nonEmpty(value), label);
    const account = this.int(draft.companyId, "Account");
    const location = nonEmpty(draft.siteId) ? this.int(draft.siteId, "Location") : await this.mainLocation(account);
    const body: Record<string, unknown> = {
      Title: titleWithReference(draft.title, draft.reference, BMS_TITLE_MAX),
      Details: draft.body.trim() || draft.title.trim() || "(no details)",
      AccountId: account,
      LocationId: location,
      ContactId: opt(draft.contactId, "Contact"),
      QueueId: opt(f.queue, "Queue"),
      StatusId: opt(f.status, "Status"),
      PriorityId: opt(draft.priorityId, "Priority"),
      TypeId: opt(f.type, "Ticket type"),
      SourceId: opt(f.source, "Source"),
      IssueTypeId: opt(f.issueType, "Issue type"),
      SubIssueTypeId: opt(f.subIssueType, "Sub-issue type"),
      ContractId: opt(f.contract, "Contract"),
      OpenDate: new Date(this.now()).toISOString(),
    };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    return body;
  }

  async createTicket(draft: TicketDraft): Promise<TicketRef> {
    const body = await this.buildTicketBody(draft);
    const result = await this.result<unknown>({ method: "POST", url: `${this.base}/v2/servicedesk/tickets`, json: body });
    const id = pick<number | string>(result, "Id");
    if (id === undefined || id === null) {
      throw this.transport.error("server", "Kaseya BMS created a ticket but returned no id", { retryable: false });
    }
    const number = pick<string>(result, "TicketNumber");
    return { id: String(id), ...(number ? { number } : {}) };
  }

  async addNote(ticketId: string, text: string, fields: Record<string, string | undefined> = {}): Promise<void> {
    await this.result<unknown>({
      method: "POST",
      url: `${this.base}/v2/servicedesk/tickets/${this.int(ticketId, "Ticket")}/notes`,
      json: {
        Details: text.trim() || "(empty note)",
        IsInternal: true,
        TypeId: this.int(nonEmpty(fields.noteType) ?? "1", "Note type"),
        NoteDate: new Date(this.now()).toISOString(),
      },
    });
  }

  // -------------------------------------------------------------------------------------------------------

  /** The account's main location: BMS requires a LocationId and most mappings do not pick one. */
  private mainLocation(account: number): Promise<number> {
    let cached = this.mainLocations.get(account);
    if (!cached) {
      cached = (async () => {
        const rows = await this.result<unknown[]>({ url: `${this.base}/v2/crm/accounts/${account}/locations/lookup` });
        const list = Array.isArray(rows) ? rows : [];
        const main = list.find((r) => pick(r, "IsMain") === true) ?? list[0];
        if (!main) throw this.invalid(`Kaseya BMS account ${account} has no location; add one or choose a location in the mapping`);
        return Number(pick(main, "Id"));
      })();
      cached.catch(() => this.mainLocations.delete(account));
      this.mainLocations.set(account, cached);
    }
    return cached;
  }

  private refs(rows: unknown, activeOnly = true, defaultKey = "IsDefault"): PsaRef[] {
    if (!Array.isArray(rows)) return [];
    return rows
      .filter((r) => !activeOnly || pick(r, "IsActive") !== false)
      .map((r) => ({
        id: String(pick(r, "Id")),
        name: String(pick(r, "Name") ?? `#${pick(r, "Id")}`),
        ...(pick(r, defaultKey) === true ? { isDefault: true } : {}),
      }));
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.renewAt) return this.token.value;
    // One authentication at a time: concurrent deliveries share it instead of stampeding the endpoint.
    this.pendingToken ??= this.authenticate().finally(() => {
      this.pendingToken = undefined;
    });
    return this.pendingToken;
  }

  private async authenticate(): Promise<string> {
    const res = await this.transport.send({
      method: "POST",
      url: `${this.base}/v2/security/authenticate`,
      // The spec declares multipart/form-data; working clients send urlencoded with these camelCase names.
      form: {
        grantType: "password",
        userName: this.credentials.username,
        password: this.credentials.password,
        tenant: this.credentials.tenant,
      },
    });
    let env: Envelope | undefined;
    try {
      env = envelope(res.json());
    } catch {
      env = undefined;
    }
    if (res.status === 429 || res.status >= 500) throw this.transport.fromResponse(res);
    const token = pick<string>(env?.result, "AccessToken");
    if (!res.ok || !env || env.success === false || !token) {
      const said = env ? envelopeMessage(env) : bmsVendorMessage(res);
      throw this.transport.error(
        "auth",
        `Kaseya BMS rejected the credentials (HTTP ${res.status})${said ? `: ${said}` : ""}. Check the tenant, username and password.`,
        { status: res.status, vendorMessage: said },
      );
    }
    this.transport.addSecret(token);
    const expires = Date.parse(pick<string>(env.result, "AccessTokenExpireOn") ?? "");
    // Without a readable expiry, assume a short life rather than risk sending a dead token.
    const expiresAt = Number.isNaN(expires) ? this.now() + 10 * 60_000 : expires;
    this.token = { value: token, renewAt: expiresAt - TOKEN_SAFETY_MS };
    return token;
  }

  /** Authenticated request; one fresh token and one retry when the JWT is refused (expired early, revoked). */
  private async send(spec: RequestSpec): Promise<OutboundResponse> {
    let used = await this.accessToken();
    let res = await this.transport.send({ ...spec, headers: { ...spec.headers, Authorization: `Bearer ${used}` } });
    if (res.status === 401) {
      // A 401 means the request was not processed, so repeating it (even a POST) cannot duplicate anything.
      // Drop the token only if no concurrent call has already replaced it.
      if (this.token?.value === used) this.token = undefined;
      used = await this.accessToken();
      res = await this.transport.send({ ...spec, headers: { ...spec.headers, Authorization: `Bearer ${used}` } });
    }
    return res;
  }

  private async envelopeOf(spec: RequestSpec): Promise<Envelope> {
    const res = await this.send(spec);
    if (!res.ok) throw this.transport.fromResponse(res);
    const env = envelope(this.transport.json<unknown>(res));
    if (env.success === false) {
      const said = envelopeMessage(env);
      const kind = kindForEnvelopeCode(env.error?.code);
      throw this.transport.fromResponse(res, { kind, vendorMessage: said });
    }
    return env;
  }

  private async result<T>(spec: RequestSpec): Promise<T> {
    return (await this.envelopeOf(spec)).result as T;
  }
}
