/**
 * Per-vendor descriptors the + Add PSA wizard renders generically (credentials form, company noun, ticket
 * defaults with the lists that fill them, per-mapping fields), plus the zod schema that validates the
 * credentials form and stored credentials alike. Wire details live in the adapters; this file is data.
 */
import { z } from "zod";
import type { PsaDescriptor, PsaFieldDescriptor, PsaVendor } from "./types";
import { isValidBaseUrl } from "./url";

// ---------------------------------------------------------------------------------------------------------
// Credential schemas

const required = (label: string) => z.string({ error: `${label} is required` }).trim().min(1, `${label} is required`);

const optionalText = () =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined));

const urlField = (label: string) =>
  required(label).refine(isValidBaseUrl, { message: `${label} must be a host name (https is assumed) or an http(s):// URL` });

/** An optional URL that falls back to the vendor's public host when left empty. */
const urlWithDefault = (label: string, fallback: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : fallback))
    .refine(isValidBaseUrl, { message: `${label} must be a host name (https is assumed) or an http(s):// URL` });

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const CONNECTWISE_DEFAULT_SITE = "api-na.myconnectwise.net";
export const AUTOTASK_DEFAULT_DISCOVERY_URL = "https://webservices.autotask.net/atservicesrest";
export const KASEYA_BMS_DEFAULT_SERVER = "https://api.bms.kaseya.com";

export const connectwiseCredentialsSchema = z.object({
  site: urlField("Site"),
  companyId: required("Company ID"),
  publicKey: required("Public key"),
  privateKey: required("Private key"),
  clientId: required("Client ID").regex(GUID, "Client ID is a GUID such as 3f0c1a2b-…"),
});

export const autotaskCredentialsSchema = z.object({
  username: required("API username"),
  secret: required("Secret"),
  integrationCode: required("API integration code"),
  zoneDiscoveryUrl: urlWithDefault("Zone discovery URL", AUTOTASK_DEFAULT_DISCOVERY_URL),
});

export const kaseyaBmsCredentialsSchema = z.object({
  serverUrl: urlWithDefault("Server URL", KASEYA_BMS_DEFAULT_SERVER),
  tenant: required("Tenant (company name)"),
  username: required("Username"),
  password: required("Password"),
});

export const haloCredentialsSchema = z.object({
  resourceUrl: urlField("Halo URL"),
  authUrl: optionalText().refine((v) => v === undefined || isValidBaseUrl(v), {
    message: "Authorisation server must be a host name or an http(s):// URL",
  }),
  tenant: optionalText(),
  clientId: required("Client ID"),
  clientSecret: required("Client secret"),
});

const SUBDOMAIN_OR_URL = (v: string) => /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(v) || isValidBaseUrl(v);

export const syncroCredentialsSchema = z.object({
  subdomain: required("Subdomain").refine(SUBDOMAIN_OR_URL, {
    message: "Enter the subdomain (acme for acme.syncromsp.com) or a full URL",
  }),
  apiToken: required("API token"),
});

export type ConnectWiseCredentials = z.infer<typeof connectwiseCredentialsSchema>;
export type AutotaskCredentials = z.infer<typeof autotaskCredentialsSchema>;
export type KaseyaBmsCredentials = z.infer<typeof kaseyaBmsCredentialsSchema>;
export type HaloCredentials = z.infer<typeof haloCredentialsSchema>;
export type SyncroCredentials = z.infer<typeof syncroCredentialsSchema>;

export interface PsaCredentialsByVendor {
  connectwise: ConnectWiseCredentials;
  autotask: AutotaskCredentials;
  kaseya_bms: KaseyaBmsCredentials;
  halopsa: HaloCredentials;
  syncro: SyncroCredentials;
}

// ---------------------------------------------------------------------------------------------------------
// Field helpers

function select(
  key: string,
  label: string,
  lookup: string,
  opts: { required?: boolean; dependsOn?: string[]; help?: string } = {},
): PsaFieldDescriptor {
  return {
    key,
    label,
    input: "select",
    lookup,
    required: opts.required ?? false,
    dependsOn: opts.dependsOn ?? [],
    ...(opts.help ? { help: opts.help } : {}),
  };
}

const company = (label: string): PsaFieldDescriptor =>
  select("companyId", label, "companies", {
    required: true,
    help: "Filled by listCompanies (paged, searchable); organizations are auto-matched by exact name.",
  });

