/**
 * Turns what an admin types into a PSA base URL. Admins type bare hosts ("api-na.myconnectwise.net",
 * "acme.halopsa.com"), sometimes with the API path pasted on, and the fakes/tests use full
 * "http://127.0.0.1:PORT" URLs — a bare host gets https, an explicit scheme is kept. Whether the host may be
 * reached at all is decided later by lib/http/outbound.ts (R-SEC-3), not here.
 */

export class BaseUrlError extends Error {
  override readonly name = "BaseUrlError";
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** "host[:port][/path]" or "http(s)://host[:port][/path]" → "scheme://host[:port]/path" without trailing slash. */
export function normaliseBaseUrl(input: string): string {
  const raw = input.trim();
  if (!raw) throw new BaseUrlError("enter a host name or URL");
  const withScheme = SCHEME.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new BaseUrlError(`"${raw}" is not a valid host name or URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new BaseUrlError("only http:// and https:// URLs work");
  if (url.username || url.password) throw new BaseUrlError("remove the user name and password from the URL");
  if (url.search || url.hash) throw new BaseUrlError("remove the query string from the URL");
  if (!url.hostname) throw new BaseUrlError("the URL has no host");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** True when normaliseBaseUrl accepts the value (zod refinements). */
export function isValidBaseUrl(input: string): boolean {
  try {
    normaliseBaseUrl(input);
    return true;
  } catch {
    return false;
  }
}

/** Removes one of `suffixes` (case-insensitive) from the end of a normalised URL. */
export function stripPathSuffix(base: string, suffixes: readonly string[]): string {
  const lower = base.toLowerCase();
  for (const suffix of suffixes) {
    if (lower.endsWith(suffix.toLowerCase())) return base.slice(0, base.length - suffix.length);
  }
  return base;
}

/**
 * ConnectWise: the site may be given as a host, with the codebase ("…/v4_6_release") or with the whole API
 * path ("…/v4_6_release/apis/3.0"). `v4_6_release` is the entry point every codebase answers on.
 */
export function connectwiseApiBase(site: string): string {
  const base = normaliseBaseUrl(site);
  const { pathname } = new URL(base);
  if (/\/apis\/3\.0$/i.test(pathname)) return base;
  if (pathname === "/" || pathname === "") return `${base}/v4_6_release/apis/3.0`;
  return `${base}/apis/3.0`;
}

/**
 * Autotask zone discovery base (".../atservicesrest"): a pasted "/v1.0" is dropped, and a bare host
 * ("webservices.autotask.net", "http://127.0.0.1:4102") gets the "/atservicesrest" path it always has.
 */
export function autotaskDiscoveryBase(input: string): string {
  const base = stripPathSuffix(normaliseBaseUrl(input), ["/v1.0"]);
  const { pathname } = new URL(base);
  return pathname === "/" || pathname === "" ? `${base}/atservicesrest` : base;
}

/** Kaseya BMS server ("https://api.bms.kaseya.com"); a pasted "/v2" is dropped — paths carry it. */
export function kaseyaServerBase(input: string): string {
  return stripPathSuffix(normaliseBaseUrl(input), ["/v2"]);
}

/** HaloPSA resource server without "/api" (admins often paste it; several vendors' forms ask them not to). */
export function haloResourceBase(input: string): string {
  return stripPathSuffix(normaliseBaseUrl(input), ["/api"]);
}

/** HaloPSA authorisation server: given, or "{resource}/auth" as hosted Halo serves it. */
export function haloAuthBase(resource: string, auth?: string): string {
  if (auth && auth.trim()) return stripPathSuffix(normaliseBaseUrl(auth), ["/token"]);
  return `${haloResourceBase(resource)}/auth`;
}

const SYNCRO_SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** Syncro: "acme" → https://acme.syncromsp.com/api/v1; a host or URL (on-prem, tests) gets "/api/v1" if missing. */
export function syncroApiBase(subdomainOrUrl: string): string {
  const raw = subdomainOrUrl.trim();
  if (SYNCRO_SUBDOMAIN.test(raw)) return `https://${raw.toLowerCase()}.syncromsp.com/api/v1`;
  const base = normaliseBaseUrl(raw);
  return /\/api\/v1$/i.test(base) ? base : `${base}/api/v1`;
}
