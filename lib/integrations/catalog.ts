/**
 * The application catalogue (SPEC "Application catalogue", seed 002): every data source an MSP can
 * connect, as data. Each entry says its category (as the seed prints it), which entry points offer it
 * (Settings > Integrations, an organization's Applications tab), its credential fields as a zod schema
 * whose fields carry their label and whether they are secret, how it is authorized (credentials, or an
 * OAuth admin consent), which fields identify the source instance (for the duplicate-instance warning,
 * R-INT-4), and what its external sources are called. Adding an application is adding one entry.
 *
 * Pure and client-safe: forms import it to render fields and validate with the same schemas.
 */
import { z } from "zod";

export const APP_CATEGORIES = ["msp_tools", "customer_apps", "endpoint_security"] as const;
export type AppCategory = (typeof APP_CATEGORIES)[number];

/** Labels exactly as seed 002 prints them. */
export const CATEGORY_LABELS: Record<AppCategory, string> = {
  msp_tools: "MSP Tools",
  customer_apps: "Customer Apps",
  endpoint_security: "Endpoint Security",
};

export const CATEGORY_DESCRIPTIONS: Record<AppCategory, string> = {
  msp_tools: "RMM and other tools the MSP runs for its customers.",
  customer_apps: "SaaS services the customer owns; the customer's admin can authorize them from a consent link.",
  endpoint_security: "EDR and endpoint protection consoles.",
};

export type EntryPoint = "settings" | "organization";
export type OAuthProvider = "microsoft" | "google";

/** What a credential field looks like in a form; carried by the zod schema as metadata. */
export type CredentialFieldMeta = {
  label: string;
  /** Secret fields are encrypted, write-only and never rendered back (R-SEC-2). */
  secret: boolean;
  /** url: http(s) URL or bare host (https assumed); host: a host name; text: anything printable. */
  kind: "url" | "host" | "text";
  hint?: string;
  placeholder?: string;
};
export type CredentialField = CredentialFieldMeta & { key: string };

export type Authorization =
  | { kind: "credentials" }
  | { kind: "oauth"; provider: OAuthProvider; scopes: readonly string[] };

export type AppDefinition = {
  type: string;
  name: string;
  vendor: string;
  category: AppCategory;
  description: string;
  entryPoints: readonly EntryPoint[];
  authorization: Authorization;
  /** Credential form; an OAuth application has none (the provider grants access). */
  credentials: z.ZodObject<Record<string, z.ZodType<string>>>;
  /**
   * Fields (credential fields, or settings recorded at consent such as `tenantId`) that together identify
   * the source instance: the same values in two connections mean the same tool instance (R-INT-4).
   */
  identity: readonly string[];
  /** What the vendor calls the external units telemetry is tagged with (site, customer, tenant ...). */
  sourceNoun: string;
  /** What access is requested, in the customer's words (consent page, consent email). */
  access: readonly string[];
  /** Where the customer's admin finds the values (credential applications on the consent page). */
  setupHint?: string;
};

// ---------------------------------------------------------------------------------------------------------
// Credential field builders: zod schemas with their form metadata attached (metadata last — .meta() returns
// a new schema, and any later method would drop it).

const CONTROL = /[\u0000-\u001f\u007f]/;

function base(label: string, max: number) {
  return z
    .string({ error: `Enter the ${label}.` })
    .trim()
    .min(1, `Enter the ${label}.`)
    .max(max, `Keep the ${label} under ${max} characters.`)
    .refine((v) => !CONTROL.test(v), `The ${label} cannot contain control characters.`);
}

/** A DNS name with at least one dot (vendor hosts always have one; "nope" is a typo, not a host). */
const HOST = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** `https://host[:port][/path]` or a bare host (https assumed). */
export function isUrlOrHost(v: string): boolean {
  const candidate = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`;
  try {
    const u = new URL(candidate);
    return (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password && HOST.test(u.hostname);
  } catch {
    return false;
  }
}

function urlField(label: string, meta: Omit<CredentialFieldMeta, "label" | "secret" | "kind"> = {}) {
  return base(label, 300)
    .refine(isUrlOrHost, `Enter the ${label} as a web address, like https://example.com.`)
    .meta({ label, secret: false, kind: "url", ...meta } satisfies CredentialFieldMeta);
}

function hostField(label: string, meta: Omit<CredentialFieldMeta, "label" | "secret" | "kind"> = {}) {
  return base(label, 253)
    .refine((v) => HOST.test(v), `Enter the ${label} as a host name, like api-1234abcd.duosecurity.com.`)
    .meta({ label, secret: false, kind: "host", ...meta } satisfies CredentialFieldMeta);
}

function textField(label: string, meta: Omit<CredentialFieldMeta, "label" | "secret" | "kind"> = {}) {
  return base(label, 300).meta({ label, secret: false, kind: "text", ...meta } satisfies CredentialFieldMeta);
}

function secretField(label: string, meta: Omit<CredentialFieldMeta, "label" | "secret" | "kind"> = {}) {
  return base(label, 4000).meta({ label, secret: true, kind: "text", ...meta } satisfies CredentialFieldMeta);
}

