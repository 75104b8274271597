"use server";

import { headers } from "next/headers";
import { setupSchema, type SetupInput } from "@/lib/validations/accounts";
import { flattenFieldErrors, type ActionResult } from "@/lib/actions/safe-action";
import { createPartnerWithAdmin } from "@/lib/auth/accounts";
import { getAuth } from "@/lib/auth/auth";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/logger";

/**
 * First-run setup: the one action that runs without a session, and only while no partner exists
 * (createPartnerWithAdmin checks that under an advisory lock).
 */
export async function completeSetup(raw: SetupInput): Promise<ActionResult> {
  const parsed = setupSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, formError: "Check the highlighted fields.", fieldErrors: flattenFieldErrors(parsed.error) };
  try {
    await createPartnerWithAdmin({ ...parsed.data, onlyIfFirst: true });
    // Sign the new admin in straight away.
    await getAuth().api.signInEmail({
      body: { email: parsed.data.email, password: parsed.data.password },
      headers: await headers(),
    });
    return { ok: true, data: null };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, formError: err.message };
    logger.error("setup failed", { error: err instanceof Error ? err.message : String(err) });
    return { ok: false, formError: "Setup failed. Nothing was saved; try again." };
  }
}
