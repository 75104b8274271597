/**
 * Email subject formats (R-DEL-6): Liquid templates restricted to a fixed token set and a few text
 * filters, validated when an admin saves them and rendered for every email the planner plans.
 *
 * The engine is liquidjs with every tag removed (no include/render/layout, so no file system; no
 * loops, so no unbounded work) and every filter removed except an allow-list; strictVariables and
 * strictFilters make anything outside the token set an error instead of an empty string. Rendered
 * subjects are collapsed to one line (no header injection, R-SEC-5) and capped in length.
 */
import { Liquid, Output, type Template } from "liquidjs";
import {
  PRIORITY_LABELS,
  type AlertForDelivery,
  type Priority,
} from "../types";

// ---------------------------------------------------------------------------------------------------
// Tokens, filters, defaults
// ---------------------------------------------------------------------------------------------------

export type SubjectToken = {
  /** The path as written between braces, e.g. "alert.priority". */
  token: string;
  /** Ready to paste into a format, e.g. "{{ alert.priority }}". */
  placeholder: string;
  description: string;
  example: string;
};

const token = (path: string, description: string, example: string): SubjectToken => ({
  token: path,
  placeholder: `{{ ${path} }}`,
  description,
  example,
});

/** The fixed token set, in the order the settings screen lists them. */
export const SUBJECT_TOKENS: readonly SubjectToken[] = [
  token("alert.priority", "Alert priority: Low, Medium, High or Critical", "High"),
  token("alert.title", "Alert title", "Suspicious PowerShell download cradle on FIN-WS-014"),
  token("alert.id", "Alert id, for matching replies and tickets to the console", "7c1e9a52-4d0b-4f3e-9a61-2b8d5e0c7f13"),
  token("alert.detected_at", "Detection time, ISO-8601 in UTC", "2025-03-04T14:07:12Z"),
  token("alert.source", "Detector or data source that raised the alert (may be empty)", "Datto EDR"),
  token("organization.name", "Name of the organization the alert belongs to", "Acme Dental"),
  token("partner.name", "Your company (the MSP) name", "Northwind IT Services"),
];

const TOKEN_PATHS = new Set(SUBJECT_TOKENS.map((t) => t.token));

/**
 * Text-only filters whose output is bounded by their input and arguments. Everything else Liquid
 * ships (date, json, url_decode, arrays, math) is unregistered: none is useful in a subject and each
 * would be one more behaviour to keep safe.
 */
export const SUBJECT_FILTERS = [
  "upcase",
  "downcase",
  "capitalize",
  "truncate",
  "truncatewords",
  "default",
  "strip",
  "append",
  "prepend",
] as const;

export const MAX_SUBJECT_FORMAT_LENGTH = 300;
/** Rendered subjects are cut to this many characters (RFC 5322 suggests 78 per line; clients show ~60–130). */
export const MAX_SUBJECT_LENGTH = 250;

/** Global recipients watch many organizations, so the organization name is in the subject. */
export const DEFAULT_GLOBAL_SUBJECT_FORMAT = "[{{ alert.priority }}] {{ alert.title }} – {{ organization.name }}";

/**
 * Organization-level recipients are usually the customer's own staff or the technician for that
 * customer: lead with the organization so the subject reads the same as the MSP's other mail to them.
 */
export const DEFAULT_ORGANIZATION_SUBJECT_FORMAT =
  "[{{ alert.priority }}] {{ organization.name }}: {{ alert.title }}";

// ---------------------------------------------------------------------------------------------------
// Engine
// ---------------------------------------------------------------------------------------------------

/** An FS that refuses everything: belt and braces behind the removed include/render/layout tags. */
const noFileSystem = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async (file: string): Promise<string> => {
    throw new Error(`Subject formats cannot read files (${file})`);
  },
  readFileSync: (file: string): string => {
    throw new Error(`Subject formats cannot read files (${file})`);
  },
  resolve: (_dir: string, file: string) => file,
  sep: "/",
};

function createEngine(): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    // We keep our own bounded cache of parsed formats; the engine's would hold file templates.
    cache: false,
    fs: noFileSystem,
    root: [],
    partials: [],
    layouts: [],
    dynamicPartials: false,
    relativeReference: false,
    // Subjects are plain text; escaping happens where text meets HTML (the email body), not here.
    outputEscape: undefined,
    // Formats are at most MAX_SUBJECT_FORMAT_LENGTH characters; this only stops abuse of the parser.
    // Render work is bounded by construction instead (no tags, bounded filters, capped token values,
    // see toScope): a time-based renderLimit would make the planner's output depend on machine load.
    parseLimit: 10_000,
  });
  for (const name of Object.keys(engine.tags)) delete engine.tags[name];
  const allowed = new Set<string>(SUBJECT_FILTERS);
  for (const name of Object.keys(engine.filters)) {
    if (!allowed.has(name)) delete engine.filters[name];
  }
  return engine;
}

