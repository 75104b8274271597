import { test, expect } from "@playwright/test";
import { createOrganization, expectAccessible, pickOrganization, snap } from "./helpers";

/**
 * The delivery engine through the console: a test alert goes through intake and the worker that the
 * e2e server runs; its page explains every destination (R-DEL-11); turning the organization off is
 * recorded as skips (R-DEL-2); the Routing page simulates without creating an alert.
 */
test("R-DEL-11, R-DEL-2: send a test alert, see it delivered and explained; organization off → skips explained; simulate on Routing", async ({ page }) => {
  test.setTimeout(180_000);
  const orgName = "Wayne Enterprises";
  const orgId = await createOrganization(page, orgName);

  await page.goto("/settings/psa-email");
  await page.getByRole("button", { name: "+ Add Email" }).click();
  const dialog = page.getByRole("dialog", { name: "Add email" });
  await dialog.getByLabel("Email address").fill("alerts@northwind.test");
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByText("Email added successfully").first()).toBeVisible();

  // A test alert from the Alerts page.
  await page.goto("/alerts");
  await page.getByRole("button", { name: "Send test alert" }).click();
  const send = page.getByRole("dialog", { name: "Send test alert" });
  await pickOrganization(page, send, orgName);
  await send.getByLabel("Priority").selectOption("critical");
  await send.getByRole("button", { name: "Send test alert" }).click();
  await expect(page).toHaveURL(/\/alerts\/[0-9a-f-]{36}$/);
  const alertUrl = page.url();
  const row = page.getByRole("row").filter({ hasText: "alerts@northwind.test" });
  // The log polls itself until the worker has sent the email.
  await expect(row.getByText("Sent", { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(row.getByText(/Message-ID/)).toBeVisible();
  await expectAccessible(page);
  await snap(page, "20-alert-sent");

  // The built-in mailbox shows the message as received.
  await page.goto("/mailbox");
  // Other global recipients (added by other specs) get the same test alert: pick this recipient's row.
  const message = page.getByRole("row").filter({ hasText: "alerts@northwind.test" }).getByRole("link", { name: /\[TEST\] Test alert from Switchboard/ }).first();
  await expect(message).toBeVisible();
  await message.click();
  await expect(page.getByText("alerts@northwind.test")).toBeVisible();
  await expectAccessible(page);

  // Organization off → the next alert is stored, and every channel is a recorded skip.
  await page.goto(`/organizations/${orgId}/settings`);
  await page.getByRole("switch", { name: "PSA & email" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Turn off" }).click();
  await expect(page.getByText(`PSA & email turned off for ${orgName}.`)).toBeVisible();
  await page.goto("/alerts");
  await page.getByRole("button", { name: "Send test alert" }).click();
  await pickOrganization(page, send, orgName);
  await send.getByRole("button", { name: "Send test alert" }).click();
  await expect(page).toHaveURL(/\/alerts\/[0-9a-f-]{36}$/);
  expect(page.url()).not.toBe(alertUrl);
  const skipped = page.getByRole("row").filter({ hasText: "alerts@northwind.test" });
  await expect(skipped.getByText("Skipped", { exact: true })).toBeVisible();
  await expect(skipped.getByText(`Organization ${orgName} has PSA & email turned off`)).toBeVisible();
  await expect(skipped.getByText("Rule R-DEL-2")).toBeVisible();
  await snap(page, "21-alert-skipped");

  // The alerts list shows both, with outcome counts, and filters in SQL. The organization filter is a
  // searchable picker (a partner may have thousands); links with ?org= keep working and show the name.
  await page.goto(`/alerts?org=${orgId}&outcome=skipped`);
  await expect(page.getByRole("link", { name: /\[TEST\]/ })).toHaveCount(1);
  await expect(page.getByRole("combobox", { name: "Organization", exact: true })).toHaveText(orgName);
  await page.goto("/alerts");
  await expect(page.getByRole("combobox", { name: "Organization", exact: true })).toHaveText("All organizations");
  await pickOrganization(page, page, orgName);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]org=${orgId}`));
  await expect(page.getByRole("link", { name: /\[TEST\]/ })).toHaveCount(2);
  await expectAccessible(page);
  await snap(page, "22-alerts");
  await page.getByRole("combobox", { name: "Organization", exact: true }).click();
  await expect(page.getByRole("option", { name: "All organizations" })).toBeVisible();
  await expect(page.getByRole("option", { name: orgName, exact: true })).toHaveAttribute("aria-selected", "true");
  await expectAccessible(page);
  await snap(page, "22-alerts-organization-picker");
  await page.keyboard.press("Escape");

  // Routing: the grid explains the organization is off; turning it on, the simulator shows where a Medium alert would go.
  await page.goto(`/organizations/${orgId}/settings`);
  await page.getByRole("switch", { name: "PSA & email" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText(`PSA & email turned on for ${orgName}.`)).toBeVisible();
  await page.goto("/routing");
  await pickOrganization(page, page, orgName);
  await page.getByRole("button", { name: "Show routing" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]org=${orgId}`));
  await expect(page.getByRole("heading", { name: `Where alerts for ${orgName} go` })).toBeVisible();
  await page.getByRole("combobox", { name: "Organization", exact: true }).click();
  await page.getByRole("combobox", { name: "Search organizations" }).fill(orgName.slice(0, 5));
  await expect(page.getByRole("option", { name: orgName, exact: true })).toBeVisible();
  await snap(page, "23-routing-organization-picker");
  await page.keyboard.press("Escape");
  await page.getByLabel("Priority").selectOption("medium");
  await page.getByRole("button", { name: "Simulate" }).click();
  const sim = page.getByRole("row").filter({ hasText: "alerts@northwind.test" }).last();
  await expect(sim.getByText("Would send")).toBeVisible();
  await expectAccessible(page);
  await snap(page, "23-routing");
  // Simulating created no alert.
  await page.goto(`/alerts?org=${orgId}`);
  await expect(page.getByRole("link", { name: /\[TEST\]/ })).toHaveCount(2);
});
