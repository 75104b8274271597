"use client";

/**
 * The configuration of one PSA integration, shared by the + Add PSA wizard (one step per section) and the
 * integration page (all sections in one form): organizations ↔ PSA companies (auto-match by name with a
 * confirm step, manual pick from a searchable list, per-organization details and overrides), the catch-all
 * company and contact, the ticket defaults and the priority map. Everything the vendor offers comes from its
 * descriptor (lib/psa/catalog.ts); nothing here is written per vendor.
 */
import * as React from "react";
import { useForm, type UseFormReturn } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Search, SlidersHorizontal, Wand2 } from "lucide-react";
import { getPsaDescriptor } from "@/lib/psa/catalog";
import type { PsaDescriptor, PsaFieldDescriptor, PsaVendor } from "@/lib/psa/types";
import { PRIORITIES, PRIORITY_LABELS, type Priority } from "@/lib/delivery/types";
import { defaultFieldKeys, psaConfigSchemaFor } from "@/lib/validations/psa-integrations";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { CompanyPicker } from "./company-picker";
import { LookupSelect } from "./lookup-select";
import { usePsaAutoMatch } from "./psa-queries";

export type PsaMappingValue = {
  organizationId: string;
  companyId: string;
  companyName: string;
  contactId?: string;
  siteId?: string;
  overrides: Record<string, string>;
};

export type PsaConfigValues = {
  name: string;
  defaults: Record<string, string>;
  priorityMap: Partial<Record<Priority, string>>;
  fallback: { companyId: string; companyName: string; contactId?: string } | null;
  mappings: PsaMappingValue[];
  note: string;
};

export type OrganizationOption = { id: string; name: string };

export function usePsaConfigForm(vendor: PsaVendor, defaultValues: PsaConfigValues): UseFormReturn<PsaConfigValues> {
  return useForm<PsaConfigValues>({
    resolver: zodResolver(psaConfigSchemaFor(vendor)) as never,
    defaultValues,
  });
}

/** Field keys whose lists depend (directly or not) on `key`: they are cleared when it changes. */
function dependentsOf(fields: PsaFieldDescriptor[], key: string): string[] {
  const out = new Set<string>();
  const walk = (k: string) => {
    for (const f of fields) {
      if (f.dependsOn.includes(k) && !out.has(f.key)) {
        out.add(f.key);
        walk(f.key);
      }
    }
  };
  walk(key);
  return [...out];
}

function labelsOf(descriptor: PsaDescriptor): Record<string, string> {
  const labels: Record<string, string> = { companyId: descriptor.companyNoun.singular };
  for (const f of [...descriptor.ticketFields, ...descriptor.mappingFields, descriptor.priority]) labels[f.key] = f.label;
  return labels;
}

