"use client";

/**
 * A ticket or mapping field whose choices come from the PSA (boards, queues, statuses, priorities, contacts,
 * ...), loaded through the look-up route with TanStack Query. Shows why it cannot be used yet (a choice it
 * depends on is missing), that it is loading, or the PSA's error with Retry — never an empty list that
 * looks like "the PSA has none".
 */
import * as React from "react";
import { RefreshCw } from "lucide-react";
import type { PsaFieldDescriptor } from "@/lib/psa/types";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input, NativeSelect } from "@/components/ui/input";
import { cleanParams, usePsaLookup } from "./psa-queries";

export function LookupSelect({
  id,
  integrationId,
  field,
  label,
  params,
  dependencyLabels = {},
  value,
  onChange,
  emptyLabel,
  error,
  hint,
  required,
  className,
}: {
  id: string;
  integrationId: string;
  field: PsaFieldDescriptor;
  label?: string;
  /** Values of the choices this list depends on (field.dependsOn), e.g. { board: "12" }. */
  params: Record<string, string | null | undefined>;
  dependencyLabels?: Record<string, string>;
  value: string;
  onChange: (value: string, name: string | undefined) => void;
  /** The option for "nothing chosen", e.g. "Board default" or "Use the integration default". */
  emptyLabel: string;
  error?: string;
  hint?: React.ReactNode;
  required?: boolean;
  className?: string;
}) {
  const deps = cleanParams(Object.fromEntries(field.dependsOn.map((d) => [d, params[d]])));
  const missing = field.dependsOn.filter((d) => !deps[d]);
  const query = usePsaLookup(integrationId, field.lookup, deps, field.input === "select" && missing.length === 0);
  const items = React.useMemo(() => query.data ?? [], [query.data]);
  const fieldLabel = label ?? field.label;
  const showOptional = !(required ?? field.required);

  if (field.input === "number") {
    return (
      <Field id={id} label={fieldLabel} optional={showOptional} error={error} hint={hint === undefined ? field.help : hint} className={className}>
        <Input inputMode="numeric" value={value} onChange={(e) => onChange(e.target.value.trim(), undefined)} />
      </Field>
    );
  }

  let status: React.ReactNode = null;
  let disabled = false;
  let placeholder = emptyLabel;
  if (missing.length) {
    disabled = true;
    placeholder = `Choose ${missing.map((d) => (dependencyLabels[d] ?? d).toLowerCase()).join(" and ")} first`;
  } else if (query.isPending) {
    disabled = true;
    placeholder = "Loading…";
  } else if (query.isError) {
    disabled = !value;
    status = (
      <div role="alert" className="flex items-start justify-between gap-2 rounded-md border border-red-200 bg-red-50 px-2.5 py-1.5 text-xs text-red-700">
        <span>{query.error.message}</span>
        <Button type="button" variant="ghost" size="sm" className="h-6 shrink-0 px-2 text-red-700" onClick={() => void query.refetch()} pending={query.isFetching}>
          <RefreshCw className="h-3 w-3" aria-hidden />
          Retry
        </Button>
      </div>
    );
  }
  const known = !value || items.some((i) => i.id === value);

  return (
    <div className={className}>
      <Field id={id} label={fieldLabel} optional={showOptional} error={error} hint={hint === undefined ? field.help : hint}>
        <NativeSelect
          value={value}
          disabled={disabled}
          aria-busy={query.isFetching || undefined}
          onChange={(e) => {
            const next = e.target.value;
            onChange(next, items.find((i) => i.id === next)?.name);
          }}
        >
          <option value="">{placeholder}</option>
          {!known && !query.isPending ? <option value={value}>#{value} (not in the list the PSA returned)</option> : null}
          {!known && query.isPending ? <option value={value}>#{value}</option> : null}
          {items.map((item) => (
            <option key={item.id} value={item.id}>
              {item.name}
              {item.isDefault ? " (PSA default)" : ""}
            </option>
          ))}
        </NativeSelect>
      </Field>
      {status ? <div className="mt-1.5">{status}</div> : null}
    </div>
  );
}

/** The name the PSA gives a chosen id, read from the same cached look-up (for summaries). */
export function useLookupName(integrationId: string, field: PsaFieldDescriptor | undefined, params: Record<string, string | null | undefined>, value: string | undefined) {
  const deps = cleanParams(Object.fromEntries((field?.dependsOn ?? []).map((d) => [d, params[d]])));
  const missing = (field?.dependsOn ?? []).some((d) => !deps[d]);
  const query = usePsaLookup(integrationId, field?.lookup, deps, !!value && !!field && field.input === "select" && !missing);
  if (!value) return undefined;
  return query.data?.find((i) => i.id === value)?.name ?? `#${value}`;
}
