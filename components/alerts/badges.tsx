import { Badge } from "@/components/ui/badge";
import { PRIORITY_LABELS, type Priority } from "@/lib/delivery/types";

const PRIORITY_TONE: Record<Priority, "neutral" | "blue" | "amber" | "red"> = {
  low: "neutral",
  medium: "blue",
  high: "amber",
  critical: "red",
};

export function PriorityBadge({ priority }: { priority: Priority }) {
  return <Badge tone={PRIORITY_TONE[priority]}>{PRIORITY_LABELS[priority]}</Badge>;
}

const STATUS: Record<string, { label: string; tone: "neutral" | "green" | "amber" | "red" | "blue" | "purple" }> = {
  planned: { label: "Pending", tone: "blue" },
  sending: { label: "Sending", tone: "blue" },
  sent: { label: "Sent", tone: "green" },
  skipped: { label: "Skipped", tone: "neutral" },
  failed: { label: "Retrying", tone: "amber" },
  dead: { label: "Failed", tone: "red" },
};

export function DeliveryStatusBadge({ status }: { status: string }) {
  const s = STATUS[status] ?? { label: status, tone: "neutral" as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}
