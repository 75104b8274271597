import { Badge } from "@/components/ui/badge";
import type { ConsentState } from "@/lib/integrations/consent";

export type ConnectionStatus = "pending" | "connected" | "disabled";

const STATUS: Record<ConnectionStatus, { label: string; tone: "green" | "amber" | "neutral" }> = {
  connected: { label: "Connected", tone: "green" },
  pending: { label: "Awaiting authorization", tone: "amber" },
  disabled: { label: "Disabled", tone: "neutral" },
};

export function ConnectionStatusBadge({ status }: { status: ConnectionStatus }) {
  const s = STATUS[status];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

const CONSENT: Record<ConsentState, { label: string; tone: "blue" | "purple" | "green" | "neutral" | "red" }> = {
  sent: { label: "Sent", tone: "blue" },
  opened: { label: "Opened", tone: "purple" },
  completed: { label: "Completed", tone: "green" },
  expired: { label: "Expired", tone: "neutral" },
  revoked: { label: "Revoked", tone: "red" },
};

export function ConsentStateBadge({ state }: { state: ConsentState }) {
  const s = CONSENT[state];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

const AUTH_LABELS = {
  credentials: "Admin credentials",
  oauth: "Admin consent (MSP)",
  consent_link: "Customer consent link",
} as const;

export function authModeLabel(mode: keyof typeof AUTH_LABELS): string {
  return AUTH_LABELS[mode];
}
