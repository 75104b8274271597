import { test, expect } from "@playwright/test";
import { createOrganization, createPartner, expectAccessible, login, snap } from "./helpers";

test.describe("access control", () => {
  test("R-SEC-1: a technician cannot open an organization not given to them", async ({ page, browser }) => {
    const allowed = await createOrganization(page, "Initech");
    const denied = await createOrganization(page, "Umbrella Corp");

    await page.goto("/settings/users");
    await expectAccessible(page);
    await page.getByRole("button", { name: "Add user" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Email").fill("tech@northwind.test");
    await dialog.getByLabel("Initial password").fill("technician-pass-1");
    await dialog.getByLabel("Role").selectOption("technician");
    await dialog.getByLabel("Initech").check();
    await dialog.getByRole("button", { name: "Add user" }).click();
    await expect(page.getByText("User tech@northwind.test created.")).toBeVisible();
    await snap(page, "05-users");

    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const tech = await ctx.newPage();
    await login(tech, "tech@northwind.test", "technician-pass-1");
    await expect(tech.getByRole("link", { name: "Initech" })).toBeVisible();
    await expect(tech.getByRole("link", { name: "Umbrella Corp" })).toHaveCount(0);
    await expect(tech.getByRole("link", { name: "Users" })).toHaveCount(0);
    await tech.goto(`/organizations/${allowed}/settings`);
    await expect(tech.getByRole("heading", { name: "Initech", level: 1 })).toBeVisible();
    const res = await tech.goto(`/organizations/${denied}/settings`);
    expect(res?.status()).toBe(403);
    await expect(tech.getByText("You do not have access to this page")).toBeVisible();
    const users = await tech.goto("/settings/users");
    expect(users?.status()).toBe(403);
    await ctx.close();
  });

  test("R-SEC-1: a second partner sees nothing of the first", async ({ page, browser }) => {
    const orgId = await createOrganization(page, "Hooli");
    createPartner("Contoso MSP", "admin@contoso.test", "contoso-admin-pass");
    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const other = await ctx.newPage();
    await login(other, "admin@contoso.test", "contoso-admin-pass");
    await expect(other.getByText("No organizations yet")).toBeVisible();
    const res = await other.goto(`/organizations/${orgId}/settings`);
    expect(res?.status()).toBe(404);
    await other.goto("/audit-log");
    await expect(other.getByText("Hooli")).toHaveCount(0);
    await ctx.close();
  });

  test("sign out ends the session; a wrong password is refused", async ({ browser }) => {
    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await ctx.newPage();
    await page.goto("/organizations");
    await expect(page).toHaveURL(/\/login/);
    await expectAccessible(page);
    await snap(page, "00-login");
    await page.getByLabel("Email").fill("admin@northwind.test");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("That email and password do not match an account.")).toBeVisible();
    await login(page, "admin@northwind.test", "northwind-admin-pass");
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto("/organizations");
    await expect(page).toHaveURL(/\/login/);
    await ctx.close();
  });
});
