"use client";

import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";

/** Shows the outcome of a delete that redirected here, then drops the flag from the URL. */
export function DeletedToast() {
  const router = useRouter();
  useEffect(() => {
    toast.success("Organization deleted.");
    router.replace("/organizations");
  }, [router]);
  return null;
}