function errorAt(form: UseFormReturn<PsaConfigValues>, path: string): string | undefined {
  let node: unknown = form.formState.errors;
  for (const part of path.split(".")) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  const message = (node as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Organizations ↔ companies

const PAGE = 25;

export function MappingSection({
  form,
  vendor,
  integrationId,
  organizations,
}: {
  form: UseFormReturn<PsaConfigValues>;
  vendor: PsaVendor;
  integrationId: string;
  organizations: OrganizationOption[];
}) {
  const descriptor = getPsaDescriptor(vendor);
  const noun = descriptor.companyNoun;
  const mappings = form.watch("mappings");
  const fallback = form.watch("fallback");
  const byOrg = React.useMemo(() => new Map(mappings.map((m) => [m.organizationId, m])), [mappings]);
  const [filter, setFilter] = React.useState("");
  const [shown, setShown] = React.useState(PAGE);
  const [detailsFor, setDetailsFor] = React.useState<string | null>(null);
  const visible = organizations.filter((o) => o.name.toLowerCase().includes(filter.trim().toLowerCase()));
  const contactField = descriptor.mappingFields.find((f) => f.key === "contactId");

  const setMappings = (next: PsaMappingValue[]) => form.setValue("mappings", next, { shouldDirty: true, shouldValidate: form.formState.isSubmitted });
  const setCompany = (organizationId: string, company: { id: string; name: string } | null) => {
    const rest = mappings.filter((m) => m.organizationId !== organizationId);
    if (!company) return setMappings(rest);
    const prior = byOrg.get(organizationId);
    // Contact, site and company-bound fields (agreement, contract) belong to the old company.
    const companyBound = new Set(descriptor.ticketFields.filter((f) => f.dependsOn.includes("companyId")).map((f) => f.key));
    const overrides =
      prior && prior.companyId === company.id
        ? prior.overrides
        : Object.fromEntries(Object.entries(prior?.overrides ?? {}).filter(([k]) => !companyBound.has(k)));
    const keep = prior && prior.companyId === company.id;
    setMappings([
      ...rest,
      {
        organizationId,
        companyId: company.id,
        companyName: company.name,
        ...(keep && prior.contactId ? { contactId: prior.contactId } : {}),
        ...(keep && prior.siteId ? { siteId: prior.siteId } : {}),
        overrides,
      },
    ]);
  };

  const detailsMapping = detailsFor ? byOrg.get(detailsFor) : undefined;
  const detailsOrg = organizations.find((o) => o.id === detailsFor);

  return (
    <div className="space-y-6">
      <AutoMatch
        integrationId={integrationId}
        vendorName={descriptor.displayName}
        noun={noun.singular}
        mappings={mappings}
        onApply={(matches) => {
          const chosen = new Map(matches.map((m) => [m.organizationId, m]));
          setMappings([
            ...mappings.filter((m) => !chosen.has(m.organizationId)),
            ...matches.map((m) => {
              const prior = byOrg.get(m.organizationId);
              return prior && prior.companyId === m.companyId
                ? prior
                : { organizationId: m.organizationId, companyId: m.companyId, companyName: m.companyName, overrides: {} };
            }),
          ]);
        }}
      />

      <div>
        <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
          <div>
            <h3 className="text-sm font-semibold text-slate-900">Organization mapping</h3>
            <p className="text-sm text-slate-600">
              {mappings.length} of {organizations.length} mapped. Each mapped organization’s alerts create tickets in its {noun.singular}.
            </p>
          </div>
          <div className="relative w-64">
            <Search className="pointer-events-none absolute left-2.5 top-2.5 h-4 w-4 text-slate-400" aria-hidden />
            <Input
              value={filter}
              onChange={(e) => {
                setFilter(e.target.value);
                setShown(PAGE);
              }}
              placeholder="Filter organizations"
              aria-label="Filter organizations"
              className="pl-8"
            />
          </div>
        </div>
        {organizations.length === 0 ? (
          <p className="rounded-md border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-600">
            There are no organizations yet. Alerts of organizations you add later go to the catch-all {noun.singular} below until you map them.
          </p>
        ) : (
          <div className="rounded-md border border-slate-200">
            <Table>
              <THead>
                <tr>
                  <TH className="w-[38%]">Organization</TH>
                  <TH>{capitalize(noun.singular)} in {descriptor.displayName}</TH>
                  <TH className="w-32 text-right">Details</TH>
                </tr>
              </THead>
              <TBody>
                {visible.slice(0, shown).map((org) => {
                  const m = byOrg.get(org.id);
                  const extras = m ? [m.contactId, m.siteId, ...Object.values(m.overrides)].filter(Boolean).length : 0;
                  return (
                    <TR key={org.id}>
                      <TD className="font-medium text-slate-900">{org.name}</TD>
                      <TD>
                        <CompanyPicker
                          integrationId={integrationId}
                          value={m ? { id: m.companyId, name: m.companyName } : null}
                          onChange={(c) => setCompany(org.id, c)}
                          noun={noun.singular}
                          ariaLabel={`${capitalize(noun.singular)} for ${org.name}`}
                          allowClear
                        />
                      </TD>
                      <TD className="text-right">
                        {m ? (
                          <Button type="button" variant="ghost" size="sm" onClick={() => setDetailsFor(org.id)} aria-label={`Details for ${org.name}`}>
                            <SlidersHorizontal className="h-4 w-4" aria-hidden />
                            {extras ? `Details (${extras})` : "Details"}
                          </Button>
                        ) : (
                          <span className="text-xs text-slate-500">{fallback ? "Catch-all" : "Not mapped"}</span>
                        )}
                      </TD>
                    </TR>
                  );
                })}
              </TBody>
            </Table>
            {visible.length > shown ? (
              <div className="border-t border-slate-200 px-4 py-2 text-center">
                <Button type="button" variant="ghost" size="sm" onClick={() => setShown((n) => n + PAGE * 4)}>
                  Show more ({visible.length - shown} more)
                </Button>
              </div>
            ) : null}
            {visible.length === 0 ? <p className="px-4 py-4 text-sm text-slate-600">No organization matches “{filter}”.</p> : null}
          </div>
        )}
        {errorAt(form, "mappings") ? <p className="mt-2 text-xs font-medium text-red-600" role="alert">{errorAt(form, "mappings")}</p> : null}
      </div>

      <fieldset className="rounded-md border border-slate-200 p-4">
        <legend className="px-1 text-sm font-semibold text-slate-900">Catch-all {noun.singular} for unmapped organizations</legend>
        <p className="mb-3 text-sm text-slate-600">
          Alerts of organizations without a mapping create tickets here. Leave it empty and those alerts create no ticket; the
          delivery log records “not mapped” for each.
        </p>
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="space-y-1.5">
            <label htmlFor="fallback-company" className="block text-sm font-medium text-slate-800">
              Catch-all {noun.singular} <span className="font-normal text-slate-500">(optional)</span>
            </label>
            <CompanyPicker
              id="fallback-company"
              integrationId={integrationId}
              value={fallback ? { id: fallback.companyId, name: fallback.companyName } : null}
              onChange={(c) =>
                form.setValue("fallback", c ? { companyId: c.id, companyName: c.name } : null, { shouldDirty: true })
              }
              noun={noun.singular}
              ariaLabel={`Catch-all ${noun.singular}`}
              allowClear
            />
          </div>
          {contactField ? (
            <LookupSelect
              id="fallback-contact"
              integrationId={integrationId}
              field={contactField}
              label={`Catch-all ${contactField.label.toLowerCase()}`}
              params={{ companyId: fallback?.companyId }}
              dependencyLabels={labelsOf(descriptor)}
              value={fallback?.contactId ?? ""}
              onChange={(v) => fallback && form.setValue("fallback", { ...fallback, contactId: v || undefined }, { shouldDirty: true })}
              emptyLabel="No contact"
              hint={`Some PSAs need a contact on every ticket; pick one of the catch-all ${noun.singular}’s contacts.`}
            />
          ) : null}
        </div>
      </fieldset>

      {detailsMapping && detailsOrg ? (
        <MappingDetailsDialog
          key={detailsMapping.organizationId + detailsMapping.companyId}
          descriptor={descriptor}
          integrationId={integrationId}
          organizationName={detailsOrg.name}
          mapping={detailsMapping}
          defaults={form.watch("defaults")}
          onClose={() => setDetailsFor(null)}
          onApply={(next) => {
            setMappings(mappings.map((m) => (m.organizationId === next.organizationId ? next : m)));
            setDetailsFor(null);
          }}
        />
      ) : null}
    </div>
  );
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

type AutoMatchProposal = { organizationId: string; organizationName: string; companyId: string; companyName: string };

/** "Auto-match by name" → proposals → the admin confirms which to apply (nothing is saved until Save). */
function AutoMatch({
  integrationId,
  vendorName,
  noun,
  mappings,
  onApply,
}: {
  integrationId: string;
  vendorName: string;
  noun: string;
  mappings: PsaMappingValue[];
  onApply: (matches: AutoMatchProposal[]) => void;
}) {
  const [requested, setRequested] = React.useState(false);
  const query = usePsaAutoMatch(integrationId, requested);
  const [unchecked, setUnchecked] = React.useState<Set<string>>(new Set());
  const current = new Map(mappings.map((m) => [m.organizationId, m]));
  const proposals = (query.data?.matches ?? []).filter((p) => current.get(p.organizationId)?.companyId !== p.companyId);
  const selected = proposals.filter((p) => !unchecked.has(p.organizationId));

  const close = () => {
    setRequested(false);
    setUnchecked(new Set());
  };

  if (!requested) {
    return (
      <div className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-brand-100 bg-brand-50/50 px-4 py-3">
        <p className="text-sm text-slate-700">
          Match organizations to {vendorName} {noun} names automatically. You confirm each match before it is used.
        </p>
        <Button type="button" variant="secondary" onClick={() => setRequested(true)}>
          <Wand2 className="h-4 w-4" aria-hidden />
          Auto-match by name
        </Button>
      </div>
    );
  }
  return (
    <section aria-label="Auto-match results" className="rounded-md border border-brand-100 bg-brand-50/50 px-4 py-3">
      {query.isPending ? (
        <p role="status" className="text-sm text-slate-700">
          Reading {noun} names from {vendorName}…
        </p>
      ) : query.isError ? (
        <div role="alert" className="flex flex-wrap items-center justify-between gap-2 text-sm text-red-700">
          <span>{query.error.message}</span>
          <span className="flex gap-2">
            <Button type="button" size="sm" variant="secondary" onClick={() => void query.refetch()}>
              Retry
            </Button>
            <Button type="button" size="sm" variant="ghost" onClick={close}>
              Close
            </Button>
          </span>
        </div>
      ) : (
        <div className="space-y-3">
          <p className="text-sm font-medium text-slate-900" role="status">
            {proposals.length
              ? `${proposals.length} organization${proposals.length === 1 ? "" : "s"} match a ${vendorName} ${noun} by name. Confirm the matches to use.`
              : `No new matches: no unmapped organization has exactly the name of a ${vendorName} ${noun}. Pick ${noun}s below.`}
          </p>
          {proposals.length ? (
            <ul className="divide-y divide-brand-100 rounded-md border border-brand-100 bg-white">
              {proposals.map((p) => {
                const id = `match-${p.organizationId}`;
                const prior = current.get(p.organizationId);
                return (
                  <li key={p.organizationId} className="flex items-center gap-3 px-3 py-2 text-sm">
                    <Checkbox
                      id={id}
                      checked={!unchecked.has(p.organizationId)}
                      onCheckedChange={(c) =>
                        setUnchecked((s) => {
                          const next = new Set(s);
                          if (c === true) next.delete(p.organizationId);
                          else next.add(p.organizationId);
                          return next;
                        })
                      }
                    />
                    <label htmlFor={id} className="flex-1">
                      <span className="font-medium text-slate-900">{p.organizationName}</span>
                      <span className="text-slate-500"> → </span>
                      <span>{p.companyName}</span>
                      {prior ? <span className="text-slate-500"> (replaces {prior.companyName})</span> : null}
                    </label>
                  </li>
                );
              })}
            </ul>
          ) : null}
          {query.data?.ambiguous.length ? (
            <p className="text-xs text-slate-600">
              Several {noun}s share the name of {query.data.ambiguous.map((a) => a.organizationName).join(", ")}; pick those by hand.
            </p>
          ) : null}
          {query.data?.truncated ? (
            <p className="text-xs text-amber-800">Only the first {query.data.companiesScanned.toLocaleString("en-US")} {noun}s were compared.</p>
          ) : null}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="ghost" onClick={close}>
              {proposals.length ? "Dismiss" : "Close"}
            </Button>
            {proposals.length ? (
              <Button
                type="button"
                disabled={!selected.length}
                onClick={() => {
                  onApply(selected);
                  close();
                }}
              >
                Use {selected.length} match{selected.length === 1 ? "" : "es"}
              </Button>
            ) : null}
          </div>
        </div>
      )}
    </section>
  );
}

/** Contact, site, company-bound fields (agreement, contract) and overrides of the defaults for one organization. */
function MappingDetailsDialog({
  descriptor,
  integrationId,
  organizationName,
  mapping,
  defaults,
  onClose,
  onApply,
}: {
  descriptor: PsaDescriptor;
  integrationId: string;
  organizationName: string;
  mapping: PsaMappingValue;
  defaults: Record<string, string>;
  onClose: () => void;
  onApply: (next: PsaMappingValue) => void;
}) {
  const [draft, setDraft] = React.useState<PsaMappingValue>(mapping);
  const labels = labelsOf(descriptor);
  const allTicketFields = [...descriptor.ticketFields, descriptor.priority];
  const effective = (key: string) => (key === "companyId" ? draft.companyId : draft.overrides[key] || defaults[key]);
  const paramsFor = (f: PsaFieldDescriptor) => Object.fromEntries(f.dependsOn.map((d) => [d, effective(d)]));
  const setOverride = (key: string, value: string) => {
    const overrides = { ...draft.overrides };
    if (value) overrides[key] = value;
    else delete overrides[key];
    for (const dep of dependentsOf(allTicketFields, key)) delete overrides[dep];
    setDraft({ ...draft, overrides });
  };
  const companyBound = descriptor.ticketFields.filter((f) => f.dependsOn.includes("companyId"));
  const overridable = descriptor.ticketFields.filter((f) => !f.dependsOn.includes("companyId"));

  return (
    <Dialog open onOpenChange={(o) => (!o ? onClose() : undefined)}>
      <DialogContent
        title={`${organizationName} in ${descriptor.displayName}`}
        description={`Tickets go to ${descriptor.companyNoun.singular} ${mapping.companyName}. Anything left empty uses the integration’s ticket defaults.`}
        className="w-[min(94vw,44rem)]"
      >
        <div className="space-y-5">
          <div className="grid gap-4 sm:grid-cols-2">
            {descriptor.mappingFields
              .filter((f) => f.key !== "companyId")
              .map((f) => (
                <LookupSelect
                  key={f.key}
                  id={`detail-${f.key}`}
                  integrationId={integrationId}
                  field={f}
                  params={{ companyId: draft.companyId }}
                  dependencyLabels={labels}
                  value={(f.key === "contactId" ? draft.contactId : draft.siteId) ?? ""}
                  onChange={(v) => setDraft({ ...draft, [f.key === "contactId" ? "contactId" : "siteId"]: v || undefined })}
                  emptyLabel={f.key === "siteId" ? "PSA default" : "No contact"}
                />
              ))}
            {companyBound.map((f) => (
              <LookupSelect
                key={f.key}
                id={`detail-${f.key}`}
                integrationId={integrationId}
                field={f}
                params={paramsFor(f)}
                dependencyLabels={labels}
                value={draft.overrides[f.key] ?? ""}
                onChange={(v) => setOverride(f.key, v)}
                emptyLabel="None"
              />
            ))}
          </div>
          <fieldset className="rounded-md border border-slate-200 p-4">
            <legend className="px-1 text-sm font-semibold text-slate-900">Overrides of the ticket defaults</legend>
            <div className="grid gap-4 sm:grid-cols-2">
              {overridable.map((f) => (
                <LookupSelect
                  key={f.key}
                  id={`override-${f.key}`}
                  integrationId={integrationId}
                  field={f}
                  params={paramsFor(f)}
                  dependencyLabels={labels}
                  value={draft.overrides[f.key] ?? ""}
                  onChange={(v) => setOverride(f.key, v)}
                  emptyLabel="Use the integration default"
                  required={false}
                  hint={null}
                />
              ))}
              <LookupSelect
                id="override-priority"
                integrationId={integrationId}
                field={descriptor.priority}
                label="Priority for every alert"
                params={paramsFor(descriptor.priority)}
                dependencyLabels={labels}
                value={draft.overrides[descriptor.priority.key] ?? ""}
                onChange={(v) => setOverride(descriptor.priority.key, v)}
                emptyLabel="Use the priority map"
                required={false}
                hint="Pins this organization’s tickets to one priority, whatever the alert’s priority."
              />
            </div>
          </fieldset>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="button" onClick={() => onApply(draft)}>
              Apply
            </Button>
          </div>
        </div>
      </DialogContent>
    </Dialog>
  );
}

// ---------------------------------------------------------------------------------------------------------
// Ticket defaults and priority map

export function DefaultsSection({
  form,
  vendor,
  integrationId,
}: {
  form: UseFormReturn<PsaConfigValues>;
  vendor: PsaVendor;
  integrationId: string;
}) {
  const descriptor = getPsaDescriptor(vendor);
  const labels = labelsOf(descriptor);
  const defaults = form.watch("defaults");
  const priorityMap = form.watch("priorityMap");
  const keys = new Set(defaultFieldKeys(descriptor));
  const fields = descriptor.ticketFields.filter((f) => keys.has(f.key));
  const companyBound = descriptor.ticketFields.filter((f) => !keys.has(f.key));
  const revalidate = form.formState.isSubmitted;

  const setDefault = (key: string, value: string) => {
    const next = { ...defaults };
    if (value) next[key] = value;
    else delete next[key];
    for (const dep of dependentsOf(descriptor.ticketFields, key)) delete next[dep];
    form.setValue("defaults", next, { shouldDirty: true, shouldValidate: revalidate });
    if (value) form.clearErrors(`defaults.${key}` as never);
    if (descriptor.priority.dependsOn.includes(key)) form.setValue("priorityMap", {}, { shouldDirty: true, shouldValidate: revalidate });
  };

  return (
    <div className="space-y-6">
      <div>
        <h3 className="text-sm font-semibold text-slate-900">Default ticket fields</h3>
        <p className="mb-3 text-sm text-slate-600">
          Every ticket gets these unless the organization’s details override them.
          {companyBound.length
            ? ` ${companyBound.map((f) => f.label).join(" and ")} ${companyBound.length === 1 ? "is" : "are"} chosen per organization (Details in the mapping), because ${companyBound.length === 1 ? "it belongs" : "they belong"} to the ${descriptor.companyNoun.singular}.`
            : ""}
        </p>
        <div className="grid gap-4 sm:grid-cols-2">
          {fields.map((f) => (
            <LookupSelect
              key={f.key}
              id={`default-${f.key}`}
              integrationId={integrationId}
              field={f}
              params={Object.fromEntries(f.dependsOn.map((d) => [d, defaults[d]]))}
              dependencyLabels={labels}
              value={defaults[f.key] ?? ""}
              onChange={(v) => setDefault(f.key, v)}
              emptyLabel={f.required ? `Choose a ${f.label.toLowerCase()}` : "PSA default"}
              error={errorAt(form, `defaults.${f.key}`)}
            />
          ))}
        </div>
      </div>
      <fieldset>
        <legend className="text-sm font-semibold text-slate-900">Priority map</legend>
        <p className="mb-3 text-sm text-slate-600">
          The {descriptor.displayName} priority each alert priority creates.
          {descriptor.priority.help ? ` ${descriptor.priority.help}` : ""}
        </p>
        <div className="grid gap-4 sm:grid-cols-2">
          {PRIORITIES.map((p) => (
            <LookupSelect
              key={p}
              id={`priority-${p}`}
              integrationId={integrationId}
              field={descriptor.priority}
              label={`${PRIORITY_LABELS[p]} alerts`}
              params={Object.fromEntries(descriptor.priority.dependsOn.map((d) => [d, defaults[d]]))}
              dependencyLabels={labels}
              value={priorityMap[p] ?? ""}
              onChange={(v) => {
                const next = { ...priorityMap };
                if (v) next[p] = v;
                else delete next[p];
                form.setValue("priorityMap", next, { shouldDirty: true, shouldValidate: revalidate });
                if (v) form.clearErrors(`priorityMap.${p}` as never);
              }}
              emptyLabel={descriptor.priority.required ? "Choose a priority" : "PSA default"}
              error={errorAt(form, `priorityMap.${p}`)}
              hint={null}
            />
          ))}
        </div>
      </fieldset>
    </div>
  );
}

export { errorAt as psaConfigError };
