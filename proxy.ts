/**
 * Security headers for every page and route handler (Next.js 16 "proxy", formerly middleware):
 *  - a Content-Security-Policy with a fresh nonce per request: Next.js reads the nonce from the request's
 *    CSP header and puts it on the inline scripts it needs for hydration, so scripts run only when they carry
 *    it ('strict-dynamic' lets them load the app's chunks). No 'unsafe-eval' outside `next dev`;
 *    frame-ancestors 'none' (no clickjacking), object-src 'none', base-uri and form-action 'self';
 *  - the API reference (/api-docs, static HTML loading Swagger UI from this origin) gets script-src 'self';
 *  - HSTS when the console is served over TLS (SWITCHBOARD_URL https://...), plus upgrade-insecure-requests.
 * Headers that need no nonce (nosniff, referrer policy, ...) are also set for static files in next.config.js.
 */
import { NextResponse, type NextRequest } from "next/server";
import { env, publicUrl } from "@/lib/env";

export const STATIC_SECURITY_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

export function contentSecurityPolicy(opts: { nonce: string; https: boolean; dev: boolean; apiDocs?: boolean }): string {
  const script = opts.apiDocs
    ? "script-src 'self'"
    : `script-src 'self' 'nonce-${opts.nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`;
  return [
    "default-src 'self'",
    script,
    // React style attributes and the toast library's injected <style>: inline styles, never inline scripts.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${opts.dev ? " ws: wss:" : ""}`,
    "frame-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

export function securityHeaders(opts: { nonce: string; https: boolean; dev: boolean; apiDocs?: boolean }): Record<string, string> {
  return {
    ...STATIC_SECURITY_HEADERS,
    "Content-Security-Policy": contentSecurityPolicy(opts),
    ...(opts.https ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const headers = securityHeaders({
    nonce,
    https: publicUrl().startsWith("https://"),
    dev: env.NODE_ENV === "development",
    apiDocs: request.nextUrl.pathname === "/api-docs" || request.nextUrl.pathname.startsWith("/api-docs/"),
  });
  // Next.js takes the nonce for its own scripts from the request's CSP header.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", headers["Content-Security-Policy"]);
  requestHeaders.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Everything but Next's build assets (they carry the static headers from next.config.js).
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