const engine = createEngine();

// ---------------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------------

export type SubjectFormatValidation = { ok: true } | { ok: false; message: string };

/** Thrown by renderSubject for a format that validateSubjectFormat would reject. */
export class SubjectFormatError extends Error {
  override name = "SubjectFormatError";
}

type Compiled = { ok: true; templates: Template[] } | { ok: false; message: string };

const TOKEN_LIST = SUBJECT_TOKENS.map((t) => t.placeholder).join(", ");

/** "…, line:1, col:4" from liquidjs → " (line 1, column 4)". */
function location(message: string): string {
  const m = /line:(\d+), col:(\d+)/.exec(message);
  return m ? ` (line ${m[1]}, column ${m[2]})` : "";
}

function stripLocation(message: string): string {
  return message.replace(/,?\s*line:\d+, col:\d+.*$/s, "").trim();
}

function explainParseError(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const where = location(raw);
  const tag = /tag "([^"]+)" not found/.exec(raw);
  if (tag) {
    return `Tags such as {% ${tag[1]} %} are not allowed in subject formats${where}; use {{ token }} placeholders only`;
  }
  const filter = /undefined filter: ([\w-]+)/.exec(raw);
  if (filter) {
    return `Filter "${filter[1]}" is not allowed${where}. Allowed filters: ${SUBJECT_FILTERS.join(", ")}`;
  }
  return `Invalid subject format: ${stripLocation(raw)}${where}`;
}

function compile(format: string): Compiled {
  if (format.trim() === "") return { ok: false, message: "Subject format cannot be empty" };
  if (format.length > MAX_SUBJECT_FORMAT_LENGTH) {
    return {
      ok: false,
      message: `Subject format is ${format.length} characters; the maximum is ${MAX_SUBJECT_FORMAT_LENGTH}`,
    };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(format)) {
    return { ok: false, message: "Subject format cannot contain line breaks, tabs or other control characters" };
  }

  let templates: Template[];
  try {
    templates = engine.parse(format);
  } catch (error) {
    return { ok: false, message: explainParseError(error) };
  }

  // Every variable, wherever it appears (as the value or as a filter argument), must be a known token.
  try {
    const analysis = engine.analyzeSync(templates, { partials: false });
    for (const variables of Object.values(analysis.globals)) {
      for (const variable of variables) {
        const path = variable.toString();
        if (!TOKEN_PATHS.has(path)) {
          const where = ` (line ${variable.location.row}, column ${variable.location.col})`;
          return { ok: false, message: `Unknown token {{ ${path} }}${where}. Available tokens: ${TOKEN_LIST}` };
        }
      }
    }
  } catch (error) {
    return { ok: false, message: explainParseError(error) };
  }

  // One value per placeholder: "{{ alert.title == 'x' }}" or "{{ alert.title foo }}" parse in Liquid but
  // are almost certainly typos, and would render "false" or drop text silently.
  for (const t of templates) {
    if (t instanceof Output && t.value.initial.postfix.length !== 1) {
      return {
        ok: false,
        message: `Placeholder ${t.token.getText().trim()} must hold a single token, optionally followed by | filters`,
      };
    }
  }

  // A trial render against the sample data catches whatever static checks cannot (e.g. a filter given
  // arguments it cannot use), so a format that saves is a format that renders.
  try {
    engine.renderSync(templates, toScope(SAMPLE_SUBJECT_CONTEXT));
  } catch (error) {
    return { ok: false, message: explainParseError(error) };
  }
  return { ok: true, templates };
}

// Bounded cache of compiled formats. In practice a partner has two formats, so this is always hot;
// the bound only matters for a process that validates many one-off formats (the settings preview).
const CACHE_LIMIT = 500;
const cache = new Map<string, Compiled>();

function compiled(format: string): Compiled {
  const hit = cache.get(format);
  if (hit) return hit;
  const result = compile(format);
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(format, result);
  return result;
}

/** Save-time check for a subject format; the message names the offending token, tag or filter. */
export function validateSubjectFormat(format: string): SubjectFormatValidation {
  const result = compiled(format);
  return result.ok ? { ok: true } : { ok: false, message: result.message };
}

// ---------------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------------

export type SubjectContext = {
  alert: Pick<AlertForDelivery, "id" | "priority" | "title" | "detectedAt" | "source">;
  organization: { name: string };
  partner: { name: string };
};