const NO_CREDENTIALS = z.object({});

const MICROSOFT_SCOPES = ["https://graph.microsoft.com/.default"] as const;

// ---------------------------------------------------------------------------------------------------------
// The catalogue (SPEC table, in the seed's category order)

export const APPLICATIONS: readonly AppDefinition[] = [
  {
    type: "datto_rmm",
    name: "Datto RMM",
    vendor: "Kaseya",
    category: "msp_tools",
    description: "Devices, alerts and activity from your Datto RMM platform, routed to organizations by Datto site.",
    entryPoints: ["settings", "organization"],
    authorization: { kind: "credentials" },
    credentials: z.object({
      apiUrl: urlField("API URL", {
        placeholder: "https://pinotage-api.centrastage.net",
        hint: "Setup > Global Settings > Access Control in Datto RMM shows the API URL of your platform.",
      }),
      apiKey: secretField("API key"),
      apiSecretKey: secretField("API secret key"),
    }),
    identity: ["apiUrl", "apiKey"],
    sourceNoun: "site",
    access: ["Read sites, devices, alerts and activity logs through the Datto RMM API"],
    setupHint: "In Datto RMM, enable API access for an API user and generate its API key and secret key.",
  },
  {
    type: "syncro_rmm",
    name: "Syncro RMM",
    vendor: "Syncro",
    category: "msp_tools",
    description: "Assets and RMM alerts from Syncro, for one customer.",
    entryPoints: ["organization"],
    authorization: { kind: "credentials" },
    credentials: z.object({
      subdomain: textField("subdomain", { placeholder: "acme", hint: "acme for acme.syncromsp.com." }),
      apiToken: secretField("API token", { hint: "Profile > API Tokens in Syncro; give it read access to assets and RMM alerts." }),
    }),
    identity: ["subdomain"],
    sourceNoun: "customer",
    access: ["Read assets and RMM alerts through the Syncro API"],
  },
  {
    type: "ninjaone",
    name: "NinjaOne",
    vendor: "NinjaOne",
    category: "msp_tools",
    description: "Devices, conditions and activities from NinjaOne, routed by NinjaOne organization.",
    entryPoints: ["settings", "organization"],
    authorization: { kind: "credentials" },
    credentials: z.object({
      regionUrl: urlField("region URL", { placeholder: "https://app.ninjarmm.com", hint: "eu.ninjarmm.com, oc.ninjarmm.com, ca.ninjarmm.com ... for other regions." }),
      clientId: textField("client ID"),
      clientSecret: secretField("client secret"),
    }),
    identity: ["regionUrl", "clientId"],
    sourceNoun: "NinjaOne organization",
    access: ["Read devices, alerts and activities through the NinjaOne public API (client credentials, monitoring scope)"],
  },
  {
    type: "datto_edr",
    name: "Datto EDR",
    vendor: "Kaseya",
    category: "endpoint_security",
    description: "Detections and endpoint events from Datto EDR, routed by EDR location.",
    entryPoints: ["settings", "organization"],
    authorization: { kind: "credentials" },
    credentials: z.object({
      instanceUrl: urlField("instance URL", { placeholder: "https://yourcompany.infocyte.com" }),
      apiToken: secretField("API token"),
    }),
    identity: ["instanceUrl"],
    sourceNoun: "location",
    access: ["Read detections, alerts and endpoint events through the Datto EDR API"],
  },
  {
    type: "sentinelone",
    name: "SentinelOne",
    vendor: "SentinelOne",
    category: "endpoint_security",
    description: "Threats and agent activity from a SentinelOne management console, routed by site.",
    entryPoints: ["settings", "organization"],
    authorization: { kind: "credentials" },
    credentials: z.object({
      consoleUrl: urlField("management console URL", { placeholder: "https://usea1-partners.sentinelone.net" }),
      apiToken: secretField("API token", { hint: "Create a service user with the Viewer role and use its API token." }),
    }),
    identity: ["consoleUrl"],
    sourceNoun: "site",
    access: ["Read threats, alerts and agent activity (service user with the Viewer role)"],
    setupHint: "In SentinelOne, go to Settings > Users > Service Users, create a user with the Viewer role, and copy its API token.",
  },
  {
    type: "microsoft_defender",
    name: "Microsoft Defender for Endpoint",
    vendor: "Microsoft",
    category: "endpoint_security",
    description: "Alerts and device events from Microsoft Defender for Endpoint in the customer's tenant.",
    entryPoints: ["organization"],
    authorization: { kind: "oauth", provider: "microsoft", scopes: ["https://api.securitycenter.microsoft.com/.default"] },
    credentials: NO_CREDENTIALS,
    identity: ["tenantId"],
    sourceNoun: "tenant",
    access: [
      "Read alerts and incidents from Microsoft Defender for Endpoint",
      "Read machine information and advanced hunting data",
    ],
  },
  {
    type: "microsoft_365",
    name: "Microsoft 365",
    vendor: "Microsoft",
    category: "customer_apps",
    description: "Sign-ins, audit logs and security alerts from the customer's Microsoft 365 tenant.",
    entryPoints: ["organization"],
    authorization: { kind: "oauth", provider: "microsoft", scopes: MICROSOFT_SCOPES },
    credentials: NO_CREDENTIALS,
    identity: ["tenantId"],
    sourceNoun: "tenant",
    access: [
      "Read the unified audit log and sign-in logs",
      "Read security alerts and risky-user detections",
      "Read the directory (users and groups) to name what the logs refer to",
    ],
  },
  {
    type: "google_workspace",
    name: "Google Workspace",
    vendor: "Google",
    category: "customer_apps",
    description: "Admin, login and Drive audit events from the customer's Google Workspace.",
    entryPoints: ["organization"],
    authorization: {
      kind: "oauth",
      provider: "google",
      scopes: ["openid", "email", "https://www.googleapis.com/auth/admin.reports.audit.readonly"],
    },
    credentials: NO_CREDENTIALS,
    identity: ["googleDomain"],
    sourceNoun: "domain",
    access: ["Read admin, login and Drive audit reports (Admin SDK Reports API, read-only)"],
    setupHint: "A Google Workspace super admin must sign in to grant consent.",
  },
  {
    type: "okta",
    name: "Okta",
    vendor: "Okta",
    category: "customer_apps",
    description: "System log events (sign-ins, MFA, admin changes) from the customer's Okta org.",
    entryPoints: ["organization"],
    authorization: { kind: "credentials" },
    credentials: z.object({
      oktaDomain: hostField("Okta domain", { placeholder: "acme.okta.com" }),
      clientId: textField("client ID"),
      clientSecret: secretField("client secret"),
    }),
    identity: ["oktaDomain"],
    sourceNoun: "Okta org",
    access: ["Read the Okta System Log (okta.logs.read)"],
    setupHint: "In the Okta Admin Console, create an API Services app integration with the okta.logs.read scope and copy its client ID and secret.",
  },
  {
    type: "duo",
    name: "Duo",
    vendor: "Cisco",
    category: "customer_apps",
    description: "Authentication and administrator logs from the customer's Duo account.",
    entryPoints: ["organization"],
    authorization: { kind: "credentials" },
    credentials: z.object({
      apiHostname: hostField("API hostname", { placeholder: "api-1234abcd.duosecurity.com" }),
      integrationKey: textField("integration key"),
      secretKey: secretField("secret key"),
    }),
    identity: ["apiHostname", "integrationKey"],
    sourceNoun: "Duo account",
    access: ["Read authentication, administrator and telephony logs (Duo Admin API, Grant read log)"],
    setupHint: "In the Duo Admin Panel, protect the Admin API application with the “Grant read log” permission and copy its keys.",
  },
];

