/**
 * Typed errors (house style 17). Thrown in lib/, mapped to user-safe messages at the edge
 * (server-action wrapper, route handlers). Anything else is logged and shown as a generic message.
 */
export class AppError extends Error {
  readonly status: number = 400;
}
export class NotFoundError extends AppError {
  override readonly status = 404;
  constructor(what = "That item") {
    super(`${what} was not found.`);
  }
}
export class ForbiddenError extends AppError {
  override readonly status = 403;
  constructor(message = "You do not have permission to do that.") {
    super(message);
  }
}
export class ConflictError extends AppError {
  override readonly status = 409;
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
export class ValidationError extends AppError {
  override readonly status = 400;
  constructor(
    message: string,
    readonly fieldErrors: Record<string, string[]> = {},
  ) {
    super(message);
  }
}
export class UnauthorizedError extends AppError {
  override readonly status = 401;
  constructor(message = "Sign in to continue.") {
    super(message);
  }
}

/** Postgres unique violation → ConflictError; other errors pass through. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint_name?: string; cause?: unknown };
  if (e?.code === "23505") return !constraint || e.constraint_name === constraint;
  if (e?.cause) return isUniqueViolation(e.cause, constraint);
  return false;
}
