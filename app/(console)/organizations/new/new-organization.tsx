"use client";

import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { OrganizationForm } from "@/components/organizations/organization-form";
import { createOrganizationAction } from "../actions";

export function NewOrganization() {
  const router = useRouter();
  return (
    <OrganizationForm
      submitLabel="Create organization"
      defaultValues={{ name: "", notes: "", externalRef: "", note: "" }}
      onSubmit={async (values) => {
        const result = await createOrganizationAction(values);
        if (result.ok) {
          toast.success(`Organization “${values.name.trim()}” created.`);
          router.push(`/organizations/${result.data.id}/settings`);
        }
        return result;
      }}
    />
  );
}