const BY_TYPE = new Map(APPLICATIONS.map((a) => [a.type, a]));

export function findApplication(type: string): AppDefinition | undefined {
  return BY_TYPE.get(type);
}

export function isKnownAppType(type: string): boolean {
  return BY_TYPE.has(type);
}

export function applicationsFor(entryPoint: EntryPoint): AppDefinition[] {
  return APPLICATIONS.filter((a) => a.entryPoints.includes(entryPoint));
}

/** Applications offered at an entry point, grouped by category in the seed's order (empty groups dropped). */
export function applicationsByCategory(entryPoint: EntryPoint): { category: AppCategory; label: string; apps: AppDefinition[] }[] {
  return APP_CATEGORIES.map((category) => ({
    category,
    label: CATEGORY_LABELS[category],
    apps: applicationsFor(entryPoint).filter((a) => a.category === category),
  })).filter((g) => g.apps.length > 0);
}

/** The credential form of an application, in schema order, with labels and secret flags. */
export function credentialFields(app: AppDefinition): CredentialField[] {
  return Object.entries(app.credentials.shape).map(([key, schema]) => ({ key, ...(schema.meta() as CredentialFieldMeta) }));
}

export function secretFieldKeys(app: AppDefinition): string[] {
  return credentialFields(app)
    .filter((f) => f.secret)
    .map((f) => f.key);
}

/** Splits validated credential values into stored-plain settings and the encrypted secrets (R-SEC-2). */
export function splitCredentials(app: AppDefinition, values: Record<string, string>): { settings: Record<string, string>; secrets: Record<string, string> } {
  const settings: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const f of credentialFields(app)) {
    const v = values[f.key];
    if (v === undefined) continue;
    (f.secret ? secrets : settings)[f.key] = v;
  }
  return { settings, secrets };
}

export function authorizationLabel(app: AppDefinition): string {
  if (app.authorization.kind === "credentials") return "API credentials";
  return app.authorization.provider === "microsoft" ? "Microsoft tenant admin consent" : "Google Workspace admin consent";
}

export function providerLabel(provider: OAuthProvider): string {
  return provider === "microsoft" ? "Microsoft" : "Google";
}
