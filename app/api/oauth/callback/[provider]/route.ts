/**
 * Where Microsoft and Google send the browser back after admin consent. The `state` decides everything
 * (lib/integrations/oauth): a customer's consent link → the public "connected" page; an MSP user's own
 * consent → the connection's page. Unknown, used, expired or mismatched state is refused with a 4xx page
 * and changes nothing.
 */
import { NextResponse } from "next/server";
import { getViewer } from "@/lib/auth/viewer";
import { connectionHref } from "@/lib/integrations/access";
import { completeOAuthCallback, OAuthCallbackError } from "@/lib/integrations/oauth";
import { publicUrl } from "@/lib/env";
import { logger } from "@/lib/logger";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function errorPage(status: number, message: string) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>Authorization not completed · Switchboard</title></head>
<body style="font-family:system-ui,-apple-system,'Segoe UI',sans-serif;background:#f8fafc;color:#0f172a;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0;padding:24px">
<main style="max-width:28rem;background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:24px">
<h1 style="font-size:18px;margin:0 0 8px">Authorization not completed</h1>
<p style="font-size:14px;color:#475569;margin:0">${escapeHtml(message)}</p>
<p style="font-size:14px;color:#475569;margin:12px 0 0">Nothing was changed.</p>
</main></body></html>`;
  return new NextResponse(html, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "referrer-policy": "no-referrer" } });
}

export async function GET(request: Request, { params }: { params: Promise<{ provider: string }> }) {
  const { provider } = await params;
  const url = new URL(request.url);
  const viewer = await getViewer().catch(() => null);
  try {
    const result = await completeOAuthCallback(provider, url.searchParams, viewer);
    let target: URL;
    if (result.flow === "consent") {
      target = new URL("/consent/complete", publicUrl());
      target.searchParams.set("app", result.appType);
      target.searchParams.set("outcome", result.outcome);
    } else {
      target = new URL(connectionHref({ id: result.connectionId, entryPoint: result.entryPoint, organizationId: result.organizationId }), publicUrl());
      target.searchParams.set("authorization", result.outcome);
    }
    return NextResponse.redirect(target, { status: 303, headers: { "referrer-policy": "no-referrer" } });
  } catch (err) {
    if (err instanceof OAuthCallbackError) return errorPage(err.status, err.message);
    logger.error("oauth callback failed", { provider, error: err instanceof Error ? err.message : String(err) });
    return errorPage(500, "Something went wrong on our side while finishing the authorization. Try again.");
  }
}
