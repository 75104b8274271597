import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page } from "@playwright/test";

/** Per-port folder for the saved session and the test server's runtime facts. */
export const AUTH_DIR = path.resolve("e2e/.auth", process.env.E2E_PORT ?? "3100");

export const ADMIN = { email: "admin@northwind.test", password: "northwind-admin-pass", partner: "Northwind MSP" };

/** No serious or critical axe violations on the page as it is now. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** Saves a screenshot under screenshots/ for humans to look at (not an assertion). */
export async function snap(page: Page, name: string) {
  const dir = path.resolve(process.env.SCREENSHOT_DIR ?? "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

export function databaseUrl(): string {
  return JSON.parse(readFileSync(path.join(AUTH_DIR, "runtime.json"), "utf8")).databaseUrl as string;
}

/** Creates another partner (tenant) through the CLI, as an operator would. */
export function createPartner(name: string, email: string, password: string) {
  execFileSync(process.execPath, [path.resolve("node_modules/tsx/dist/cli.mjs"), "scripts/create-partner.ts", "--name", name, "--email", email, "--password", password], {
    env: { ...process.env, DATABASE_URL: databaseUrl() },
    stdio: "pipe",
  });
}

export async function login(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Organizations", level: 1 })).toBeVisible();
}

export async function createOrganization(page: Page, name: string) {
  await page.goto("/organizations/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  return page.url().match(/organizations\/([0-9a-f-]{36})/)![1];
}

/**
 * Chooses an organization in the searchable organization picker labelled `label` inside `scope` (a page or a
 * dialog): opens it, types the name into its search box and picks the exact match. The picker's list is in a
 * popover outside the scope, so the search box and the options are found on the page.
 */
export async function pickOrganization(page: Page, scope: Page | Locator, name: string, label = "Organization") {
  const trigger = scope.getByRole("combobox", { name: label, exact: true });
  await trigger.click();
  await page.getByRole("combobox", { name: "Search organizations" }).fill(name);
  await page.getByRole("option", { name, exact: true }).click();
  await expect(trigger).toHaveText(name);
}
