import { openConsentLink } from "@/lib/integrations/consent";
import { formatDateTime } from "@/lib/utils";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConsentAuthorizeForm } from "@/components/integrations/consent-authorize";

export const dynamic = "force-dynamic";
export const metadata = { title: "Authorize a connection" };

const DEAD: Record<"expired" | "used" | "revoked" | "unknown", { title: string; body: string }> = {
  expired: { title: "This link has expired", body: "Consent links work for a limited time. Ask your service provider to send a new one." },
  used: { title: "This link has already been used", body: "The connection was authorized with it. There is nothing more to do; if you think this is wrong, contact your service provider." },
  revoked: { title: "This link is no longer valid", body: "Your service provider replaced or withdrew it. Use the most recent link they sent, or ask them for a new one." },
  unknown: { title: "This link is not valid", body: "Check that you opened the whole link from the email, or ask your service provider for a new one." },
};

/**
 * The customer's consent page (R-INT-6). Opening it never uses the link (mail scanners open links first): it
 * only shows who asks, for which organization and application, and what access — the Authorize button's
 * POST does the rest. Expired, used, revoked and unknown links get a clear page and change nothing.
 */
export default async function ConsentPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const view = await openConsentLink(token);
  if (view.status !== "valid") {
    const d = DEAD[view.status];
    return (
      <Card>
        <CardHeader title={d.title} />
        <CardBody>
          <p className="text-sm text-slate-700">{d.body}</p>
          {view.partnerName ? <p className="mt-2 text-sm text-slate-600">Service provider: {view.partnerName}</p> : null}
        </CardBody>
      </Card>
    );
  }
  return (
    <Card>
      <CardHeader
        title={`Connect ${view.app.name} for ${view.organizationName}`}
        description={`${view.partnerName} monitors security for ${view.organizationName} and asks you to authorize this connection.`}
      />
      <CardBody className="space-y-5">
        <dl className="grid gap-3 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Requested by</dt>
            <dd className="mt-0.5 font-medium text-slate-900">{view.partnerName}</dd>
          </div>
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Organization</dt>
            <dd className="mt-0.5 font-medium text-slate-900">{view.organizationName}</dd>
          </div>
          <div>
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Application</dt>
            <dd className="mt-0.5 font-medium text-slate-900">
              {view.app.name} <span className="font-normal text-slate-500">({view.app.vendor})</span>
            </dd>
          </div>
        </dl>
        <div className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm">
          <p className="font-medium text-slate-800">Access requested</p>
          <ul className="mt-1 list-disc space-y-0.5 pl-5 text-slate-700">
            {view.app.access.map((a) => (
              <li key={a}>{a}</li>
            ))}
          </ul>
          <p className="mt-2 text-xs text-slate-600">Read-only. You can remove the access at any time in {view.app.vendor}&apos;s admin console.</p>
        </div>
        <ConsentAuthorizeForm token={token} appType={view.app.type} appName={view.app.name} setupHint={view.app.setupHint} authorization={view.authorization} />
        <p className="text-xs text-slate-500">This link works once and expires on {formatDateTime(view.expiresAt)}.</p>
      </CardBody>
    </Card>
  );
}
