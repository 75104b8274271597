import { test as setup, expect } from "@playwright/test";
import path from "node:path";
import { ADMIN, AUTH_DIR, expectAccessible, snap } from "./helpers";

setup("first run: the console opens setup, creates the MSP and its admin, and signs in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up Switchboard" })).toBeVisible();
  await expectAccessible(page);
  await snap(page, "01-setup");
  // Bad input gets a clear message and saves nothing.
  await page.getByRole("button", { name: "Create MSP and admin" }).click();
  await expect(page.getByText("Enter your company name.")).toBeVisible();
  await page.getByLabel("MSP name").fill(ADMIN.partner);
  await page.getByLabel("Admin email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create MSP and admin" }).click();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create MSP and admin" }).click();
  await expect(page.getByRole("heading", { name: "Organizations", level: 1 })).toBeVisible();
  await expect(page.getByText(ADMIN.partner)).toBeVisible();
  // Setup is one-shot.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/(login|organizations)/);
  await page.context().storageState({ path: path.join(AUTH_DIR, "admin.json") });
});
