/**
 * The customer's Authorize button (R-INT-6): the only request that uses a consent link. Public (the token in
 * the path is the credential) and CSRF-safe: JSON only (a cross-site form cannot send it without a CORS
 * preflight, which this route never grants) and the Origin must be this site. Credential applications are
 * completed here; OAuth applications get the provider URL to continue at.
 */
import { NextResponse } from "next/server";
import { ValidationError } from "@/lib/errors";
import { beginConsentAuthorization, completeConsentWithCredentials, ConsentLinkError } from "@/lib/integrations/consent";
import { logger } from "@/lib/logger";
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE } from "@/lib/validations/common";
import { consentAuthorizeSchema } from "@/lib/validations/integrations";

const HEADERS = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

function json(status: number, body: unknown) {
  return NextResponse.json(body, { status, headers: HEADERS });
}

function sameOrigin(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin") return false;
  const origin = request.headers.get("origin");
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export async function POST(request: Request, { params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    return json(415, { error: "Send the form as application/json." });
  }
  if (!sameOrigin(request)) return json(403, { error: "This request did not come from the consent page." });
  let body: unknown;
  try {
    const text = await request.text();
    if (text.length > 64 * 1024) return json(413, { error: "The form is too large." });
    body = JSON.parse(text || "{}");
  } catch {
    return json(400, { error: "The form could not be read. Reload the page and try again." });
  }
  const parsed = consentAuthorizeSchema.safeParse(body);
  if (!parsed.success) return json(400, { error: "The form could not be read. Reload the page and try again." });
  const unstorable = findUnstorableText(parsed.data);
  if (unstorable !== null) return json(400, { error: UNSTORABLE_TEXT_MESSAGE, fieldErrors: { [unstorable]: [UNSTORABLE_TEXT_MESSAGE] } });
  try {
    if (parsed.data.credentials) {
      const done = await completeConsentWithCredentials(token, parsed.data.credentials);
      return json(200, { status: "connected", appName: done.appName, organizationName: done.organizationName });
    }
    const { authorizeUrl } = await beginConsentAuthorization(token);
    return json(200, { status: "redirect", redirectTo: authorizeUrl });
  } catch (err) {
    if (err instanceof ConsentLinkError) return json(410, { error: err.message, reason: err.reason });
    if (err instanceof ValidationError) return json(400, { error: err.message, fieldErrors: err.fieldErrors });
    logger.error("consent authorize failed", { error: err instanceof Error ? err.message : String(err) });
    return json(500, { error: "Something went wrong on our side. Nothing was changed; try again." });
  }
}
