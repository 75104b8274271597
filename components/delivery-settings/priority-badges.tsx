import { Badge } from "@/components/ui/badge";
import { PRIORITIES, PRIORITY_LABELS, type Priority } from "@/lib/delivery/types";

const TONES: Record<Priority, { tone: "blue" | "amber" | "red"; className?: string }> = {
  low: { tone: "blue" },
  medium: { tone: "amber" },
  high: { tone: "amber", className: "bg-orange-50 text-orange-800 ring-orange-200" },
  critical: { tone: "red" },
};

export function PriorityBadge({ priority }: { priority: Priority }) {
  const t = TONES[priority];
  return (
    <Badge tone={t.tone} className={t.className}>
      {PRIORITY_LABELS[priority]}
    </Badge>
  );
}

/** A recipient's priority scope as badges, always in Low → Critical order (R-DEL-5). */
export function PriorityBadges({ priorities, label }: { priorities: readonly Priority[]; label?: string }) {
  return (
    <ul className="flex flex-wrap gap-1" aria-label={label ?? "Priority scope"}>
      {PRIORITIES.filter((p) => priorities.includes(p)).map((p) => (
        <li key={p}>
          <PriorityBadge priority={p} />
        </li>
      ))}
    </ul>
  );
}
