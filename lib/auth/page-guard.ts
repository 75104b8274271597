/**
 * Guards for server-component pages: no session → /login; wrong role or out-of-scope organization →
 * the 403 page; unknown or other-partner ids → the 404 page (R-SEC-1: never a partial render).
 */
import { forbidden, notFound, redirect } from "next/navigation";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "@/lib/errors";
import type { Role } from "./roles";
import { getViewer, type Viewer } from "./viewer";

export async function pageViewer(roles?: readonly Role[]): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) redirect("/login");
  if (roles && !roles.includes(viewer.role)) forbidden();
  return viewer;
}

export async function guard<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    if (err instanceof ForbiddenError) forbidden();
    if (err instanceof UnauthorizedError) redirect("/login");
    throw err;
  }
}
