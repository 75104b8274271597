/** Session-authenticated JSON route handlers for the console's client-side queries (TanStack Query). */
import type { Role } from "@/lib/auth/roles";
import { getViewer, type Viewer } from "@/lib/auth/viewer";
import { handleApi, jsonError } from "./http";

export async function withViewer(roles: readonly Role[] | null, fn: (viewer: Viewer) => Promise<Response>): Promise<Response> {
  return handleApi(async () => {
    const viewer = await getViewer();
    if (!viewer) return jsonError(401, "Sign in to continue.");
    if (roles && !roles.includes(viewer.role)) return jsonError(403, "You do not have permission to do that.");
    return fn(viewer);
  });
}
