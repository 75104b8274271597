/**
 * The one interface every PSA adapter implements (ARCHITECTURE: lib/psa/ — "one adapter per vendor behind one
 * interface"), and the descriptor shape the + Add PSA wizard renders generically. Nothing here knows about
 * alerts: the delivery channel turns an alert into a TicketDraft and calls the adapter.
 */
import type { z } from "zod";
import type { LookupFn } from "@/lib/http/outbound";

export type PsaVendor = "connectwise" | "autotask" | "kaseya_bms" | "halopsa" | "syncro";

export const PSA_VENDORS: readonly PsaVendor[] = ["connectwise", "autotask", "kaseya_bms", "halopsa", "syncro"];

/** One choice in a PSA list (company, board, status, ...). Ids are strings whatever the vendor uses. */
export interface PsaRef {
  id: string;
  name: string;
  /** The vendor marks it as the default (BMS main location, Autotask default picklist value, ...). */
  isDefault?: boolean;
}

export interface CompanyPage {
  items: PsaRef[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  nextCursor?: string;
}

export interface TicketDraft {
  /** PSA company / account / client / customer id. */
  companyId: string;
  contactId?: string;
  /** ConnectWise site, Autotask company location, BMS location, Halo site. */
  siteId?: string;
  title: string;
  /** Plain text. */
  body: string;
  /** "sb:<delivery uuid>": written where the vendor can search it, so a retry can find the ticket (R-REL-2). */
  reference: string;
  /** The PSA priority chosen by the integration's priority map. */
  priorityId?: string;
  /** The descriptor's ticket-field keys (board, status, queue, issueType, contract, ...). Empty values are ignored. */
  fields: Record<string, string | undefined>;
}

export interface TicketRef {
  id: string;
  /** The number people see, when the vendor has one distinct from the id (or returns it). */
  number?: string;
}

export interface PsaClient {
  readonly vendor: PsaVendor;
  /** The vendor's cheap authenticated call. Throws PsaError when it fails. */
  testConnection(): Promise<{ detail: string }>;
  /** One page of companies in the vendor's own paging; `search` goes to the vendor's name filter. */
  listCompanies(query?: { search?: string; cursor?: string }): Promise<CompanyPage>;
  /** Follows pages (bounded by `maxItems`, default 10 000) and returns every company. */
  listAllCompanies(options?: { search?: string; maxItems?: number }): Promise<PsaRef[]>;
  /** A list named by the descriptor (`ticketFields[].lookup`, `mappingFields[].lookup`, `priority.lookup`). */
  lookup(kind: string, params?: Record<string, string>): Promise<PsaRef[]>;
  /** The ticket carrying `reference` (open or not), or null. Call it before retrying a create (R-REL-2). */
  findTicketByReference(reference: string, companyId?: string): Promise<TicketRef | null>;
  createTicket(draft: TicketDraft): Promise<TicketRef>;
  /** Adds an internal note. `fields` are the descriptor's `noteFields` values (note type, outcome, ...). */
  addNote(ticketId: string, text: string, fields?: Record<string, string | undefined>): Promise<void>;
}

export interface PsaClientOptions {
  /** Private hosts/IPs the client may reach (R-SEC-3). Defaults to env.SWITCHBOARD_ALLOW_PRIVATE_TARGETS. */
  allowPrivate?: readonly string[];
  /** DNS resolver override (tests). */
  lookup?: LookupFn;
  /** Per-request timeout; default 15 s. */
  timeoutMs?: number;
  /** Clock, for token expiry (tests). */
  now?: () => number;
}

// ---------------------------------------------------------------------------------------------------------
// Descriptors (lib/psa/catalog.ts) — data the wizard renders; no code paths per vendor in the UI.

export interface CredentialFieldDescriptor {
  name: string;
  label: string;
  help: string;
  /** Write-only in the UI, encrypted at rest, never logged (R-SEC-2). */
  secret: boolean;
  required: boolean;
  input: "url" | "text" | "email" | "password";
  /** Pre-filled value (the vendor's public host, ...). */
  defaultValue?: string;
  placeholder?: string;
}

export interface PsaFieldDescriptor {
  /** Key in TicketDraft.fields (ticket/note fields) or the TicketDraft property (mapping fields). */
  key: string;
  label: string;
  help?: string;
  required: boolean;
  /** "select": choices from `lookup`; "number": a typed id the vendor has no list for. */
  input: "select" | "number";
  /** `PsaClient.lookup` kind that fills the choices (input "select"). */
  lookup?: string;
  /** Used when the admin leaves the field empty (documented vendor stock value). */
  defaultValue?: string;
  /**
   * Keys whose chosen values the lookup needs, passed as `lookup(kind, { [key]: value })`. "companyId" means
   * the mapped company, so such a field is chosen per mapped organization (or for the catch-all company).
   */
  dependsOn: string[];
}

export type ReferencePlacement =
  | { placement: "field"; field: string; note: string }
  | { placement: "title"; note: string };

export interface PsaDescriptor {
  vendor: PsaVendor;
  displayName: string;
  /** What the vendor calls a customer: company / account / client / customer. */
  companyNoun: { singular: string; plural: string };
  credentialFields: CredentialFieldDescriptor[];
  credentialsSchema: z.ZodType<Record<string, string | undefined>>;
  /** Per mapped organization: companyId, then contactId / siteId where the vendor has them. */
  mappingFields: PsaFieldDescriptor[];
  /** Integration defaults, overridable per mapped organization (R-DEL-4). */
  ticketFields: PsaFieldDescriptor[];
  /** Target list for the alert-priority → PSA-priority map. */
  priority: PsaFieldDescriptor;
  /** Settings used by addNote. */
  noteFields: PsaFieldDescriptor[];
  reference: ReferencePlacement;
  /** Longest title the vendor accepts; the reference token is kept whole within it. */
  titleMaxLength: number;
}
