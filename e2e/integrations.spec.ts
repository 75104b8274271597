import { test, expect, type Page } from "@playwright/test";
import { createOrganization, expectAccessible, snap } from "./helpers";

async function openNewApplication(page: Page, orgId: string, appName: string) {
  await page.goto(`/organizations/${orgId}/applications`);
  await page.getByRole("link", { name: "+ New Application" }).click();
  await expect(page.getByRole("heading", { name: "New application" })).toBeVisible();
  await page.getByRole("link", { name: new RegExp(`^${appName}`) }).click();
  await expect(page.getByRole("heading", { name: `Connect ${appName}` })).toBeVisible();
}

test.describe("data sources (seed 002)", () => {
  // Long journeys with an axe pass on every screen.
  test.describe.configure({ timeout: 180_000 });

  test("R-INT-1 / R-INT-5: a Datto RMM integration from Settings maps two sites; telemetry is counted per organization", async ({ page }) => {
    await createOrganization(page, "Tailspin Toys");
    const fabrikam = await createOrganization(page, "Fabrikam");
    await createOrganization(page, "Wingtip Toys");

    await page.goto("/settings/integrations");
    await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
    await expectAccessible(page);
    await snap(page, "int-01-integrations-empty");

    await page.getByRole("link", { name: "+ New Integration" }).first().click();
    // Step 1: the organization incoming data is routed to, with the constraints stated up front.
    await expect(page.getByText("Each organization can have one connection per application type.")).toBeVisible();
    await expect(page.getByText(/unmapped telemetry is stored under the selected organization/)).toBeVisible();
    await page.getByRole("button", { name: "Continue" }).click();
    await expect(page.getByText("Select an organization to route incoming data.", { exact: true })).toBeVisible();
    await page.getByLabel("Organization").selectOption({ label: "Tailspin Toys" });
    await expectAccessible(page);
    await snap(page, "int-02-wizard-organization");
    await page.getByRole("button", { name: "Continue" }).click();

    // Step 2: the integration type.
    await page.getByRole("radio", { name: /Datto RMM/ }).check();
    await expectAccessible(page);
    await snap(page, "int-03-wizard-type");
    await page.getByRole("button", { name: "Continue" }).click();

    // Step 3: credentials, then Next (bad input is caught first).
    await page.getByLabel("API URL").fill("not a url");
    await page.getByRole("button", { name: "Next" }).click();
    await expect(page.getByText("Enter the API URL as a web address, like https://example.com.")).toBeVisible();
    await page.getByLabel("API URL").fill("https://pinotage-api.centrastage.net");
    await page.getByLabel("API key", { exact: true }).fill("E2E-DATTO-KEY");
    await page.getByLabel("API secret key").fill("e2e-datto-secret");
    await expectAccessible(page);
    await snap(page, "int-04-wizard-credentials");
    await page.getByRole("button", { name: "Next" }).click();

    // Step 4: map two sites to organizations.
    await expect(page.getByRole("heading", { name: "Map sites to organizations" })).toBeVisible();
    await page.getByRole("button", { name: "Add site" }).click();
    await page.getByRole("button", { name: "Add site" }).click();
    await page.getByLabel("site id (row 1)").fill("site-fabrikam");
    await page.getByLabel("site name (row 1)").fill("Fabrikam HQ");
    await page.getByLabel("Organization (row 1)").selectOption({ label: "Fabrikam" });
    await page.getByLabel("site id (row 2)").fill("site-wingtip");
    await page.getByLabel("site name (row 2)").fill("Wingtip Store");
    await page.getByLabel("Organization (row 2)").selectOption({ label: "Wingtip Toys" });
    await page.getByLabel("Why?").fill("onboarding the Datto platform");
    await expectAccessible(page);
    await snap(page, "int-05-wizard-mapping");
    await page.getByRole("button", { name: "Create integration" }).click();

    await expect(page.getByText("Datto RMM integration created", { exact: true })).toBeVisible();
    const token = await page.getByLabel("Ingest token").inputValue();
    expect(token).toMatch(/^sbt_/);
    await snap(page, "int-06-integration-created");
    const href = await page.getByRole("link", { name: "Open integration" }).getAttribute("href");
    const connectionId = href!.split("/").pop()!;

    // Platform level (R-INT-1).
    await page.getByRole("link", { name: "Back to Integrations" }).click();
    const row = page.getByRole("row", { name: /Datto RMM/ });
    await expect(row).toContainText("Tailspin Toys");
    await expect(row).toContainText("2 mapped");
    await expect(row).toContainText("Connected");
    await expectAccessible(page);
    await snap(page, "int-07-integrations-list");

    // Telemetry in: mapped sites to their organizations, the unknown site to the selected one (R-INT-5).
    const res = await page.request.post(`/api/v1/telemetry/${connectionId}`, {
      headers: { authorization: `Bearer ${token}` },
      data: {
        events: [
          { source_id: "site-fabrikam", payload: { event: "logon" } },
          { source_id: "site-fabrikam", payload: { event: "process" } },
          { source_id: "site-wingtip", payload: { event: "logon" } },
          { source_id: "site-unknown", source_name: "Pop-up store", payload: { event: "logon" } },
          { payload: { event: "no source" } },
        ],
      },
    });
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body.stored).toBe(4);
    expect(body.rejected).toEqual([{ index: 4, message: expect.stringContaining("source_id") }]);
    expect(body.organizations.map((o: { organization_name: string; stored: number }) => [o.organization_name, o.stored])).toEqual([
      ["Fabrikam", 2],
      ["Tailspin Toys", 1],
      ["Wingtip Toys", 1],
    ]);
    const denied = await page.request.post(`/api/v1/telemetry/${connectionId}`, { headers: { authorization: "Bearer sbt_wrong" }, data: { events: [] } });
    expect(denied.status()).toBe(401);

    // The integration's page: counts per organization, and the unmapped site to map (R-INT-5, item 12).
    await page.goto(`/settings/integrations/${connectionId}`);
    const telemetry = page.locator("section", { has: page.getByRole("heading", { name: "Telemetry in the last 24 hours" }) });
    await expect(telemetry).toContainText("4 events");
    await expect(telemetry.getByRole("listitem").filter({ hasText: "Fabrikam" })).toContainText("2");
    await expect(telemetry.getByRole("listitem").filter({ hasText: "Wingtip Toys" })).toContainText("1");
    const unmapped = page.getByRole("row", { name: /Pop-up store/ });
    await expect(unmapped).toContainText("Unmapped");
    await expect(unmapped).toContainText("stored under Tailspin Toys");
    await expectAccessible(page);
    await snap(page, "int-08-integration-page");
    await unmapped.getByRole("button", { name: "Map Pop-up store" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Organization").selectOption({ label: "Wingtip Toys" });
    await dialog.getByLabel("Why?").fill("pop-up store belongs to Wingtip");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Save mapping" }).click();
    await expect(page.getByText("Mapping saved.", { exact: false })).toBeVisible();
    await expect(page.getByRole("row", { name: /Pop-up store/ })).toContainText("Wingtip Toys");
    const next = await page.request.post(`/api/v1/telemetry/${connectionId}`, {
      headers: { authorization: `Bearer ${token}` },
      data: { events: [{ source_id: "site-unknown", payload: { event: "logon" } }] },
    });
    expect((await next.json()).organizations[0].organization_name).toBe("Wingtip Toys");

    // Secrets are write-only: "set on <date>" and Replace, never the value (R-SEC-2).
    await expect(page.getByText(/set on/)).toBeVisible();
    await expect(page.locator("body")).not.toContainText("e2e-datto-secret");
    await expect(page.getByRole("button", { name: "Replace" })).toBeVisible();

    // The organizations it serves list it, marked as coming from Settings (item 5).
    await page.goto(`/organizations/${fabrikam}/applications`);
    const fromSettings = page.getByRole("row", { name: /Datto RMM/ });
    await expect(fromSettings).toContainText("from Settings > Integrations");
    await expect(fromSettings).toContainText("Mapped sites only");
    await expectAccessible(page);
    await snap(page, "int-09-organization-tab-from-settings");
  });

  test("R-INT-1 / R-INT-2 / R-INT-4: SentinelOne from an organization's Applications tab; a second one is refused up front", async ({ page }) => {
    const litware = await createOrganization(page, "Litware");
    await page.goto(`/organizations/${litware}/applications`);
    await expect(page.getByText("No applications yet")).toBeVisible();
    await snap(page, "int-10-applications-empty");
    await page.getByRole("link", { name: "+ New Application" }).click();
    for (const category of ["MSP Tools", "Customer Apps", "Endpoint Security"]) {
      await expect(page.getByRole("heading", { name: category, level: 3 })).toBeVisible();
    }
    await expectAccessible(page);
    await snap(page, "int-11-new-application-catalogue");
    await page.getByRole("link", { name: /^SentinelOne/ }).click();
    await expect(page.getByRole("radio", { name: "I have the customer's admin credentials" })).toBeChecked();
    await expect(page.getByRole("radio", { name: "I want my customer to create the connection" })).toBeVisible();
    await page.getByLabel("Management console URL").fill("https://usea1-litware.sentinelone.net");
    await page.getByLabel("API token").fill("e2e-s1-token");
    await expectAccessible(page);
    await snap(page, "int-12-connect-sentinelone");
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await expect(page.getByText("SentinelOne connected", { exact: true })).toBeVisible();
    await snap(page, "int-13-sentinelone-connected");
    await page.getByRole("link", { name: "Back to Applications" }).click();
    const row = page.getByRole("row", { name: /SentinelOne/ });
    await expect(row).toContainText("Connected");
    await expect(row).toContainText("This organization");
    await expectAccessible(page);
    await snap(page, "int-14-applications-tab");

    // A second SentinelOne for the same organization: the warning, with a link, before any typing (R-INT-2).
    await page.getByRole("link", { name: "+ New Application" }).click();
    await page.getByRole("link", { name: /^SentinelOne/ }).click();
    await expect(page.getByText("A connection already exists for this application")).toBeVisible();
    await expect(page.getByLabel("API token")).toHaveCount(0);
    await expectAccessible(page);
    await snap(page, "int-15-already-exists");
    await page.getByRole("link", { name: "Open the existing connection" }).click();
    await expect(page.getByRole("heading", { name: "Sites and mapping" })).toBeVisible();
    await expectAccessible(page);
    await snap(page, "int-16-application-page");

    // The same console connected to another organization: warned about duplicate events (R-INT-4).
    const adatum = await createOrganization(page, "Adatum");
    await openNewApplication(page, adatum, "SentinelOne");
    await page.getByLabel("Management console URL").fill("https://USEA1-litware.sentinelone.net/");
    await page.getByLabel("API token").fill("another-token");
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await expect(page.getByText("This instance is already connected to another organization")).toBeVisible();
    await expect(page.getByText(/may result in duplicate events or alerts/)).toBeVisible();
    await expectAccessible(page);
    await snap(page, "int-17-duplicate-instance");
    await page.getByRole("button", { name: "Continue anyway" }).click();
    await expect(page.getByText("SentinelOne connected", { exact: true })).toBeVisible();
  });

  test("R-INT-6 / R-INT-7: a Microsoft 365 consent link authorized by the customer in another browser connects the application", async ({ page, browser }) => {
    const proseware = await createOrganization(page, "Proseware");
    await openNewApplication(page, proseware, "Microsoft 365");
    await page.getByRole("radio", { name: "I want my customer to create the connection" }).check();
    await page.getByLabel("Customer admin's email").fill("it-admin@proseware.example");
    await expectAccessible(page);
    await snap(page, "int-18-consent-choice");
    await page.getByRole("button", { name: "Create consent link" }).click();
    await expect(page.getByText("Consent link for Microsoft 365 created")).toBeVisible();
    await expect(page.getByText("Emailed to it-admin@proseware.example.")).toBeVisible();
    const link = await page.getByLabel("Consent link").inputValue();
    expect(link).toMatch(/\/consent\/sbc_/);
    await snap(page, "int-19-consent-link-created");

    await page.getByRole("link", { name: "Back to Applications" }).click();
    await expect(page.getByRole("row", { name: /Microsoft 365/ }).first()).toContainText("Awaiting authorization");
    const consentRow = page.locator("section", { has: page.getByRole("heading", { name: "Consent links" }) }).getByRole("row", { name: /Microsoft 365/ });
    await expect(consentRow).toContainText("Sent");
    await expect(consentRow).toContainText("it-admin@proseware.example");
    await expectAccessible(page);
    await snap(page, "int-20-consent-link-sent");

    // The customer, in a browser with no session; opening twice (a mail scanner first) uses nothing up.
    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const customer = await ctx.newPage();
    await customer.goto(link);
    await customer.goto(link);
    await expect(customer.getByRole("heading", { name: "Connect Microsoft 365 for Proseware" })).toBeVisible();
    await expect(customer.getByText("Northwind MSP", { exact: true })).toBeVisible();
    await expect(customer.getByText("Read the unified audit log and sign-in logs")).toBeVisible();
    await expectAccessible(customer);
    await snap(customer, "int-21-consent-page");
    await customer.getByRole("button", { name: "Authorize" }).click();
    // The local authorization server grants admin consent and sends the browser back to the callback.
    await expect(customer.getByRole("heading", { name: "Microsoft 365 is connected" })).toBeVisible();
    await expectAccessible(customer);
    await snap(customer, "int-22-consent-complete");
    await customer.goto(link);
    await expect(customer.getByRole("heading", { name: "This link has already been used" })).toBeVisible();
    await snap(customer, "int-23-consent-used");
    await ctx.close();

    await page.reload();
    await expect(page.getByRole("row", { name: /Microsoft 365/ }).first()).toContainText("Connected");
    await expect(page.getByRole("row", { name: /Microsoft 365/ }).first()).toContainText("Customer consent link");
    await expect(consentRow).toContainText("Completed");
    await snap(page, "int-24-consent-completed");
  });

  test("R-INT-6: resend voids the old link; the customer enters Okta credentials on the consent page; every change is audited", async ({ page, browser }) => {
    const contoso = await createOrganization(page, "Contoso Pharmaceuticals");
    await openNewApplication(page, contoso, "Okta");
    await page.getByRole("radio", { name: "I want my customer to create the connection" }).check();
    await page.getByLabel("Why?").fill("customer owns Okta");
    await page.getByRole("button", { name: "Create consent link" }).click();
    const first = await page.getByLabel("Consent link").inputValue();
    await page.getByRole("link", { name: "Back to Applications" }).click();

    // Resend: a new link; the first one stops working.
    const row = page.locator("section", { has: page.getByRole("heading", { name: "Consent links" }) }).getByRole("row", { name: /Okta/ });
    await row.getByRole("button", { name: "Resend Okta consent link" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Customer admin's email").fill("okta-admin@contoso.example");
    await expectAccessible(page);
    await snap(page, "int-25-resend-dialog");
    await dialog.getByRole("button", { name: "Issue new link" }).click();
    await expect(dialog.getByText("Emailed to okta-admin@contoso.example.")).toBeVisible();
    const second = await dialog.getByLabel("Consent link").inputValue();
    expect(second).not.toBe(first);
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(row).toContainText("okta-admin@contoso.example");

    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const customer = await ctx.newPage();
    await customer.goto(first);
    await expect(customer.getByRole("heading", { name: "This link is no longer valid" })).toBeVisible();
    await snap(customer, "int-26-consent-revoked");
    await customer.goto(second);
    await expect(customer.getByRole("heading", { name: "Connect Okta for Contoso Pharmaceuticals" })).toBeVisible();
    await customer.getByRole("button", { name: "Authorize" }).click();
    await expect(customer.getByText("Enter the Okta domain.")).toBeVisible();
    await customer.getByLabel("Okta domain").fill("contoso.okta.com");
    await customer.getByLabel("Client ID").fill("0oa1contoso");
    await customer.getByLabel("Client secret").fill("okta-client-secret");
    await expectAccessible(customer);
    await snap(customer, "int-27-consent-credentials");
    await customer.getByRole("button", { name: "Authorize" }).click();
    await expect(customer.getByText("Okta is connected")).toBeVisible();
    await snap(customer, "int-28-consent-credentials-done");
    await ctx.close();

    await page.reload();
    await expect(page.getByRole("row", { name: /Okta/ }).first()).toContainText("Connected");
    await expect(row).toContainText("Completed");

    await page.goto("/audit-log");
    await expect(page.getByText("customer owns Okta").first()).toBeVisible();
    await expect(page.getByText("Connection authorized").first()).toBeVisible();
    await expect(page.getByText("customer via consent link (okta-admin@contoso.example)").first()).toBeVisible();
    await expect(page.locator("body")).not.toContainText("okta-client-secret");
    await expectAccessible(page);
    await snap(page, "int-29-audit-log");
  });
});
