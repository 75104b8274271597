/**
 * Every server action is a public POST endpoint (house style 5): this wrapper authenticates,
 * authorizes the role, validates with the shared zod schema (again, whatever the client did), calls
 * lib/, revalidates, and returns a typed result. Typed errors become user-safe messages; anything
 * else is logged (without the input, which may hold secrets) and shown generically — never a 500.
 */
import { revalidatePath } from "next/cache";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import type { Role } from "@/lib/auth/roles";
import { getViewer, type Viewer } from "@/lib/auth/viewer";
import { AppError, ConflictError, ValidationError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { findUnstorableText, UNSTORABLE_TEXT_MESSAGE } from "@/lib/validations/common";

export type FieldErrors = Record<string, string[]>;
export type ActionResult<T = null> =
  | { ok: true; data: T; message?: string }
  | { ok: false; formError?: string; fieldErrors?: FieldErrors };

function formDataToObject(fd: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(fd.keys())) {
    if (key.startsWith("$ACTION")) continue;
    const all = fd.getAll(key);
    out[key.replace(/\[\]$/, "")] = key.endsWith("[]") || all.length > 1 ? all : all[0];
  }
  return out;
}

export function flattenFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

export function createAction<S extends z.ZodType, T>(
  config: { schema: S; roles: readonly Role[]; revalidate?: string[]; message?: string | ((data: T) => string) },
  handler: (input: z.output<S>, viewer: Viewer) => Promise<T>,
): (input: z.input<S> | FormData) => Promise<ActionResult<T>> {
  return async (raw) => {
    try {
      const viewer = await getViewer();
      if (!viewer) return { ok: false, formError: "Your session has ended. Sign in again." };
      if (!config.roles.includes(viewer.role)) {
        return { ok: false, formError: "You do not have permission to do that." };
      }
      const input = raw instanceof FormData ? formDataToObject(raw) : raw;
      const unstorable = findUnstorableText(input);
      if (unstorable !== null) {
        return { ok: false, formError: UNSTORABLE_TEXT_MESSAGE, fieldErrors: { [unstorable || "_form"]: [UNSTORABLE_TEXT_MESSAGE] } };
      }
      const parsed = config.schema.safeParse(input);
      if (!parsed.success) {
        const fieldErrors = flattenFieldErrors(parsed.error);
        return { ok: false, formError: fieldErrors._form?.[0] ?? "Check the highlighted fields.", fieldErrors };
      }
      const data = await handler(parsed.data, viewer);
      for (const p of config.revalidate ?? []) revalidatePath(p, "layout");
      const message = typeof config.message === "function" ? config.message(data) : config.message;
      return { ok: true, data, message };
    } catch (err) {
      unstable_rethrow(err);
      if (err instanceof ValidationError) {
        return { ok: false, formError: err.message, fieldErrors: err.fieldErrors };
      }
      if (err instanceof ConflictError && err.field) {
        return { ok: false, formError: err.message, fieldErrors: { [err.field]: [err.message] } };
      }
      if (err instanceof AppError) return { ok: false, formError: err.message };
      logger.error("server action failed", { error: err instanceof Error ? err.message : String(err) });
      return { ok: false, formError: "Something went wrong on our side. Nothing was changed; try again." };
    }
  };
}
