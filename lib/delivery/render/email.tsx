/**
 * The alert notification email, as HTML and plain text. The settings-page preview and the real message
 * are rendered by this same function, so what an admin previews is what recipients get.
 *
 * Content rules (R-DEL-7): the summary block is always the same; the Respond events list appears only
 * when `includeRespondEvents` is on and the IOC matches list only when `includeIocMatches` is on.
 * Nothing else depends on those toggles. All alert text is rendered as React text nodes, so React
 * escapes it; nothing here uses dangerouslySetInnerHTML.
 *
 * Layout: a single 600px column of tables with inline styles and system fonts, which is what renders
 * consistently in Outlook (Word engine), Gmail (strips <style> in some clients) and Apple Mail.
 */
import * as React from "react";
import {
  Body,
  Button,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Preview,
  Section,
  Text,
} from "@react-email/components";
import { render, toPlainText } from "@react-email/render";
import { PRIORITY_LABELS, type AlertForDelivery, type IocMatch, type Priority, type RespondEvent } from "../types";

/** Lists longer than this are cut, with a line pointing to the console, to keep emails readable. */
export const MAX_LISTED_EVENTS = 50;

export type AlertEmailInput = {
  alert: AlertForDelivery;
  organizationName: string;
  partnerName: string;
  /** The already-rendered subject (see subject.ts); used as the document title. */
  subject: string;
  includeRespondEvents: boolean;
  includeIocMatches: boolean;
  /** Link to the alert in the console; only http(s) URLs are used, anything else is ignored. */
  alertUrl?: string | null;
};

export type RenderedEmail = { html: string; text: string };

