"use client";

/**
 * Searchable organization picker: a partner can have thousands of organizations, so instead of a <select>
 * with every one of them (~1 MB of HTML and RSC payload at 2,777), the picker asks the server for up to 20
 * matches as the user types (GET /api/organizations/options, debounced, TanStack Query).
 *
 * Built on Radix Popover (already a dependency, as in the PSA company picker); cmdk is not a dependency, so
 * the list is a small ARIA 1.2 combobox written here: the trigger is a select-only combobox showing the
 * chosen name, the search box inside the popover is an editable combobox that owns the listbox through
 * aria-activedescendant — arrow keys, Home/End move, Enter picks, Escape closes (Radix), focus returns to
 * the trigger. With `name`, a hidden input carries the chosen id, so plain GET forms keep their
 * search-param semantics (`?org=<id>`, empty for "all").
 */
import * as React from "react";
import { Popover } from "radix-ui";
import { Check, Search } from "lucide-react";
import { cn } from "@/lib/utils";
import { PickerTrigger } from "@/components/ui/picker-trigger";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { useDebouncedValue } from "@/components/delivery-settings/use-debounced-value";
import { ORGANIZATION_OPTIONS_LIMIT } from "@/lib/validations/organizations";
import { useOrganizationOptions, type OrganizationOption } from "./organization-queries";

export type { OrganizationOption };

const SEARCH_DELAY_MS = 250;

export function OrganizationPicker({
  id,
  name,
  value: controlled,
  defaultValue = null,
  onChange,
  allLabel,
  placeholder = "Choose an organization…",
  className,
  disabled,
  "aria-invalid": invalid,
  "aria-describedby": describedBy,
}: {
  /** The trigger's id: a <label htmlFor> names it. */
  id?: string;
  /** Name of the hidden input that submits the chosen id with the surrounding form. */
  name?: string;
  value?: OrganizationOption | null;
  defaultValue?: OrganizationOption | null;
  onChange?: (organization: OrganizationOption | null) => void;
  /** Offer "no organization" as the first choice, with this label (e.g. "All organizations"). */
  allLabel?: string;
  placeholder?: string;
  className?: string;
  disabled?: boolean;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
}) {
  const [uncontrolled, setUncontrolled] = React.useState<OrganizationOption | null>(defaultValue);
  const value = controlled !== undefined ? controlled : uncontrolled;
  const [open, setOpen] = React.useState(false);
  const [text, setText] = React.useState("");
  const search = useDebouncedValue(text.trim(), SEARCH_DELAY_MS);
  const query = useOrganizationOptions(search, open);
  const [active, setActive] = React.useState(0);
  const listId = React.useId();
  const optionId = (i: number) => `${listId}-o${i}`;

  const choices: (OrganizationOption | null)[] = React.useMemo(
    () => [...(allLabel && !search ? [null] : []), ...(query.data ?? [])],
    [allLabel, search, query.data],
  );
  React.useEffect(() => setActive(0), [choices]);

  const pick = (choice: OrganizationOption | null) => {
    if (controlled === undefined) setUncontrolled(choice);
    onChange?.(choice);
    setOpen(false);
    setText("");
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    const last = choices.length - 1;
    if (e.key === "ArrowDown") setActive((i) => Math.min(i + 1, last));
    else if (e.key === "ArrowUp") setActive((i) => Math.max(i - 1, 0));
    else if (e.key === "Home") setActive(0);
    else if (e.key === "End") setActive(Math.max(last, 0));
    else if (e.key === "Enter") {
      if (choices.length && active <= last) pick(choices[active]);
    } else return;
    e.preventDefault();
  };

  React.useEffect(() => {
    if (open) document.getElementById(optionId(active))?.scrollIntoView({ block: "nearest" });
    // optionId only depends on listId, which never changes.
  }, [active, open]);

  const label = value ? value.name : (allLabel ?? placeholder);
  return (
    <>
      {name ? <input type="hidden" name={name} value={value?.id ?? ""} /> : null}
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
            role="combobox"
            disabled={disabled}
            invalid={invalid}
            aria-describedby={describedBy}
            className={className}
            label={label}
            muted={!value && !allLabel}
          />
        </Popover.Trigger>
        <Popover.Portal>
          <Popover.Content
            aria-label="Choose an organization"
            align="start"
            sideOffset={4}
            className="z-50 w-[min(92vw,20rem)] rounded-md border border-slate-200 bg-white p-2 shadow-lg"
          >
            <div className="relative">
              <Search className="pointer-events-none absolute left-2.5 top-2.5 h-4 w-4 text-slate-400" aria-hidden />
              <Input
                autoFocus
                role="combobox"
                aria-label="Search organizations"
                aria-autocomplete="list"
                aria-expanded
                aria-controls={listId}
                aria-activedescendant={choices.length ? optionId(active) : undefined}
                value={text}
                onChange={(e) => setText(e.target.value)}
                onKeyDown={onKeyDown}
                placeholder="Search organizations"
                autoComplete="off"
                className="pl-8"
              />
            </div>
            <div className="mt-2 max-h-64 overflow-y-auto" aria-busy={query.isFetching || undefined}>
              {query.isError ? (
                <div role="alert" className="space-y-2 px-2 py-2 text-sm text-red-700">
                  <p>{query.error.message}</p>
                  <Button type="button" size="sm" variant="secondary" onClick={() => void query.refetch()}>
                    Retry
                  </Button>
                </div>
              ) : null}
              <ul id={listId} role="listbox" aria-label="Organizations" className="space-y-0.5">
                {choices.map((c, i) => {
                  const chosen = (c?.id ?? null) === (value?.id ?? null);
                  return (
                    <li
                      key={c?.id ?? ""}
                      id={optionId(i)}
                      role="option"
                      aria-selected={chosen}
                      onMouseMove={() => setActive(i)}
                      onClick={() => pick(c)}
                      className={cn(
                        "flex cursor-pointer items-center justify-between gap-2 rounded px-2 py-1.5 text-sm text-slate-800",
                        i === active && "bg-slate-100",
                      )}
                    >
                      <span className={cn("truncate", !c && "text-slate-600")}>{c ? c.name : allLabel}</span>
                      {chosen ? <Check className="h-4 w-4 shrink-0 text-brand-600" aria-hidden /> : null}
                    </li>
                  );
                })}
              </ul>
              {query.isPending && !query.isError ? (
                <p className="px-2 py-2 text-sm text-slate-500" role="status">
                  Searching organizations…
                </p>
              ) : !query.isError && !query.isPlaceholderData && query.data?.length === 0 ? (
                <p className="px-2 py-2 text-sm text-slate-500" role="status">
                  {search ? `No organization matches “${search}”.` : "No organizations yet."}
                </p>
              ) : query.data?.length === ORGANIZATION_OPTIONS_LIMIT ? (
                <p className="px-2 pt-2 text-xs text-slate-500">Showing the first {ORGANIZATION_OPTIONS_LIMIT} — type to narrow the list.</p>
              ) : null}
            </div>
          </Popover.Content>
        </Popover.Portal>
      </Popover.Root>
    </>
  );
}
