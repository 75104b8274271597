import { cn } from "@/lib/utils";
import type { AppCategory } from "@/lib/integrations/catalog";

const TONES: Record<AppCategory, string> = {
  msp_tools: "bg-sky-100 text-sky-800",
  customer_apps: "bg-violet-100 text-violet-800",
  endpoint_security: "bg-emerald-100 text-emerald-800",
};

/** A small monogram for an application (no vendor logos are shipped). */
export function AppMark({ name, category, className }: { name: string; category: AppCategory; className?: string }) {
  const letters = name
    .replace(/for Endpoint/i, "")
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => (/^\d/.test(w) ? w.slice(0, 3) : w[0]))
    .join("")
    .toUpperCase();
  return (
    <span
      aria-hidden
      className={cn(
        "inline-flex h-8 w-8 shrink-0 items-center justify-center rounded-md font-semibold",
        letters.length > 2 ? "text-[10px] tracking-tight" : "text-xs",
        TONES[category],
        className,
      )}
    >
      {letters}
    </span>
  );
}
