/**
 * Finds every page, route handler and server action of the app from the file system, so the security suites
 * cover a feature the day it lands: a new page.tsx, route.ts or actions.ts export that the registry does not
 * list makes the suites fail until it is listed with its expected behaviour.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const APP = path.join(ROOT, "app");

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

/** Repository-relative paths ("app/(console)/alerts/page.tsx"), sorted. */
function appFiles(match: (file: string) => boolean): string[] {
  return walk(APP)
    .map((f) => path.relative(ROOT, f).split(path.sep).join("/"))
    .filter((f) => match(path.basename(f)))
    .sort();
}

export const pageFiles = () => appFiles((b) => /^page\.(tsx|ts|jsx|js)$/.test(b));
export const routeFiles = () => appFiles((b) => /^route\.(ts|js)$/.test(b));
export const actionFiles = () => appFiles((b) => /^actions\.(ts|tsx)$/.test(b));

/**
 * The URL pattern a file serves: route groups "(console)" vanish, the file name goes; dynamic segments stay
 * as "[id]". "app/(console)/organizations/[id]/settings/page.tsx" → "/organizations/[id]/settings".
 */
export function urlPatternOf(file: string): string {
  const parts = file.split("/").slice(1, -1).filter((s) => !/^\(.*\)$/.test(s));
  return "/" + parts.join("/");
}

/** HTTP methods a route module exports. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

export function exportedMethods(mod: Record<string, unknown>): string[] {
  return HTTP_METHODS.filter((m) => typeof mod[m] === "function");
}

/** "app/(console)/alerts/actions.ts#retryDeliveryAction" for every exported function of every actions file. */
export async function discoverActions(): Promise<{ id: string; file: string; name: string; fn: (...a: unknown[]) => Promise<unknown> }[]> {
  const out: { id: string; file: string; name: string; fn: (...a: unknown[]) => Promise<unknown> }[] = [];
  for (const file of actionFiles()) {
    const mod = (await import(/* @vite-ignore */ path.join(ROOT, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (typeof value === "function") out.push({ id: `${file}#${name}`, file, name, fn: value as (...a: unknown[]) => Promise<unknown> });
    }
  }
  return out;
}
