"use client";

/**
 * Picks a PSA company (account, client, customer) from a searchable list loaded from the PSA, page by page.
 * The search goes to the vendor's own name filter, so large PSAs never ship every company to the browser.
 */
import * as React from "react";
import { Popover } from "radix-ui";
import { Check, Search, X } from "lucide-react";
import { PickerTrigger } from "@/components/ui/picker-trigger";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { usePsaCompanies } from "./psa-queries";

export type PickedCompany = { id: string; name: string };

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = React.useState(value);
  React.useEffect(() => {
    const t = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return debounced;
}

export function CompanyPicker({
  id,
  integrationId,
  value,
  onChange,
  noun,
  ariaLabel,
  allowClear,
  invalid,
  describedBy,
}: {
  id?: string;
  integrationId: string;
  value: PickedCompany | null;
  onChange: (company: PickedCompany | null) => void;
  /** The vendor's word: company, account, client, customer. */
  noun: string;
  ariaLabel: string;
  allowClear?: boolean;
  invalid?: boolean;
  describedBy?: string;
}) {
  const [open, setOpen] = React.useState(false);
  const [text, setText] = React.useState("");
  const search = useDebounced(text.trim(), 300);
  const query = usePsaCompanies(integrationId, search, open);
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  const listId = React.useId();

  return (
    <div className="flex items-center gap-1">
      <Popover.Root
        open={open}
        onOpenChange={(o) => {
          setOpen(o);
          if (!o) setText("");
        }}
      >
        <Popover.Trigger asChild>
          <PickerTrigger
            id={id}
            aria-label={ariaLabel}
            invalid={invalid}
            aria-describedby={describedBy}
            label={value ? value.name : `Choose a ${noun}…`}
            muted={!value}
          />
        </Popover.Trigger>
        <Popover.Portal>
          <Popover.Content
            align="start"
            sideOffset={4}
            className="z-50 w-[min(92vw,24rem)] rounded-md border border-slate-200 bg-white p-2 shadow-lg"
          >
            <div className="relative">
              <Search className="pointer-events-none absolute left-2.5 top-2.5 h-4 w-4 text-slate-400" aria-hidden />
              <Input
                autoFocus
                value={text}
                onChange={(e) => setText(e.target.value)}
                placeholder={`Search ${noun} names`}
                aria-label={`Search ${noun} names`}
                aria-controls={listId}
                className="pl-8"
              />
            </div>
            <div id={listId} className="mt-2 max-h-64 overflow-y-auto" aria-busy={query.isFetching || undefined}>
              {query.isPending ? (
                <p className="px-2 py-3 text-sm text-slate-500" role="status">
                  Loading {noun} names from the PSA…
                </p>
              ) : query.isError ? (
                <div role="alert" className="space-y-2 px-2 py-2 text-sm text-red-700">
                  <p>{query.error.message}</p>
                  <Button type="button" size="sm" variant="secondary" onClick={() => void query.refetch()}>
                    Retry
                  </Button>
                </div>
              ) : items.length === 0 ? (
                <p className="px-2 py-3 text-sm text-slate-500" role="status">
                  No {noun} matches “{search}”.
                </p>
              ) : (
                <ul className="space-y-0.5">
                  {items.map((c) => (
                    <li key={c.id}>
                      <button
                        type="button"
                        className="flex w-full items-center justify-between gap-2 rounded px-2 py-1.5 text-left text-sm hover:bg-slate-100 focus-visible:bg-slate-100 focus-visible:outline-none"
                        onClick={() => {
                          onChange({ id: c.id, name: c.name });
                          setOpen(false);
                        }}
                      >
                        <span className="truncate">{c.name}</span>
                        {value?.id === c.id ? <Check className="h-4 w-4 shrink-0 text-brand-600" aria-label="chosen" /> : null}
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              {query.hasNextPage ? (
                <Button
                  type="button"
                  variant="ghost"
                  size="sm"
                  className="mt-1 w-full"
                  pending={query.isFetchingNextPage}
                  onClick={() => void query.fetchNextPage()}
                >
                  Load more
                </Button>
              ) : null}
            </div>
          </Popover.Content>
        </Popover.Portal>
      </Popover.Root>
      {allowClear && value ? (
        <Button type="button" variant="ghost" size="icon" aria-label={`Clear ${ariaLabel.toLowerCase()}`} onClick={() => onChange(null)}>
          <X className="h-4 w-4" aria-hidden />
        </Button>
      ) : null}
    </div>
  );
}
