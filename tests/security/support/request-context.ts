/**
 * Calling server actions and route handlers in Vitest the way Next.js calls them: `next/headers` answers with
 * the headers of the request being simulated (a real better-auth session cookie, or none). Test files install
 * it with
 *   vi.mock("next/headers", () => import("@/tests/security/support/request-context").then((m) => m.nextHeaders));
 * Nothing else about the code under test is replaced: getViewer() really resolves the cookie to a session in
 * PostgreSQL, and every role, partner and scope check runs as in production.
 */
type CookieOptions = Record<string, unknown>;

const state = { headers: new Headers(), setCookies: new Map<string, string>() };

/** The next calls run as this request (cookie header or none). */
export function useRequest(init: { cookie?: string | null; headers?: HeadersInit } = {}): void {
  const h = new Headers(init.headers);
  if (init.cookie) h.set("cookie", init.cookie);
  if (!h.has("host")) h.set("host", "switchboard.test");
  state.headers = h;
  state.setCookies.clear();
}

/** Cookies the code under test set during the current request. */
export function cookiesSet(): Map<string, string> {
  return new Map(state.setCookies);
}

function parseCookieHeader(): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (state.headers.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out.set(part.slice(0, i).trim(), decodeURIComponent(part.slice(i + 1).trim()));
  }
  return out;
}

const cookieStore = {
  get(name: string) {
    const v = state.setCookies.get(name) ?? parseCookieHeader().get(name);
    return v === undefined ? undefined : { name, value: v };
  },
  getAll() {
    return [...parseCookieHeader().entries()].map(([name, value]) => ({ name, value }));
  },
  has(name: string) {
    return parseCookieHeader().has(name) || state.setCookies.has(name);
  },
  set(name: string | { name: string; value: string }, value?: string, _opts?: CookieOptions) {
    if (typeof name === "object") state.setCookies.set(name.name, name.value);
    else state.setCookies.set(name, value ?? "");
    return cookieStore;
  },
  delete(name: string) {
    state.setCookies.set(name, "");
    return cookieStore;
  },
  get size() {
    return parseCookieHeader().size;
  },
  toString() {
    return state.headers.get("cookie") ?? "";
  },
};

export const nextHeaders = {
  headers: async () => state.headers,
  cookies: async () => cookieStore,
  draftMode: async () => ({ isEnabled: false, enable() {}, disable() {} }),
};
