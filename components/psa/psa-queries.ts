"use client";

/**
 * TanStack Query access to the PSA look-up route handlers (house style 10: GET route handlers, never server
 * actions, for reads). One key factory; every key starts with the integration id so a credential change can
 * drop that integration's lists at once.
 */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { CompanyPage, PsaRef } from "@/lib/psa/types";
import type { PsaAutoMatch } from "@/lib/psa-integrations/service";

export const psaKeys = {
  all: ["psa"] as const,
  integration: (integrationId: string) => ["psa", integrationId] as const,
  companies: (integrationId: string, search: string) => ["psa", integrationId, "companies", search] as const,
  lookup: (integrationId: string, kind: string, params: Record<string, string>) =>
    ["psa", integrationId, "lookup", kind, params] as const,
  autoMatch: (integrationId: string) => ["psa", integrationId, "auto-match"] as const,
};

/** A look-up that failed: the message is the server's (vendor words included); `retryable` says whether trying again can help. */
export class PsaLookupError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { signal, headers: { Accept: "application/json" }, cache: "no-store" });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new PsaLookupError("Switchboard could not be reached. Check your connection and try again.", 0, true);
  }
  const body = (await res.json().catch(() => ({}))) as { message?: string; retryable?: boolean };
  if (!res.ok) {
    throw new PsaLookupError(body.message ?? `The request failed (HTTP ${res.status}).`, res.status, body.retryable ?? res.status >= 500);
  }
  return body as T;
}

const base = (integrationId: string) => `/api/psa/integrations/${encodeURIComponent(integrationId)}`;

/** Only the parameters that have a value, in a stable order (part of the query key). */
export function cleanParams(params: Record<string, string | null | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params)
      .filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== "")
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

export function usePsaLookup(integrationId: string, kind: string | undefined, params: Record<string, string>, enabled = true) {
  return useQuery({
    queryKey: psaKeys.lookup(integrationId, kind ?? "", params),
    queryFn: ({ signal }) =>
      getJson<{ items: PsaRef[] }>(`${base(integrationId)}/lookups/${encodeURIComponent(kind!)}?${new URLSearchParams(params)}`, signal).then(
        (r) => r.items,
      ),
    enabled: enabled && !!kind,
    staleTime: 5 * 60_000,
    retry: (count, err) => count < 1 && err instanceof PsaLookupError && err.retryable,
  });
}

export function usePsaCompanies(integrationId: string, search: string, enabled = true) {
  return useInfiniteQuery({
    queryKey: psaKeys.companies(integrationId, search),
    queryFn: ({ pageParam, signal }) => {
      const q = new URLSearchParams();
      if (search) q.set("search", search);
      if (pageParam) q.set("cursor", pageParam);
      return getJson<CompanyPage>(`${base(integrationId)}/companies?${q}`, signal);
    },
    initialPageParam: "",
    getNextPageParam: (last) => last.nextCursor,
    enabled,
    staleTime: 5 * 60_000,
    retry: (count, err) => count < 1 && err instanceof PsaLookupError && err.retryable,
  });
}

export function usePsaAutoMatch(integrationId: string, enabled: boolean) {
  return useQuery({
    queryKey: psaKeys.autoMatch(integrationId),
    queryFn: ({ signal }) => getJson<PsaAutoMatch>(`${base(integrationId)}/auto-match`, signal),
    enabled,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });
}