// ---------------------------------------------------------------------------------------------------
// Formatting helpers (deterministic: no locale or time-zone dependence, so previews match sends)
// ---------------------------------------------------------------------------------------------------

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "4 Mar 2025, 14:07:12 UTC"; an unparseable value is shown as given rather than as "Invalid Date". */
export function formatEmailTime(value: Date | string | undefined | null): string {
  if (value === undefined || value === null || value === "") return "";
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC`
  );
}

/** Only absolute http(s) links reach the email; a javascript: or data: URL would be an injection vector. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------
// Styles
// ---------------------------------------------------------------------------------------------------

const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const MONO = "SFMono-Regular, Consolas, 'Liberation Mono', Menlo, monospace";

const PRIORITY_COLORS: Record<Priority, { background: string; color: string; border: string }> = {
  low: { background: "#e0f2fe", color: "#075985", border: "#7dd3fc" },
  medium: { background: "#fef3c7", color: "#92400e", border: "#fcd34d" },
  high: { background: "#ffedd5", color: "#9a3412", border: "#fdba74" },
  critical: { background: "#fee2e2", color: "#991b1b", border: "#fca5a5" },
};

const styles = {
  body: { backgroundColor: "#f3f4f6", margin: 0, padding: "24px 0", fontFamily: FONT, color: "#111827" },
  container: {
    backgroundColor: "#ffffff",
    border: "1px solid #e5e7eb",
    borderRadius: "8px",
    maxWidth: "600px",
    padding: "0",
  },
  header: { backgroundColor: "#111827", borderRadius: "8px 8px 0 0", padding: "14px 24px" },
  headerText: { color: "#f9fafb", fontSize: "13px", lineHeight: "20px", margin: 0, letterSpacing: "0.02em" },
  content: { padding: "20px 24px 8px" },
  title: { fontSize: "20px", lineHeight: "28px", fontWeight: 600, margin: "12px 0 16px", color: "#111827" },
  label: {
    fontSize: "13px",
    color: "#6b7280",
    padding: "3px 16px 3px 0",
    verticalAlign: "top",
    whiteSpace: "nowrap" as const,
    width: "110px",
  },
  value: { fontSize: "13px", color: "#111827", padding: "3px 0", verticalAlign: "top", wordBreak: "break-word" as const },
  sectionHeading: { fontSize: "15px", lineHeight: "22px", fontWeight: 600, margin: "20px 0 8px", color: "#111827" },
  summary: { fontSize: "14px", lineHeight: "22px", margin: "0 0 8px", whiteSpace: "pre-line" as const },
  th: {
    fontSize: "12px",
    color: "#6b7280",
    textAlign: "left" as const,
    fontWeight: 600,
    padding: "6px 8px",
    borderBottom: "1px solid #e5e7eb",
    backgroundColor: "#f9fafb",
  },
  td: { fontSize: "13px", color: "#111827", padding: "6px 8px", borderBottom: "1px solid #f3f4f6", verticalAlign: "top" },
  mono: { fontFamily: MONO, fontSize: "12px", wordBreak: "break-all" as const },
  detail: { fontSize: "12px", color: "#6b7280", marginTop: "2px" },
  more: { fontSize: "12px", color: "#6b7280", margin: "6px 0 0" },
  button: {
    backgroundColor: "#111827",
    borderRadius: "6px",
    color: "#ffffff",
    fontSize: "14px",
    fontWeight: 600,
    padding: "10px 18px",
    textDecoration: "none",
  },
  hr: { borderColor: "#e5e7eb", margin: "24px 0 0" },
  footer: { fontSize: "12px", lineHeight: "18px", color: "#6b7280", padding: "12px 24px 20px", margin: 0 },
};

const tableProps = { role: "presentation", cellPadding: 0, cellSpacing: 0, border: 0, width: "100%" } as const;

// ---------------------------------------------------------------------------------------------------
// Components
// ---------------------------------------------------------------------------------------------------

function PriorityBadge({ priority }: { priority: Priority }) {
  const c = PRIORITY_COLORS[priority] ?? PRIORITY_COLORS.medium;
  return (
    <span
      style={{
        display: "inline-block",
        backgroundColor: c.background,
        color: c.color,
        border: `1px solid ${c.border}`,
        borderRadius: "999px",
        fontSize: "12px",
        fontWeight: 600,
        lineHeight: "18px",
        padding: "1px 10px",
      }}
    >
      {`${PRIORITY_LABELS[priority] ?? String(priority)} priority`}
    </span>
  );
}

function DetailRow({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <tr>
      <td style={styles.label}>{label}</td>
      <td style={styles.value}>{children}</td>
    </tr>
  );
}

function MoreLine({ total, noun }: { total: number; noun: string }) {
  if (total <= MAX_LISTED_EVENTS) return null;
  return (
    <Text style={styles.more}>
      {`…and ${total - MAX_LISTED_EVENTS} more ${noun}. Open the alert in the console to see them all.`}
    </Text>
  );
}

function RespondEventsSection({ events }: { events: RespondEvent[] }) {
  return (
    <Section>
      <Heading as="h2" style={styles.sectionHeading}>
        {`Respond events (${events.length})`}
      </Heading>
      <table {...tableProps} data-text-format="dataTable">
        <thead>
          <tr>
            <th style={styles.th}>Time</th>
            <th style={styles.th}>Action</th>
            <th style={styles.th}>Target</th>
            <th style={styles.th}>Result</th>
          </tr>
        </thead>
        <tbody>
          {events.slice(0, MAX_LISTED_EVENTS).map((event, index) => (
            <tr key={index}>
              <td style={{ ...styles.td, whiteSpace: "nowrap" }}>{formatEmailTime(event.time)}</td>
              <td style={styles.td}>
                {event.action}
                {event.detail ? <div style={styles.detail}>{event.detail}</div> : null}
              </td>
              <td style={{ ...styles.td, wordBreak: "break-word" }}>{event.target ?? "—"}</td>
              <td style={styles.td}>{event.result ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <MoreLine total={events.length} noun="Respond events" />
    </Section>
  );
}

function IocMatchesSection({ matches }: { matches: IocMatch[] }) {
  return (
    <Section>
      <Heading as="h2" style={styles.sectionHeading}>
        {`IOC matches (${matches.length})`}
      </Heading>
      <table {...tableProps} data-text-format="dataTable">
        <thead>
          <tr>
            <th style={styles.th}>Type</th>
            <th style={styles.th}>Value</th>
            <th style={styles.th}>Source</th>
          </tr>
        </thead>
        <tbody>
          {matches.slice(0, MAX_LISTED_EVENTS).map((match, index) => (
            <tr key={index}>
              <td style={{ ...styles.td, whiteSpace: "nowrap" }}>{match.type}</td>
              <td style={{ ...styles.td, ...styles.mono }}>{match.value}</td>
              <td style={styles.td}>{match.source ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <MoreLine total={matches.length} noun="IOC matches" />
    </Section>
  );
}

/** The email as a React element; exported for the settings preview, which may render it in-page. */
export function AlertEmail(props: AlertEmailInput) {
  const { alert, organizationName, partnerName, subject, includeRespondEvents, includeIocMatches } = props;
  const alertUrl = safeHttpUrl(props.alertUrl);
  // Empty lists are left out even when the toggle is on: a heading over nothing says nothing.
  const showRespond = includeRespondEvents && alert.respondEvents.length > 0;
  const showIoc = includeIocMatches && alert.iocMatches.length > 0;
  const priority = PRIORITY_LABELS[alert.priority] ?? String(alert.priority);

  return (
    <Html lang="en">
      <Head>
        <title>{subject}</title>
      </Head>
      <Preview>{`${priority} alert for ${organizationName}: ${alert.title}`}</Preview>
      <Body style={styles.body}>
        <Container style={styles.container}>
          <Section style={styles.header}>
            <Text style={styles.headerText}>{`${partnerName} · Security alert`}</Text>
          </Section>
          <Section style={styles.content}>
            <PriorityBadge priority={alert.priority} />
            <Heading as="h1" style={styles.title}>
              {alert.title}
            </Heading>
            <table {...tableProps} data-text-format="dataTable">
              <tbody>
                <DetailRow label="Organization">{organizationName}</DetailRow>
                <DetailRow label="Priority">{priority}</DetailRow>
                <DetailRow label="Detected">{formatEmailTime(alert.detectedAt)}</DetailRow>
                {alert.source ? <DetailRow label="Source">{alert.source}</DetailRow> : null}
                <DetailRow label="Alert ID">
                  <span style={styles.mono}>{alert.id}</span>
                </DetailRow>
              </tbody>
            </table>
            <Heading as="h2" style={styles.sectionHeading}>
              Summary
            </Heading>
            <Text style={styles.summary}>{alert.summary}</Text>
            {alertUrl ? (
              <Section style={{ padding: "8px 0 4px" }}>
                <Button href={alertUrl} style={styles.button}>
                  View alert in the console
                </Button>
              </Section>
            ) : null}
            {showRespond ? <RespondEventsSection events={alert.respondEvents} /> : null}
            {showIoc ? <IocMatchesSection matches={alert.iocMatches} /> : null}
          </Section>
          <Hr style={styles.hr} />
          <Text style={styles.footer}>
            {`Sent by ${partnerName}. This notification reports an alert that already exists; changing notification ` +
              "settings changes where alerts are sent, not whether they are raised or investigated."}
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

/** Renders the notification as HTML and a plain-text alternative (for multipart/alternative). */
export async function renderAlertEmail(input: AlertEmailInput): Promise<RenderedEmail> {
  const html = await render(<AlertEmail {...input} />);
  // Converting the rendered HTML (rather than rendering twice) keeps both parts from the same tree.
  const text = toPlainText(html, {
    wordwrap: 78,
    selectors: [
      { selector: "a", options: { hideLinkHrefIfSameAsText: true } },
      { selector: "h1", options: { uppercase: false } },
      { selector: "h2", options: { uppercase: false } },
      {
        selector: '[data-text-format="dataTable"]',
        format: "dataTable",
        options: { uppercaseHeaderCells: false, maxColumnWidth: 34, colSpacing: 2, rowSpacing: 0 },
      },
    ],
  });
  return { html, text };
}
