import type { FieldValues, Path, UseFormReturn } from "react-hook-form";

/** Maps a failed action result onto react-hook-form: field errors on fields, the rest on root. */
export function applyFieldErrors<T extends FieldValues>(
  form: UseFormReturn<T>,
  result: { formError?: string; fieldErrors?: Record<string, string[]> },
): void {
  let placed = false;
  const known = new Set(Object.keys(form.getValues()));
  for (const [key, messages] of Object.entries(result.fieldErrors ?? {})) {
    const top = key.split(".")[0];
    if (key !== "_form" && known.has(top)) {
      form.setError(key as Path<T>, { type: "server", message: messages[0] });
      placed = true;
    }
  }
  if (result.formError && (!placed || result.formError !== "Check the highlighted fields.")) {
    form.setError("root", { type: "server", message: result.formError });
  }
}