/** "2025-03-04T14:07:12Z": ISO-8601 UTC to the second (milliseconds are noise in a subject). */
export function formatDetectedAt(detectedAt: Date | string): string {
  const date = detectedAt instanceof Date ? detectedAt : new Date(detectedAt);
  if (Number.isNaN(date.getTime())) return String(detectedAt);
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Token values are cut well beyond what a subject can show, so a pathological title cannot make a
 * format with several placeholders produce megabytes before the final cap; every allowed filter keeps
 * the start of its input, so the visible subject is unchanged.
 */
const MAX_TOKEN_VALUE_LENGTH = 1_000;
const capped = (value: string) => (value.length > MAX_TOKEN_VALUE_LENGTH ? value.slice(0, MAX_TOKEN_VALUE_LENGTH) : value);

function toScope(context: SubjectContext) {
  const { alert } = context;
  return {
    alert: {
      id: capped(String(alert.id)),
      priority: PRIORITY_LABELS[alert.priority as Priority] ?? capped(String(alert.priority)),
      title: capped(String(alert.title)),
      detected_at: capped(formatDetectedAt(alert.detectedAt)),
      // Always defined so strictVariables only ever fires for unknown tokens, and `default` works.
      source: capped(alert.source ?? ""),
    },
    organization: { name: capped(String(context.organization.name)) },
    partner: { name: capped(String(context.partner.name)) },
  };
}

/**
 * One line of plain text: control characters (CR, LF, tab, NUL, C1, Unicode line/paragraph separators)
 * become spaces, runs of whitespace collapse, the ends are trimmed, and the result is cut to `max`
 * characters without splitting a surrogate pair. Used for subjects so no value can start a new header.
 */
export function toSingleLine(text: string, max = MAX_SUBJECT_LENGTH): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ").replace(/\s+/g, " ").trim();
  const chars = Array.from(flat);
  if (chars.length <= max) return flat;
  return `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}

/**
 * Renders a subject. Throws SubjectFormatError for an invalid format (formats are validated when
 * saved, so this means stored data bypassed validation). Never returns an empty subject: if the format
 * renders to nothing (e.g. only "{{ alert.source }}" and the alert has no source), the subject falls
 * back to "[Priority] title" so the email is still identifiable in an inbox.
 */
export function renderSubject(format: string, context: SubjectContext): string {
  const result = compiled(format);
  if (!result.ok) throw new SubjectFormatError(result.message);
  const scope = toScope(context);
  const subject = toSingleLine(String(engine.renderSync(result.templates, scope)));
  if (subject !== "") return subject;
  return toSingleLine(`[${scope.alert.priority}] ${scope.alert.title}`) || `Alert ${toSingleLine(context.alert.id)}`;
}

// ---------------------------------------------------------------------------------------------------
// Sample data for previews (settings screen, simulator) and for the trial render above
// ---------------------------------------------------------------------------------------------------

export const SAMPLE_PARTNER = { id: "sample-partner", name: "Northwind IT Services" } as const;

export const SAMPLE_ORGANIZATION = { id: "sample-organization", name: "Acme Dental" } as const;

export const SAMPLE_ALERT: AlertForDelivery = {
  id: "7c1e9a52-4d0b-4f3e-9a61-2b8d5e0c7f13",
  organizationId: SAMPLE_ORGANIZATION.id,
  priority: "high",
  title: "Suspicious PowerShell download cradle on FIN-WS-014",
  summary:
    "PowerShell on FIN-WS-014 ran an encoded command that downloaded and executed a script from a recently " +
    "registered domain, then contacted a known command-and-control address. The SOC terminated the process, " +
    "quarantined the script and isolated the host. Review the user's recent sign-ins before releasing isolation.",
  detectedAt: "2025-03-04T14:07:12Z",
  source: "Datto EDR",
  respondEvents: [
    {
      time: "2025-03-04T14:08:03Z",
      action: "Process terminated",
      target: "powershell.exe (PID 7412) on FIN-WS-014",
      result: "Succeeded",
    },
    {
      time: "2025-03-04T14:08:41Z",
      action: "File quarantined",
      target: "C:\\Users\\jdoe\\AppData\\Local\\Temp\\upd4te.ps1",
      result: "Succeeded",
    },
    {
      time: "2025-03-04T14:09:15Z",
      action: "Host isolated",
      target: "FIN-WS-014",
      result: "Succeeded",
      detail: "Network isolation applied; the agent keeps its connection to the SOC.",
    },
  ],
  iocMatches: [
    { type: "domain", value: "cdn-update-check.net", source: "Abuse.ch URLhaus", time: "2025-03-04T14:07:09Z" },
    { type: "ip", value: "203.0.113.45", source: "SOC threat intelligence", time: "2025-03-04T14:07:11Z" },
    {
      type: "sha256",
      value: "9f2c4e7a1b3d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8",
      source: "VirusTotal",
      time: "2025-03-04T14:07:12Z",
    },
  ],
};

export const SAMPLE_SUBJECT_CONTEXT: SubjectContext = {
  alert: SAMPLE_ALERT,
  organization: { name: SAMPLE_ORGANIZATION.name },
  partner: { name: SAMPLE_PARTNER.name },
};
