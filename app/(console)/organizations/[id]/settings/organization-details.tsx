"use client";

import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { OrganizationForm } from "@/components/organizations/organization-form";
import type { OrganizationInput } from "@/lib/validations/organizations";
import { updateOrganizationAction } from "../../actions";

export function OrganizationDetails({
  id,
  defaultValues,
  readOnly,
}: {
  id: string;
  defaultValues: OrganizationInput;
  readOnly: boolean;
}) {
  const router = useRouter();
  return (
    <OrganizationForm
      readOnly={readOnly}
      submitLabel="Save details"
      defaultValues={defaultValues}
      onSubmit={async (values) => {
        const result = await updateOrganizationAction({ ...values, id });
        if (result.ok) {
          toast.success(result.message ?? "Saved.");
          router.refresh();
        }
        return result;
      }}
    />
  );
}
