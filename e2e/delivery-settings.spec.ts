import { test, expect, type Page } from "@playwright/test";
import { createOrganization, createPartner, expectAccessible, login, snap } from "./helpers";

const SAMPLE_TITLE = "Suspicious PowerShell download cradle on FIN-WS-014";

async function addGlobalEmail(page: Page, email: string, why?: string) {
  await page.getByRole("button", { name: "+ Add Email" }).click();
  const dialog = page.getByRole("dialog", { name: "Add email" });
  await dialog.getByLabel("Email address").fill(email);
  if (why) await dialog.getByLabel(/Why this recipient/).fill(why);
  await dialog.getByRole("button", { name: "Add", exact: true }).click();
  return dialog;
}

async function createUserInUi(page: Page, email: string, role: "technician" | "support", organization?: string) {
  await page.goto("/settings/users");
  await page.getByRole("button", { name: "Add user" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Email").fill(email);
  await dialog.getByLabel("Initial password").fill("delivery-user-pass-1");
  await dialog.getByLabel("Role").selectOption(role);
  if (organization) await dialog.getByLabel(organization).check();
  await dialog.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByText(`User ${email} created.`)).toBeVisible();
}

test.describe("delivery settings", () => {
  test("R-DEL-8, R-DEL-6, R-DEL-7: global emails, both subject formats with live previews, detail toggles; persisted", async ({ page }) => {
    await page.goto("/settings/psa-email");
    await expect(page.getByRole("heading", { name: "PSA & Email", level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: "PSA & Email" })).toHaveAttribute("aria-current", "page");
    await expect(page.getByTestId("email-preview-subject")).not.toBeEmpty();
    await expectAccessible(page);
    await snap(page, "delivery-01-psa-email-defaults");

    // R-DEL-8: Add saves the address and confirms the save.
    await addGlobalEmail(page, "SOC@northwind.test", "24x7 SOC shared inbox");
    await expect(page.getByText("Email added successfully").first()).toBeVisible();
    await expect(page.getByText("This confirms the save only; no email has been sent.").first()).toBeVisible();
    const table = page.getByRole("table", { name: "Global recipients" });
    await expect(table.getByRole("cell", { name: "soc@northwind.test", exact: true })).toBeVisible();
    await expect(table.getByRole("cell", { name: "24x7 SOC shared inbox" })).toBeVisible();
    await addGlobalEmail(page, "oncall@northwind.test");
    await expect(table.getByRole("cell", { name: "oncall@northwind.test", exact: true })).toBeVisible();

    // R-SEC-5: an invalid address and a duplicate get a clear message and save nothing.
    const dialog = await addGlobalEmail(page, "not-an-address");
    await expect(dialog.getByText("Enter a valid email address, like soc@example.com.")).toBeVisible();
    await dialog.getByLabel("Email address").fill("soc@NORTHWIND.test");
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await expect(dialog.getByText("soc@northwind.test is already a global recipient.").first()).toBeVisible();
    await expectAccessible(page);
    await snap(page, "delivery-02-add-email-duplicate");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(table.getByRole("row")).toHaveCount(3); // header + two addresses

    // R-DEL-6: two independent subject formats, each with a live preview.
    const globalFormat = page.getByLabel("Default subject format for global recipients");
    const orgFormat = page.getByLabel("Default subject format for organization-specific recipients");
    await globalFormat.fill("SOC {{ alert.priority | upcase }}: {{ alert.title }}");
    await expect(page.getByTestId("globalSubjectFormat-preview-text")).toHaveText(`SOC HIGH: ${SAMPLE_TITLE}`);
    await expect(page.getByTestId("email-preview-subject")).toHaveText(`SOC HIGH: ${SAMPLE_TITLE}`);
    // An unknown token is refused, naming the token.
    await orgFormat.fill("{{ alert.severity }} {{ alert.title }}");
    await expect(page.getByText(/Unknown token \{\{ alert\.severity \}\}/)).toBeVisible();
    await expect(page.getByText("Fix the subject format above to update the preview.")).toBeVisible();
    await orgFormat.fill("{{ organization.name }} | {{ alert.title }}");
    await expect(page.getByTestId("organizationSubjectFormat-preview-text")).toHaveText(`Acme Dental | ${SAMPLE_TITLE}`);
    await page.getByRole("button", { name: "Organization recipient" }).click();
    await expect(page.getByTestId("email-preview-subject")).toHaveText(`Acme Dental | ${SAMPLE_TITLE}`);

    // R-DEL-7: the detail toggles change the email body.
    const preview = page.frameLocator('iframe[title^="Email preview"]');
    await expect(preview.getByText("Respond events (3)")).toBeVisible();
    await expect(preview.getByText("IOC matches (3)")).toBeVisible();
    await page.getByRole("switch", { name: /Respond Event Detail/ }).click();
    await expect(preview.getByText("Respond events (3)")).toHaveCount(0);
    await expect(preview.getByText("IOC matches (3)")).toBeVisible();
    await page.getByRole("switch", { name: /IOC Event Detail/ }).click();
    await expect(preview.getByText("IOC matches (3)")).toHaveCount(0);
    await page.getByRole("button", { name: "Plain text" }).click();
    await expect(page.getByTestId("email-preview").locator("pre")).toContainText("Summary");
    await expect(page.getByTestId("email-preview").locator("pre")).not.toContainText("Process terminated");
    await page.getByText("Available tokens and filters").click();
    await expect(page.getByRole("table", { name: "Subject format tokens" })).toBeVisible();
    await expectAccessible(page);
    await snap(page, "delivery-03-email-settings-edited");

    await page.getByLabel("Why this change?").fill("shorter subjects for the NOC");
    await page.getByRole("button", { name: "Save email settings" }).click();
    await expect(page.getByText("Email settings saved.")).toBeVisible();

    await page.reload();
    await expect(globalFormat).toHaveValue("SOC {{ alert.priority | upcase }}: {{ alert.title }}");
    await expect(orgFormat).toHaveValue("{{ organization.name }} | {{ alert.title }}");
    await expect(page.getByRole("switch", { name: /Respond Event Detail/ })).toHaveAttribute("aria-checked", "false");
    await expect(page.getByRole("switch", { name: /IOC Event Detail/ })).toHaveAttribute("aria-checked", "false");
    await expect(table.getByRole("row")).toHaveCount(3);

    // Removing asks for confirmation (with the optional why).
    await table.getByRole("button", { name: "Remove oncall@northwind.test" }).click();
    const confirm = page.getByRole("alertdialog");
    await expect(confirm).toContainText("Remove oncall@northwind.test?");
    await confirm.getByLabel(/Why\?/).fill("rotation ended");
    await confirm.getByRole("button", { name: "Remove email" }).click();
    await expect(page.getByText("oncall@northwind.test removed.")).toBeVisible();
    await expect(table.getByRole("cell", { name: "oncall@northwind.test", exact: true })).toHaveCount(0);
    await addGlobalEmail(page, "oncall@northwind.test", "NOC on-call");
    await expect(table.getByRole("cell", { name: "oncall@northwind.test", exact: true })).toBeVisible();
    // Off-screen frames are not painted until scrolled to; bring the preview in before the screenshot.
    await page.locator('iframe[title^="Email preview"]').scrollIntoViewIfNeeded();
    await expect(page.frameLocator('iframe[title^="Email preview"]').getByRole("heading", { name: "Summary" })).toBeVisible();
    await snap(page, "delivery-04-email-settings-saved");

    await page.goto("/audit-log?entity=email_settings");
    await expect(page.getByText("Email settings updated")).toBeVisible();
    await expect(page.getByText("shorter subjects for the NOC")).toBeVisible();
    await page.goto("/audit-log?entity=recipient");
    await expect(page.getByText("Recipient added").first()).toBeVisible();
    await expect(page.getByText("24x7 SOC shared inbox").first()).toBeVisible();
    await expect(page.getByText("rotation ended")).toBeVisible();
  });

  test("R-DEL-2, R-DEL-5: organization Settings tab — PSA & email off and on, a Critical-only recipient; persisted and audited", async ({ page }) => {
    const id = await createOrganization(page, "Initrode");
    await page.goto(`/organizations/${id}/settings`);
    const toggle = page.getByRole("switch", { name: "PSA & email" });
    await expect(toggle).toHaveAttribute("aria-checked", "true"); // on by default
    await expect(page.getByText("Alerts may still be generated and investigated.")).toBeVisible();
    await expect(page.getByText("PSA tickets and email notifications are not sent for this organization.")).toBeVisible();
    await expectAccessible(page);
    await snap(page, "delivery-05-organization-settings");

    // R-DEL-2: off asks for confirmation and the why, then persists.
    await toggle.click();
    const confirm = page.getByRole("alertdialog");
    await expect(confirm).toContainText("Turn PSA & email off for Initrode?");
    await expectAccessible(page);
    await snap(page, "delivery-06-toggle-off-confirm");
    await confirm.getByLabel(/Why\?/).fill("customer offboarding pause");
    await confirm.getByRole("button", { name: "Turn off" }).click();
    await expect(page.getByText("PSA & email turned off for Initrode.")).toBeVisible();
    await expect(toggle).toHaveAttribute("aria-checked", "false");
    await expect(page.getByText("PSA & email is off, so nobody is emailed.")).toBeVisible();
    await page.reload();
    await expect(toggle).toHaveAttribute("aria-checked", "false");
    await toggle.click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Turn on" }).click();
    await expect(page.getByText("PSA & email turned on for Initrode.")).toBeVisible();
    await expect(toggle).toHaveAttribute("aria-checked", "true");

    // R-DEL-5: an organization recipient scoped to Critical only (default scope is Medium + High + Critical).
    await page.getByRole("button", { name: "+ Add recipient" }).click();
    const dialog = page.getByRole("dialog", { name: "Add alert recipient" });
    await expect(dialog.getByRole("checkbox", { name: "Low" })).not.toBeChecked();
    await expect(dialog.getByRole("checkbox", { name: "Medium" })).toBeChecked();
    await expect(dialog.getByRole("checkbox", { name: "High" })).toBeChecked();
    await expect(dialog.getByRole("checkbox", { name: "Critical" })).toBeChecked();
    await dialog.getByLabel("Email address").fill("ciso@initrode.test");
    await dialog.getByRole("checkbox", { name: "Medium" }).click();
    await dialog.getByRole("checkbox", { name: "High" }).click();
    await dialog.getByRole("checkbox", { name: "Critical" }).click();
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await expect(dialog.getByText("Choose at least one priority.")).toBeVisible();
    await dialog.getByRole("checkbox", { name: "Critical" }).click();
    await dialog.getByLabel(/Why this recipient/).fill("CISO wants criticals only");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByText("Recipient added successfully")).toBeVisible();
    const recipientsTable = page.getByRole("table", { name: "Additional alert recipients" });
    const scope = recipientsTable.getByRole("list", { name: "Priority scope of ciso@initrode.test" });
    await expect(scope.getByRole("listitem")).toHaveText(["Critical"]);
    await expect(recipientsTable.getByRole("cell", { name: "CISO wants criticals only" })).toBeVisible();

    // The audience, computed by resolveRecipients: emailed for Critical, not for High.
    const audience = page.getByTestId("audience");
    await expect(page.getByLabel("Who is emailed about a")).toHaveValue("critical");
    await expect(audience.getByText("ciso@initrode.test")).toBeVisible();
    await page.getByLabel("Who is emailed about a").selectOption("high");
    await expect(audience).toContainText("ciso@initrode.test — Recipient scope Critical does not include High");
    await expectAccessible(page);
    await snap(page, "delivery-07-organization-recipient");

    await page.reload();
    await expect(toggle).toHaveAttribute("aria-checked", "true");
    await expect(scope.getByRole("listitem")).toHaveText(["Critical"]);

    // Editing the scope (extra), then the global list is untouched.
    await recipientsTable.getByRole("button", { name: "Edit scope of ciso@initrode.test" }).click();
    const edit = page.getByRole("dialog", { name: "Edit ciso@initrode.test" });
    await edit.getByRole("checkbox", { name: "High" }).click();
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Recipient updated.")).toBeVisible();
    await expect(scope.getByRole("listitem")).toHaveText(["High", "Critical"]);
    await page.goto("/settings/psa-email");
    await expect(page.getByRole("table", { name: "Global recipients" }).getByRole("cell", { name: "ciso@initrode.test", exact: true })).toHaveCount(0);

    await page.goto("/audit-log?entity=organization");
    await expect(page.getByText("Organization delivery disabled")).toBeVisible();
    await expect(page.getByText("Organization delivery enabled")).toBeVisible();
    await expect(page.getByText("customer offboarding pause")).toBeVisible();
    await page.goto("/audit-log?entity=recipient");
    await expect(page.getByText("ciso@initrode.test (Initrode)").first()).toBeVisible();
    await expect(page.getByText("Recipient updated")).toBeVisible();
    await expect(page.getByText("CISO wants criticals only").first()).toBeVisible();
    await expectAccessible(page);
    await snap(page, "delivery-08-audit-log");
  });

  test("R-DEL-9: with no PSA and no global email the Settings tab says the toggle has no effect, with a link", async ({ browser }) => {
    createPartner("Fresh Fields MSP", "admin@freshfields.test", "freshfields-admin-pass");
    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await ctx.newPage();
    await login(page, "admin@freshfields.test", "freshfields-admin-pass");
    const id = await createOrganization(page, "Greenhouse Clinic");
    await page.goto(`/organizations/${id}/settings`);
    const note = page.getByRole("note");
    await expect(note).toContainText("this toggle has no effect until delivery is configured under Settings > PSA & Email");
    await expectAccessible(page);
    await snap(page, "delivery-09-not-configured");
    await note.getByRole("link", { name: "PSA & Email" }).click();
    await expect(page.getByRole("heading", { name: "PSA & Email", level: 1 })).toBeVisible();
    // Sensible defaults before anyone edits them (R-DEL-6, R-DEL-7).
    await expect(page.getByText("No global email recipients yet")).toBeVisible();
    await expect(page.getByText("These are the defaults; nothing has been changed yet.")).toBeVisible();
    await expect(page.getByTestId("email-preview-subject")).toHaveText(`[High] ${SAMPLE_TITLE} – Acme Dental`);
    await expect(page.getByRole("switch", { name: /Respond Event Detail/ })).toHaveAttribute("aria-checked", "true");
    await expect(page.getByRole("switch", { name: /IOC Event Detail/ })).toHaveAttribute("aria-checked", "true");
    // Another partner's addresses are nowhere to be seen (R-SEC-1).
    await expect(page.getByText("soc@northwind.test")).toHaveCount(0);
    await addGlobalEmail(page, "alerts@freshfields.test");
    await expect(page.getByText("Email added successfully").first()).toBeVisible();
    await page.goto(`/organizations/${id}/settings`);
    await expect(page.getByRole("note")).toHaveCount(0);
    await ctx.close();
  });

  test("R-SEC-1: technicians change only their organizations' delivery; support reads PSA & Email without changing it", async ({ page, browser }) => {
    const mine = await createOrganization(page, "Vandelay Industries");
    await createUserInUi(page, "tech.delivery@northwind.test", "technician", "Vandelay Industries");
    await createUserInUi(page, "support.delivery@northwind.test", "support");

    const techCtx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const tech = await techCtx.newPage();
    await login(tech, "tech.delivery@northwind.test", "delivery-user-pass-1");
    await expect(tech.getByRole("link", { name: "PSA & Email" })).toHaveCount(0);
    expect((await tech.goto("/settings/psa-email"))?.status()).toBe(403);
    await tech.goto(`/organizations/${mine}/settings`);
    await tech.getByRole("button", { name: "+ Add recipient" }).click();
    const dialog = tech.getByRole("dialog", { name: "Add alert recipient" });
    await dialog.getByLabel("Email address").fill("it@vandelay.test");
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await expect(tech.getByText("Recipient added successfully")).toBeVisible();
    await tech.getByRole("switch", { name: "PSA & email" }).click();
    await tech.getByRole("alertdialog").getByRole("button", { name: "Turn off" }).click();
    await expect(tech.getByText("PSA & email turned off for Vandelay Industries.")).toBeVisible();
    await techCtx.close();

    const supportCtx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const support = await supportCtx.newPage();
    await login(support, "support.delivery@northwind.test", "delivery-user-pass-1");
    await support.getByRole("link", { name: "PSA & Email" }).click();
    await expect(support.getByRole("heading", { name: "PSA & Email", level: 1 })).toBeVisible();
    await expect(support.getByRole("button", { name: "+ Add Email" })).toHaveCount(0);
    await expect(support.getByRole("button", { name: /Remove/ })).toHaveCount(0);
    await expect(support.getByLabel("Default subject format for global recipients")).toBeDisabled();
    await expect(support.getByTestId("email-preview-subject")).toBeVisible();
    await expectAccessible(support);
    await snap(support, "delivery-10-support-read-only");
    await support.goto(`/organizations/${mine}/settings`);
    await expect(support.getByRole("switch", { name: "PSA & email" })).toBeDisabled();
    await expect(support.getByRole("switch", { name: "PSA & email" })).toHaveAttribute("aria-checked", "false");
    await expect(support.getByRole("button", { name: "+ Add recipient" })).toHaveCount(0);
    await expect(support.getByText("it@vandelay.test").first()).toBeVisible();
    await supportCtx.close();
  });
});
