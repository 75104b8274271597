/**
 * Input parsing for lib functions. The server actions validate with the same schemas first; parsing
 * again here means a lib function called from anywhere (a script, a route, a test) cannot store what
 * a form would refuse (R-SEC-5).
 */
import type { z } from "zod";
import { ValidationError } from "@/lib/errors";

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".") || "_form"] ??= []).push(issue.message);
  throw new ValidationError(parsed.error.issues[0]?.message ?? "Check the highlighted fields.", fieldErrors);
}
