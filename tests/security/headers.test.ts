/**
 * Security headers (proxy.ts and next.config.js), as a unit: the production CSP has a nonce, 'strict-dynamic'
 * and no 'unsafe-eval'; frames are refused; HSTS and upgrade-insecure-requests only over TLS; the static headers
 * of next.config.js are the proxy's. (The headers on real responses: e2e/security.spec.ts.)
 */
import { describe, expect, it } from "vitest";
import type { NextConfig } from "next";
import { contentSecurityPolicy, securityHeaders, STATIC_SECURITY_HEADERS } from "@/proxy";

describe("security headers", () => {
  it("production CSP: per-request nonce with strict-dynamic, no unsafe-eval or unsafe-inline scripts, no framing, no plugins", () => {
    const csp = contentSecurityPolicy({ nonce: "abc123", https: false, dev: false });
    const script = csp.split("; ").find((d) => d.startsWith("script-src"))!;
    expect(script).toBe("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("base-uri 'self'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("the API reference (static HTML, Swagger UI from this origin) gets script-src 'self' and still no eval", () => {
    const csp = contentSecurityPolicy({ nonce: "n", https: false, dev: false, apiDocs: true });
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain("unsafe-eval");
  });

  it("only `next dev` gets unsafe-eval (React's dev tooling needs it)", () => {
    expect(contentSecurityPolicy({ nonce: "n", https: false, dev: true })).toContain("'unsafe-eval'");
  });

  it("HSTS and upgrade-insecure-requests exactly when the console is served over TLS", () => {
    expect(securityHeaders({ nonce: "n", https: false, dev: false })["Strict-Transport-Security"]).toBeUndefined();
    const tls = securityHeaders({ nonce: "n", https: true, dev: false });
    expect(tls["Strict-Transport-Security"]).toMatch(/^max-age=\d{8}; includeSubDomains$/);
    expect(tls["Content-Security-Policy"]).toContain("upgrade-insecure-requests");
  });

  it("next.config.js sets the proxy's static headers on every path (static files included)", async () => {
    // @ts-expect-error next.config.js is plain JavaScript (checked with JSDoc, not declared for TypeScript)
    const nextConfig = (await import("@/next.config.js")).default as NextConfig;
    const rules = await nextConfig.headers!();
    const all = rules.find((r) => r.source === "/:path*")!;
    expect(Object.fromEntries(all.headers.map((h) => [h.key, h.value]))).toEqual(STATIC_SECURITY_HEADERS);
  });
});