// ---------------------------------------------------------------------------------------------------------
// Descriptors

const connectwise: PsaDescriptor = {
  vendor: "connectwise",
  displayName: "ConnectWise PSA",
  companyNoun: { singular: "company", plural: "companies" },
  credentialFields: [
    {
      name: "site",
      label: "Site",
      help: "Your ConnectWise API host: api-na.myconnectwise.net, api-eu.myconnectwise.net, api-au.myconnectwise.net, or your on-premises server. The /v4_6_release/apis/3.0 path is added when missing.",
      secret: false,
      required: true,
      input: "url",
      defaultValue: CONNECTWISE_DEFAULT_SITE,
      placeholder: "api-na.myconnectwise.net",
    },
    {
      name: "companyId",
      label: "Company ID",
      help: "The company name you type at the ConnectWise login screen.",
      secret: false,
      required: true,
      input: "text",
      placeholder: "mymsp",
    },
    {
      name: "publicKey",
      label: "Public key",
      help: "System › Members › API Members › (your API member) › API Keys.",
      secret: false,
      required: true,
      input: "text",
    },
    {
      name: "privateKey",
      label: "Private key",
      help: "Shown once when the API key is created. Stored encrypted and never shown again.",
      secret: true,
      required: true,
      input: "password",
    },
    {
      name: "clientId",
      label: "Client ID",
      help: "The integration's clientId GUID from developer.connectwise.com/ClientID. ConnectWise identifies the integrating product by it, so it is normally the one your Switchboard operator registered — not something you create per MSP. Only self-hosted installations register their own.",
      secret: false,
      required: true,
      input: "text",
      placeholder: "3f0c1a2b-0000-4000-8000-000000000000",
    },
  ],
  credentialsSchema: connectwiseCredentialsSchema,
  mappingFields: [
    company("Company"),
    select("contactId", "Contact", "contacts", { dependsOn: ["companyId"] }),
    select("siteId", "Site", "sites", { dependsOn: ["companyId"] }),
  ],
  ticketFields: [
    select("board", "Service board", "boards", { required: true, help: "Where tickets land." }),
    select("status", "Status", "statuses", {
      dependsOn: ["board"],
      help: "Statuses belong to a board; empty uses the board's default status.",
    }),
    select("type", "Type", "types", { dependsOn: ["board"] }),
    select("subType", "Subtype", "subtypes", { dependsOn: ["board"], help: "Must be linked to the chosen type on the board." }),
    select("item", "Item", "items", { dependsOn: ["board"] }),
    select("team", "Team", "teams", { dependsOn: ["board"] }),
    select("source", "Source", "sources"),
    select("agreement", "Agreement", "agreements", { dependsOn: ["companyId"], help: "Chosen per mapped company." }),
  ],
  priority: select("priority", "Priority", "priorities", { help: "Empty uses the board's default priority." }),
  noteFields: [],
  reference: {
    placement: "field",
    field: "externalXRef",
    note: "The ticket reference is stored in externalXRef and searched with a conditions query before a retry.",
  },
  titleMaxLength: 100,
};

