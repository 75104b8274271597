"use client";

import * as React from "react";
import { Checkbox as C } from "radix-ui";
import { Check } from "lucide-react";
import { cn } from "@/lib/utils";

export const Checkbox = React.forwardRef<React.ComponentRef<typeof C.Root>, React.ComponentPropsWithoutRef<typeof C.Root>>(
  function Checkbox({ className, ...props }, ref) {
    return (
      <C.Root
        ref={ref}
        className={cn(
          "flex h-4 w-4 shrink-0 items-center justify-center rounded border border-slate-400 bg-white data-[state=checked]:border-brand-600 data-[state=checked]:bg-brand-600 disabled:opacity-50",
          className,
        )}
        {...props}
      >
        <C.Indicator>
          <Check className="h-3 w-3 text-white" strokeWidth={3} aria-hidden />
        </C.Indicator>
      </C.Root>
    );
  },
);
