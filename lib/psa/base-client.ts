/**
 * What the five adapters share: bounded "list everything", the lookup dispatcher with its parameter checks,
 * and the small input conversions (PSA ids are numbers on the wire, strings in Switchboard).
 */
import { PsaError } from "./errors";
import type { PsaTransport } from "./http";
import { isValidReference } from "./reference";
import type { CompanyPage, PsaClient, PsaRef, PsaVendor, TicketDraft, TicketRef } from "./types";

export interface LookupSpec {
  /** Parameter names the lookup needs (the descriptor's dependsOn). */
  params: readonly string[];
  run(params: Record<string, string>): Promise<PsaRef[]>;
}

/** Page size for the wizard's company picker; listAllCompanies uses the vendor's maximum. */
export const UI_PAGE_SIZE = 100;
const DEFAULT_MAX_ITEMS = 10_000;

export abstract class BasePsaClient implements PsaClient {
  abstract readonly vendor: PsaVendor;
  protected abstract readonly transport: PsaTransport;
  /** Largest page the vendor serves, for listAllCompanies. */
  protected abstract readonly maxPageSize: number;
  protected abstract readonly lookups: Record<string, LookupSpec>;

  abstract testConnection(): Promise<{ detail: string }>;
  abstract findTicketByReference(reference: string, companyId?: string): Promise<TicketRef | null>;
  abstract createTicket(draft: TicketDraft): Promise<TicketRef>;
  abstract addNote(ticketId: string, text: string, fields?: Record<string, string | undefined>): Promise<void>;
  protected abstract listCompaniesPage(
    search: string | undefined,
    cursor: string | undefined,
    pageSize: number,
  ): Promise<CompanyPage>;

  listCompanies(query: { search?: string; cursor?: string } = {}): Promise<CompanyPage> {
    return this.listCompaniesPage(query.search?.trim() || undefined, query.cursor || undefined, UI_PAGE_SIZE);
  }

  async listAllCompanies(options: { search?: string; maxItems?: number } = {}): Promise<PsaRef[]> {
    const maxItems = options.maxItems ?? DEFAULT_MAX_ITEMS;
    const search = options.search?.trim() || undefined;
    const seen = new Map<string, PsaRef>();
    const cursors = new Set<string>();
    let cursor: string | undefined;
    // Bounded twice: by items and by a cursor that repeats (a vendor bug must not loop us forever).
    for (let page = 0; page < 1000; page++) {
      const result = await this.listCompaniesPage(search, cursor, this.maxPageSize);
      for (const item of result.items) {
        if (!seen.has(item.id)) seen.set(item.id, item);
        if (seen.size >= maxItems) return [...seen.values()];
      }
      if (!result.nextCursor || cursors.has(result.nextCursor) || result.items.length === 0) break;
      cursors.add(result.nextCursor);
      cursor = result.nextCursor;
    }
    return [...seen.values()];
  }

  async lookup(kind: string, params: Record<string, string> = {}): Promise<PsaRef[]> {
    // "companies" is the mapping descriptor's company list: the first page, optionally searched.
    if (kind === "companies") return (await this.listCompanies({ search: params.search })).items;
    const spec = Object.prototype.hasOwnProperty.call(this.lookups, kind) ? this.lookups[kind] : undefined;
    if (!spec) {
      throw this.invalid(`${this.transport.displayName} has no list called "${kind}"`);
    }
    for (const name of spec.params) {
      if (!params[name]) throw this.invalid(`the ${kind} list of ${this.transport.displayName} needs "${name}" chosen first`);
    }
    return spec.run(params);
  }

  protected invalid(message: string): PsaError {
    return this.transport.error("validation", message);
  }

  /** A positive integer id, or a validation error naming the field (never the vendor call). */
  protected int(value: string | undefined, label: string): number {
    const n = Number(value);
    if (!value || !Number.isSafeInteger(n) || n < 0) {
      throw this.invalid(`${label} must be a numeric ${this.transport.displayName} id (got "${value ?? ""}")`);
    }
    return n;
  }

  /** Like int(), for optional fields: empty means "leave it to the PSA's default". */
  protected optInt(value: string | undefined, label: string): number | undefined {
    return value === undefined || value === "" ? undefined : this.int(value, label);
  }

  protected checkReference(reference: string): void {
    if (!isValidReference(reference)) {
      throw this.invalid(`ticket reference "${reference}" may only use letters, digits and ":_.-"`);
    }
  }
}

/** Drops empty strings so "not chosen" never reaches the vendor as "". */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** Sorts by name for pickers (vendors return id order). */
export function byName(items: PsaRef[]): PsaRef[] {
  return items.sort((a, b) => a.name.localeCompare(b.name));
}