const autotask: PsaDescriptor = {
  vendor: "autotask",
  displayName: "Autotask",
  companyNoun: { singular: "account", plural: "accounts" },
  credentialFields: [
    {
      name: "username",
      label: "API username",
      help: "The email of an API-only resource (security level API User (system), or a restricted copy of it).",
      secret: false,
      required: true,
      input: "email",
      placeholder: "api-user@yourmsp.com",
    },
    {
      name: "secret",
      label: "Secret",
      help: "The API user's password. Stored encrypted and never shown again.",
      secret: true,
      required: true,
      input: "password",
    },
    {
      name: "integrationCode",
      label: "API integration code",
      help: "The tracking identifier chosen on the API user (Integration Vendor, or Custom (Internal Integration)).",
      secret: true,
      required: true,
      input: "password",
    },
    {
      name: "zoneDiscoveryUrl",
      label: "Zone discovery URL",
      help: "Where the API user's zone is looked up; leave the default unless Autotask support tells you otherwise. The zone itself is discovered. A bare host gets /atservicesrest added.",
      secret: false,
      required: false,
      input: "url",
      defaultValue: AUTOTASK_DEFAULT_DISCOVERY_URL,
    },
  ],
  credentialsSchema: autotaskCredentialsSchema,
  mappingFields: [
    company("Account"),
    select("contactId", "Contact", "contacts", { dependsOn: ["companyId"] }),
    select("siteId", "Location", "sites", { dependsOn: ["companyId"] }),
  ],
  ticketFields: [
    select("queue", "Queue", "queues", { required: true, help: "Autotask needs a queue (or an assigned resource)." }),
    select("status", "Status", "statuses", { required: true }),
    select("issueType", "Issue type", "issueTypes"),
    select("subIssueType", "Sub-issue type", "subIssueTypes", { dependsOn: ["issueType"] }),
    select("ticketType", "Ticket type", "ticketTypes"),
    select("ticketCategory", "Ticket category", "ticketCategories", {
      help: "Categories supply defaults and can make more fields required.",
    }),
    select("source", "Source", "sources"),
    select("contract", "Contract", "contracts", { dependsOn: ["companyId"], help: "Chosen per mapped account." }),
  ],
  priority: select("priority", "Priority", "priorities", { required: true }),
  noteFields: [
    select("noteType", "Note type", "noteTypes", { help: "Empty uses Autotask's default note type." }),
    select("notePublish", "Note visibility", "notePublish", { help: "Empty uses the picklist's default value." }),
  ],
  reference: {
    placement: "field",
    field: "externalID",
    note: "The ticket reference is stored in externalID and searched with a Tickets query before a retry.",
  },
  titleMaxLength: 255,
};

const kaseyaBms: PsaDescriptor = {
  vendor: "kaseya_bms",
  displayName: "Kaseya BMS",
  companyNoun: { singular: "account", plural: "accounts" },
  credentialFields: [
    {
      name: "serverUrl",
      label: "Server URL",
      help: "Your region's API host: api.bms.kaseya.com (US), api.bmsemea.kaseya.com (EMEA), api.bmsapac.kaseya.com (APAC), api.vorexlogin.com (Vorex). Shown under My Settings.",
      secret: false,
      required: false,
      input: "url",
      defaultValue: KASEYA_BMS_DEFAULT_SERVER,
    },
    {
      name: "tenant",
      label: "Tenant (company name)",
      help: "Exactly as shown under My Settings, spaces included.",
      secret: false,
      required: true,
      input: "text",
    },
    {
      name: "username",
      label: "Username",
      help: "A dedicated API employee whose role has Admin › Special Features › Has API Access.",
      secret: false,
      required: true,
      input: "text",
    },
    {
      name: "password",
      label: "Password",
      help: "Stored encrypted and never shown again.",
      secret: true,
      required: true,
      input: "password",
    },
  ],
  credentialsSchema: kaseyaBmsCredentialsSchema,
  mappingFields: [
    company("Account"),
    select("contactId", "Contact", "contacts", { dependsOn: ["companyId"] }),
    select("siteId", "Location", "sites", {
      dependsOn: ["companyId"],
      help: "BMS requires a location; empty uses the account's main location.",
    }),
  ],
  ticketFields: [
    select("queue", "Queue", "queues", { required: true, help: "BMS needs a queue or an assignee." }),
    select("status", "Status", "statuses", { required: true }),
    select("type", "Ticket type", "types", { required: true }),
    select("source", "Source", "sources", { required: true }),
    select("issueType", "Issue type", "issueTypes"),
    select("subIssueType", "Sub-issue type", "subIssueTypes", { dependsOn: ["issueType"] }),
    select("contract", "Contract", "contracts", { dependsOn: ["companyId"], help: "Chosen per mapped account." }),
  ],
  priority: select("priority", "Priority", "priorities", { required: true }),
  noteFields: [
    {
      key: "noteType",
      label: "Note type id",
      input: "number",
      required: false,
      defaultValue: "1",
      dependsOn: [],
      help: "The BMS note TypeId for follow-up notes; BMS publishes no list of them through the API.",
    },
  ],
  reference: {
    placement: "title",
    note: "BMS has no external-reference field on tickets: a [sb:…] token goes in the title and is searched with Filter.Title.",
  },
  titleMaxLength: 255,
};

