/**
 * A connection's page, the same for both entry points (R-INT-1): what it is and where its data goes, the
 * duplicate-instance warning (R-INT-4), telemetry per organization, the sources seen and their mapping
 * (R-INT-5), the ingest token, settings with write-only secrets (R-SEC-2), and disable/delete.
 * Presentational: the page reads through lib/ and passes the data in.
 */
import Link from "next/link";
import type { ConnectionDetail } from "@/lib/integrations/connections";
import type { ConnectionSource } from "@/lib/integrations/mappings";
import { providerLabel, CATEGORY_LABELS, type AppCategory } from "@/lib/integrations/catalog";
import { formatDateTime } from "@/lib/utils";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { AppMark } from "./app-mark";
import { authModeLabel, ConnectionStatusBadge } from "./badges";
import {
  ConnectionLifecycle,
  ConnectionSettingsForm,
  ContinueAuthorizationButton,
  RemoveSourceButton,
  RotateTokenButton,
  SourceMappingDialog,
} from "./connection-controls";
import { DuplicateInstanceNotice, Notice } from "./notices";

type Org = { id: string; name: string };

export function ConnectionView({
  detail,
  sources,
  telemetry,
  organizations,
  authorizationOutcome,
  sourcesHref,
  applicationsHref,
  afterDelete,
  ingestUrl,
  nameInPageHeader = false,
}: {
  detail: ConnectionDetail;
  sources: { rows: ConnectionSource[]; total: number; unmapped: number; page: number; pageSize: number };
  telemetry: { organizationId: string; organizationName: string; events: number }[];
  organizations: Org[];
  authorizationOutcome?: "connected" | "denied";
  sourcesHref: (page: number) => string;
  applicationsHref: string;
  afterDelete: string;
  ingestUrl: string;
  /** The page header already shows the connection's name (Settings); the first card then says "Overview". */
  nameInPageHeader?: boolean;
}) {
  const noun = detail.app.sourceNoun;
  const manage = detail.canManage;
  const oauth = detail.app.authorization.kind === "oauth" ? detail.app.authorization : null;
  const label = detail.name;
  const total24h = telemetry.reduce((n, t) => n + t.events, 0);
  return (
    <div className="space-y-6">
      {authorizationOutcome === "connected" ? (
        <Notice tone="info" role="status" title={`${detail.app.name} is connected`}>
          Admin consent was granted{detail.grantedSettings.length ? ` (${detail.grantedSettings.map((g) => `${g.label} ${g.value}`).join(", ")})` : ""}.
        </Notice>
      ) : authorizationOutcome === "denied" ? (
        <Notice tone="warning" role="alert" title={`${detail.app.name} was not connected`}>
          Consent was declined at {oauth ? providerLabel(oauth.provider) : "the provider"}. Nothing changed; you can try again.
        </Notice>
      ) : null}

      <Card>
        <CardHeader
          title={
            <span className="flex items-center gap-3">
              {nameInPageHeader ? null : <AppMark name={detail.app.name} category={detail.app.category as AppCategory} />}
              <span>{nameInPageHeader ? "Overview" : label}</span>
              <ConnectionStatusBadge status={detail.status} />
            </span>
          }
          description={[
            nameInPageHeader || detail.name !== detail.app.name ? detail.app.name : null,
            CATEGORY_LABELS[detail.app.category as AppCategory],
            detail.entryPoint === "settings" ? "created in Settings > Integrations (platform level)" : `created on ${detail.organizationName}'s Applications tab`,
          ]
            .filter(Boolean)
            .join(" · ")}
          actions={manage ? <ConnectionLifecycle connectionId={detail.id} label={label} status={detail.status} afterDelete={afterDelete} /> : null}
        />
        <CardBody className="space-y-4">
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
            <div>
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Unmapped data goes to</dt>
              <dd className="mt-0.5">
                <Link href={`/organizations/${detail.organizationId}/applications`} className="font-medium text-slate-900 hover:underline">
                  {detail.organizationName}
                </Link>
              </dd>
            </div>
            <div>
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Authorized with</dt>
              <dd className="mt-0.5 text-slate-800">
                {detail.status === "pending" ? (detail.pendingConsent ? "Waiting for the customer's consent" : "Waiting for admin consent") : authModeLabel(detail.authMode)}
              </dd>
            </div>
            <div>
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Last telemetry</dt>
              <dd className="mt-0.5 text-slate-800">{detail.lastTelemetryAt ? formatDateTime(detail.lastTelemetryAt) : "None received yet"}</dd>
            </div>
            {detail.grantedSettings.map((g) => (
              <div key={g.key}>
                <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{g.label}</dt>
                <dd className="mt-0.5 break-all font-mono text-xs text-slate-800">{g.value}</dd>
              </div>
            ))}
          </dl>
          {detail.duplicates.length ? <DuplicateInstanceNotice duplicates={detail.duplicates} /> : null}
          {detail.status === "pending" && oauth && manage && !detail.pendingConsent ? (
            <Notice tone="warning" title="Admin consent is not complete">
              <p className="mb-2">
                Sign in to {providerLabel(oauth.provider)} as the customer&apos;s administrator and grant consent. Until then, telemetry is not accepted.
              </p>
              <ContinueAuthorizationButton connectionId={detail.id} provider={providerLabel(oauth.provider)} />
            </Notice>
          ) : null}
          {detail.status === "pending" && detail.pendingConsent ? (
            <Notice tone="info" title="Waiting for the customer">
              A consent link is open. Its state, resend and revoke are on the{" "}
              <Link href={applicationsHref} className="font-medium text-brand-700 underline underline-offset-2">
                Applications tab
              </Link>
              .
            </Notice>
          ) : null}
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Telemetry in the last 24 hours"
          description={`${total24h.toLocaleString("en-US")} events, counted per organization they were stored under.`}
          actions={manage ? <RotateTokenButton connectionId={detail.id} /> : null}
        />
        <CardBody className="space-y-4">
          {telemetry.length === 0 ? (
            <p className="text-sm text-slate-600">No telemetry received in the last 24 hours.</p>
          ) : (
            <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
              {telemetry.map((t) => (
                <li key={t.organizationId} className="flex items-center justify-between px-4 py-2 text-sm">
                  <span className="text-slate-800">
                    {t.organizationName}
                    {t.organizationId === detail.organizationId ? <span className="ml-2 text-xs text-slate-500">(selected organization)</span> : null}
                  </span>
                  <span className="tabular-nums font-medium text-slate-900">{t.events.toLocaleString("en-US")}</span>
                </li>
              ))}
            </ul>
          )}
          <div className="text-xs text-slate-600">
            <p>
              Ingest endpoint: <code className="rounded bg-slate-100 px-1 py-0.5 text-slate-800">POST {ingestUrl}</code>
            </p>
            <p className="mt-1">
              Token: <code className="rounded bg-slate-100 px-1 py-0.5 text-slate-800">{detail.ingestTokenPrefix ? `${detail.ingestTokenPrefix}…` : "none"}</code> (Bearer; shown once when issued).
              Body: <code className="rounded bg-slate-100 px-1 py-0.5 text-slate-800">{`{"events":[{"source_id":"…","payload":{…},"occurred_at":"…"}]}`}</code>, up to 1,000 events.
            </p>
          </div>
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title={`${noun.charAt(0).toUpperCase()}${noun.slice(1)}s and mapping`}
          description={`Each ${noun} seen in telemetry or entered here, and the organization its telemetry goes to. Unmapped ${noun}s are stored under ${detail.organizationName}.`}
          actions={
            manage ? (
              <SourceMappingDialog connectionId={detail.id} noun={noun} organizations={organizations} defaultOrganizationName={detail.organizationName} />
            ) : null
          }
        />
        {sources.total === 0 ? (
          <EmptyState title={`No ${noun}s yet`} description={`${noun.charAt(0).toUpperCase()}${noun.slice(1)}s appear here when telemetry carries them, or when you add one to map it ahead of time.`} />
        ) : (
          <>
            {sources.unmapped ? (
              <p className="border-b border-slate-200 bg-amber-50 px-5 py-2 text-sm text-amber-900">
                {sources.unmapped} unmapped {sources.unmapped === 1 ? noun : `${noun}s`}: their telemetry is stored under {detail.organizationName}.
              </p>
            ) : null}
            <Table>
              <THead>
                <tr>
                  <TH>{noun}</TH>
                  <TH>Telemetry goes to</TH>
                  <TH>Last seen</TH>
                  {manage ? <TH className="text-right">Actions</TH> : null}
                </tr>
              </THead>
              <TBody>
                {sources.rows.map((s) => (
                  <TR key={s.externalSourceId}>
                    <TD>
                      <p className="font-medium text-slate-900">{s.externalSourceName ?? s.externalSourceId}</p>
                      {s.externalSourceName ? <p className="font-mono text-xs text-slate-500">{s.externalSourceId}</p> : null}
                    </TD>
                    <TD>
                      {s.organizationId ? (
                        <span className="text-slate-800">{s.organizationName}</span>
                      ) : (
                        <span className="flex flex-wrap items-center gap-2">
                          <Badge tone="amber">Unmapped</Badge>
                          <span className="text-xs text-slate-600">stored under {detail.organizationName}</span>
                        </span>
                      )}
                    </TD>
                    <TD className="text-slate-600">{s.lastSeenAt ? formatDateTime(s.lastSeenAt) : "Not seen yet"}</TD>
                    {manage ? (
                      <TD className="text-right">
                        <div className="flex justify-end gap-1">
                          <SourceMappingDialog
                            connectionId={detail.id}
                            noun={noun}
                            organizations={organizations}
                            defaultOrganizationName={detail.organizationName}
                            source={{ externalSourceId: s.externalSourceId, externalSourceName: s.externalSourceName, organizationId: s.organizationId }}
                          />
                          <RemoveSourceButton connectionId={detail.id} externalSourceId={s.externalSourceId} label={s.externalSourceName ?? s.externalSourceId} noun={noun} />
                        </div>
                      </TD>
                    ) : null}
                  </TR>
                ))}
              </TBody>
            </Table>
            {sources.total > sources.pageSize ? <Pagination page={sources.page} pageSize={sources.pageSize} total={sources.total} hrefFor={sourcesHref} /> : null}
          </>
        )}
      </Card>

      {detail.fields.length || manage ? (
        <Card>
          <CardHeader
            title="Connection settings"
            description={detail.fields.some((f) => f.secret) ? "Secrets are write-only: they are never shown again, only replaced by typing new values." : undefined}
          />
          <CardBody>
            {manage ? (
              <ConnectionSettingsForm
                connectionId={detail.id}
                name={detail.name}
                fields={detail.fields}
                credentialsSetAt={detail.credentialsSetAt ? detail.credentialsSetAt.toISOString() : null}
              />
            ) : (
              <dl className="grid gap-3 text-sm sm:grid-cols-2">
                {detail.fields.map((f) => (
                  <div key={f.key}>
                    <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{f.label}</dt>
                    <dd className="mt-0.5 text-slate-800">{f.secret ? (detail.credentialsSetAt ? `•••••••• set on ${formatDateTime(detail.credentialsSetAt)}` : "Not set") : (f.value ?? "—")}</dd>
                  </div>
                ))}
              </dl>
            )}
          </CardBody>
        </Card>
      ) : null}
    </div>
  );
}
