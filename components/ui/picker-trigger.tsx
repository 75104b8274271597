import * as React from "react";
import { ChevronsUpDown } from "lucide-react";
import { cn } from "@/lib/utils";

/**
 * The closed face of a searchable picker (organization picker, PSA company picker): a button that looks like the
 * kit's inputs, shows the chosen value or a muted placeholder, and opens a popover. Pass it to Radix
 * `Popover.Trigger asChild`; extra props (role, aria-*) go to the button.
 */
export const PickerTrigger = React.forwardRef<
  HTMLButtonElement,
  React.ButtonHTMLAttributes<HTMLButtonElement> & { label: string; muted?: boolean; invalid?: boolean }
>(function PickerTrigger({ label, muted, invalid, className, ...props }, ref) {
  return (
    <button
      ref={ref}
      type="button"
      aria-invalid={invalid || undefined}
      className={cn(
        "flex h-9 w-full min-w-0 items-center justify-between gap-2 rounded-md border border-slate-300 bg-white px-3 text-left text-sm shadow-sm hover:bg-slate-50 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-100 disabled:bg-slate-100",
        invalid && "border-red-500",
        className,
      )}
      {...props}
    >
      <span className={cn("truncate", muted && "text-slate-500")}>{label}</span>
      <ChevronsUpDown className="h-4 w-4 shrink-0 text-slate-400" aria-hidden />
    </button>
  );
});