const halopsa: PsaDescriptor = {
  vendor: "halopsa",
  displayName: "HaloPSA",
  companyNoun: { singular: "client", plural: "clients" },
  credentialFields: [
    {
      name: "resourceUrl",
      label: "Halo URL (resource server)",
      help: "Your Halo address, e.g. yourmsp.halopsa.com. A pasted /api is removed.",
      secret: false,
      required: true,
      input: "url",
      placeholder: "yourmsp.halopsa.com",
    },
    {
      name: "authUrl",
      label: "Authorisation server",
      help: "Only when it differs from the Halo URL (Configuration › Integrations › Halo API › API Details). Empty means <Halo URL>/auth.",
      secret: false,
      required: false,
      input: "url",
    },
    {
      name: "tenant",
      label: "Tenant",
      help: "Hosted Halo only (shown under API Details); leave empty on-premises.",
      secret: false,
      required: false,
      input: "text",
    },
    {
      name: "clientId",
      label: "Client ID",
      help: "From a Halo API application using Client ID and Secret (Services), login type Agent, bound to an API-only agent.",
      secret: false,
      required: true,
      input: "text",
    },
    {
      name: "clientSecret",
      label: "Client secret",
      help: "Stored encrypted and never shown again.",
      secret: true,
      required: true,
      input: "password",
    },
  ],
  credentialsSchema: haloCredentialsSchema,
  mappingFields: [
    company("Client"),
    select("siteId", "Site", "sites", { dependsOn: ["companyId"] }),
    select("contactId", "User", "contacts", {
      dependsOn: ["companyId"],
      help: "Halo requires a site when a specific user is set.",
    }),
  ],
  ticketFields: [
    select("ticketType", "Ticket type", "ticketTypes", {
      required: true,
      help: "Types with approval (CAB) workflows or mandatory category/impact/urgency reject API tickets; send a test ticket.",
    }),
    select("team", "Team", "teams"),
    select("status", "Status", "statuses"),
    select("contract", "Contract", "contracts", { dependsOn: ["companyId"], help: "Chosen per mapped client." }),
  ],
  priority: select("priority", "Priority", "priorities", {
    dependsOn: ["ticketType"],
    help: "Halo priorities belong to the ticket type's SLA.",
  }),
  noteFields: [
    select("noteOutcome", "Note outcome", "outcomes", {
      help: "Halo rejects notes without an outcome; empty uses outcome 7 (stock private note).",
    }),
  ],
  reference: {
    placement: "title",
    note: "A [sb:…] token goes in the summary and is searched with the Tickets search before a retry.",
  },
  titleMaxLength: 255,
};

const syncro: PsaDescriptor = {
  vendor: "syncro",
  displayName: "Syncro",
  companyNoun: { singular: "customer", plural: "customers" },
  credentialFields: [
    {
      name: "subdomain",
      label: "Subdomain",
      help: "The acme in acme.syncromsp.com, or a full base URL for other installations.",
      secret: false,
      required: true,
      input: "text",
      placeholder: "acme",
    },
    {
      name: "apiToken",
      label: "API token",
      help: "Admin › API Tokens › New Token › Custom Permissions (customers and tickets). Stored encrypted and never shown again.",
      secret: true,
      required: true,
      input: "password",
    },
  ],
  credentialsSchema: syncroCredentialsSchema,
  mappingFields: [company("Customer"), select("contactId", "Contact", "contacts", { dependsOn: ["companyId"] })],
  ticketFields: [
    select("problemType", "Problem type", "problemTypes"),
    select("status", "Status", "statuses", { help: "Empty uses Syncro's New." }),
  ],
  priority: select("priority", "Priority", "priorities"),
  noteFields: [],
  reference: {
    placement: "title",
    note: "Syncro has no external-id field: a [sb:…] token goes in the subject and is searched with query before a retry.",
  },
  titleMaxLength: 255,
};

export const PSA_CATALOG: Record<PsaVendor, PsaDescriptor> = {
  connectwise,
  autotask,
  kaseya_bms: kaseyaBms,
  halopsa,
  syncro,
};

export function getPsaDescriptor(vendor: PsaVendor): PsaDescriptor {
  return PSA_CATALOG[vendor];
}

/** Names of the secret credential fields (for write-only forms and redaction). */
export function secretFieldNames(vendor: PsaVendor): string[] {
  return PSA_CATALOG[vendor].credentialFields.filter((f) => f.secret).map((f) => f.name);
}
