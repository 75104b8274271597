/**
 * A local OAuth authorization server on loopback for tests and the e2e server, standing in for the two
 * public authorities Switchboard talks to (their URLs are configuration, lib/env.ts):
 *  - Microsoft admin consent: GET /common/adminconsent?client_id&redirect_uri&state redirects back with
 *    `admin_consent=True&tenant=<id>&state=<state>` (or `error=access_denied` when told to deny);
 *  - Google: GET /o/oauth2/v2/auth?client_id&redirect_uri&response_type=code&scope&state redirects back with
 *    `code` + `state`; POST /token exchanges that code (once, with the right client secret and redirect_uri)
 *    for tokens plus an ID token naming the Workspace domain (`hd`).
 * node:http only. It checks what a real authority checks (client id, redirect URI, single-use codes), so
 * a Switchboard bug in those shows up here.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type OAuthServerOptions = {
  microsoftClientId?: string;
  googleClientId?: string;
  googleClientSecret?: string;
  /** The tenant Microsoft "grants" consent for. */
  tenantId?: string;
  /** The Workspace domain Google's ID token names. */
  googleDomain?: string;
  googleAdminEmail?: string;
  port?: number;
};

export type OAuthServer = {
  url: string;
  port: number;
  options: Required<Omit<OAuthServerOptions, "port">>;
  /** Make the next consent screens refuse (as if the admin clicked Cancel). */
  setDeny(deny: boolean): void;
  /** Every request seen, for assertions (path + query; never bodies). */
  requests: { method: string; path: string; query: Record<string, string> }[];
  close(): Promise<void>;
};

function base64url(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString("base64url");
}

export async function startOAuthServer(opts: OAuthServerOptions = {}): Promise<OAuthServer> {
  const options = {
    microsoftClientId: opts.microsoftClientId ?? "sb-test-microsoft-client",
    googleClientId: opts.googleClientId ?? "sb-test-google-client.apps.googleusercontent.com",
    googleClientSecret: opts.googleClientSecret ?? "sb-test-google-secret",
    tenantId: opts.tenantId ?? "72f988bf-86f1-41af-91ab-2d7cd011db47",
    googleDomain: opts.googleDomain ?? "contoso-customer.example",
    googleAdminEmail: opts.googleAdminEmail ?? "admin@contoso-customer.example",
  };
  let deny = false;
  const codes = new Map<string, { redirectUri: string; scope: string }>();
  const requests: OAuthServer["requests"] = [];

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(body));
  };
  const redirect = (res: http.ServerResponse, to: URL) => {
    res.writeHead(302, { location: to.toString() });
    res.end();
  };
  const validRedirect = (v: string | null): URL | null => {
    try {
      const u = v ? new URL(v) : null;
      return u && (u.protocol === "http:" || u.protocol === "https:") ? u : null;
    } catch {
      return null;
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push({ method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams) });

    if (req.method === "GET" && url.pathname === "/common/adminconsent") {
      const back = validRedirect(url.searchParams.get("redirect_uri"));
      if (url.searchParams.get("client_id") !== options.microsoftClientId || !back) {
        return send(res, 400, { error: "invalid_request", error_description: "AADSTS700016: unknown client_id or bad redirect_uri" });
      }
      const state = url.searchParams.get("state");
      if (deny) {
        back.searchParams.set("error", "access_denied");
        back.searchParams.set("error_description", "AADSTS65004: User declined to consent to access the app.");
      } else {
        back.searchParams.set("admin_consent", "True");
        back.searchParams.set("tenant", options.tenantId);
      }
      if (state !== null) back.searchParams.set("state", state);
      return redirect(res, back);
    }

    if (req.method === "GET" && url.pathname === "/o/oauth2/v2/auth") {
      const back = validRedirect(url.searchParams.get("redirect_uri"));
      if (url.searchParams.get("client_id") !== options.googleClientId || !back || url.searchParams.get("response_type") !== "code") {
        return send(res, 400, { error: "invalid_request" });
      }
      const state = url.searchParams.get("state");
      if (deny) {
        back.searchParams.set("error", "access_denied");
      } else {
        const code = `4/${randomBytes(16).toString("base64url")}`;
        codes.set(code, { redirectUri: back.origin + back.pathname, scope: url.searchParams.get("scope") ?? "" });
        back.searchParams.set("code", code);
        back.searchParams.set("scope", url.searchParams.get("scope") ?? "");
      }
      if (state !== null) back.searchParams.set("state", state);
      return redirect(res, back);
    }

    if (req.method === "POST" && url.pathname === "/token") {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (c: string) => {
        body += c;
        if (body.length > 64 * 1024) req.destroy();
      });
      req.on("end", () => {
        const form = new URLSearchParams(body);
        if (form.get("client_id") !== options.googleClientId || form.get("client_secret") !== options.googleClientSecret) {
          return send(res, 401, { error: "invalid_client" });
        }
        const code = form.get("code") ?? "";
        const issued = codes.get(code);
        codes.delete(code); // single use, like Google
        if (form.get("grant_type") !== "authorization_code" || !issued || issued.redirectUri !== form.get("redirect_uri")) {
          return send(res, 400, { error: "invalid_grant", error_description: "Bad Request" });
        }
        const idToken = `${base64url({ alg: "RS256", typ: "JWT" })}.${base64url({
          iss: "https://accounts.google.com",
          aud: options.googleClientId,
          sub: "1098765432101234567890",
          email: options.googleAdminEmail,
          email_verified: true,
          hd: options.googleDomain,
          iat: Math.floor(Date.now() / 1000),
          exp: Math.floor(Date.now() / 1000) + 3600,
        })}.${randomBytes(32).toString("base64url")}`;
        return send(res, 200, {
          access_token: `ya29.${randomBytes(24).toString("base64url")}`,
          refresh_token: `1//${randomBytes(24).toString("base64url")}`,
          expires_in: 3599,
          scope: issued.scope,
          token_type: "Bearer",
          id_token: idToken,
        });
      });
      return;
    }

    send(res, 404, { error: "not_found" });
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    options,
    requests,
    setDeny: (d) => {
      deny = d;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
