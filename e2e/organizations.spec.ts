import { test, expect } from "@playwright/test";
import { createOrganization, expectAccessible, snap } from "./helpers";

test("admin creates, edits and deletes an organization; each change is in the audit log", async ({ page }) => {
  await page.goto("/organizations");
  await expectAccessible(page);
  const id = await createOrganization(page, "Acme Corp");
  await expect(page.getByRole("link", { name: "Settings" })).toHaveAttribute("aria-current", "page");
  await expectAccessible(page);
  await snap(page, "03-organization-settings");

  // A duplicate name is refused with a clear message.
  await page.goto("/organizations/new");
  await page.getByLabel("Name", { exact: true }).fill("acme corp");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByText("An organization with this name already exists.").first()).toBeVisible();

  await page.goto(`/organizations/${id}/settings`);
  await page.getByLabel("Notes").fill("Manufacturing customer, 120 seats");
  await page.getByLabel("Why this change?").fill("onboarding call");
  await page.getByRole("button", { name: "Save details" }).click();
  await expect(page.getByText("Organization saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Notes")).toHaveValue("Manufacturing customer, 120 seats");

  await page.getByRole("link", { name: "Applications" }).click();
  await expect(page.getByRole("heading", { name: "Applications" })).toBeVisible();
  await expectAccessible(page);

  await page.goto("/organizations?q=acme");
  await expect(page.getByRole("link", { name: "Acme Corp" })).toBeVisible();
  await snap(page, "02-organizations");

  await page.goto(`/organizations/${id}/settings`);
  await page.getByRole("button", { name: "Delete organization" }).click();
  await expect(page.getByRole("alertdialog")).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("alertdialog").getByLabel(/Why\?/).fill("customer left");
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete organization" }).click();
  await expect(page).toHaveURL(/\/organizations$/);
  await expect(page.getByText("Organization deleted.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Acme Corp" })).toHaveCount(0);

  await page.goto("/audit-log?entity=organization");
  await expectAccessible(page);
  await expect(page.getByText("Organization deleted", { exact: true })).toBeVisible();
  await expect(page.getByText("customer left")).toBeVisible();
  await expect(page.getByText("onboarding call")).toBeVisible();
  await snap(page, "04-audit-log");
});
