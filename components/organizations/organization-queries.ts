"use client";

/**
 * TanStack Query access to GET /api/organizations/options (house style 10: reads go to a route handler, never
 * a server action). One key factory for organization look-ups.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";

export type OrganizationOption = { id: string; name: string };

export const organizationKeys = {
  all: ["organizations"] as const,
  options: (q: string) => ["organizations", "options", q] as const,
};

async function fetchOrganizationOptions(q: string, signal: AbortSignal): Promise<OrganizationOption[]> {
  let res: Response;
  try {
    res = await fetch(`/api/organizations/options?${new URLSearchParams(q ? { q } : {})}`, {
      signal,
      headers: { Accept: "application/json" },
      cache: "no-store",
    });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new Error("Switchboard could not be reached. Check your connection and try again.");
  }
  const body = (await res.json().catch(() => ({}))) as { items?: OrganizationOption[]; error?: string };
  if (!res.ok) throw new Error(body.error ?? `Could not load organizations (HTTP ${res.status}).`);
  return body.items ?? [];
}

/** Up to 20 organizations whose name contains `q`; the previous answer stays on screen while the next loads. */
export function useOrganizationOptions(q: string, enabled: boolean) {
  return useQuery({
    queryKey: organizationKeys.options(q),
    queryFn: ({ signal }) => fetchOrganizationOptions(q, signal),
    enabled,
    placeholderData: keepPreviousData,
  });
}
