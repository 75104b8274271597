"use client";

import * as React from "react";
import { Switch as S } from "radix-ui";
import { cn } from "@/lib/utils";

export const Switch = React.forwardRef<React.ComponentRef<typeof S.Root>, React.ComponentPropsWithoutRef<typeof S.Root>>(
  function Switch({ className, ...props }, ref) {
    return (
      <S.Root
        ref={ref}
        className={cn(
          "relative inline-flex h-6 w-11 shrink-0 cursor-pointer items-center rounded-full border-2 border-transparent bg-slate-300 transition-colors data-[state=checked]:bg-brand-600 disabled:cursor-not-allowed disabled:opacity-50",
          className,
        )}
        {...props}
      >
        <S.Thumb className="pointer-events-none block h-5 w-5 rounded-full bg-white shadow transition-transform data-[state=checked]:translate-x-5 data-[state=unchecked]:translate-x-0" />
      </S.Root>
    );
  },
);
