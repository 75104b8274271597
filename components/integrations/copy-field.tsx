"use client";

import { toast } from "sonner";
import { Copy } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

/** A read-only value with a Copy button (ingest tokens shown once, consent links). */
export function CopyField({ label, value, mono = true }: { label: string; value: string; mono?: boolean }) {
  return (
    <div className="flex items-center gap-2">
      <Input readOnly value={value} aria-label={label} className={mono ? "font-mono text-xs" : undefined} onFocus={(e) => e.currentTarget.select()} />
      <Button
        type="button"
        variant="secondary"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(value);
            toast.success("Copied.");
          } catch {
            toast.error("Copy did not work here; select the text and copy it.");
          }
        }}
      >
        <Copy className="h-4 w-4" aria-hidden />
        Copy
      </Button>
    </div>
  );
}
