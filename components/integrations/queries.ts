"use client";

import { useQuery } from "@tanstack/react-query";
import type { ExistingApplication } from "@/lib/integrations/org-apps";

export const integrationKeys = {
  all: ["integrations"] as const,
  existing: (organizationId: string) => [...integrationKeys.all, "existing", organizationId] as const,
};

/** What an organization already has (R-INT-2 pre-check in the + New Integration wizard). */
export function useExistingApplications(organizationId: string | undefined) {
  return useQuery({
    queryKey: integrationKeys.existing(organizationId ?? ""),
    enabled: Boolean(organizationId),
    staleTime: 10_000,
    queryFn: async (): Promise<ExistingApplication[]> => {
      const res = await fetch(`/settings/integrations/existing?organizationId=${encodeURIComponent(organizationId!)}`, { cache: "no-store" });
      const body = (await res.json().catch(() => ({}))) as { applications?: ExistingApplication[]; error?: string };
      if (!res.ok) throw new Error(body.error ?? "Could not load the organization's applications.");
      return body.applications ?? [];
    },
  });
}
