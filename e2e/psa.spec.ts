/**
 * Settings > PSA & Email, PSA section, through the real UI against the five fake PSAs (started here, on
 * loopback, allow-listed for the server by scripts/e2e-server.ts — R-SEC-3).
 *
 * For every vendor: + Add PSA → Test connection → auto-match two organizations named like fake companies →
 * ticket defaults and priority map → Save; then Send test ticket and see it arrive at the fake. One is paused
 * with confirmation and reactivated (R-DEL-3). Throughout, every network response and the page source are
 * recorded and searched for the fakes' secret credential values (R-SEC-2).
 */
import { test, expect, request as apiRequest, type Page, type Response } from "@playwright/test";
import { FAKE_CREDENTIALS, startFakePsas, type FakePsas } from "../lib/psa/fakes";
import { getPsaDescriptor, secretFieldNames } from "../lib/psa/catalog";
import type { PsaVendor } from "../lib/psa/types";
import { createOrganization, expectAccessible, pickOrganization, snap } from "./helpers";

test.describe.configure({ mode: "serial", timeout: 120_000 });

let fakes: FakePsas;
const bodies: Promise<string>[] = [];
const pageSources: string[] = [];

/** Secret credential values (the catalog's secret fields), plus ConnectWise's public key half of the key pair. */
const SECRETS: string[] = [
  ...(Object.keys(FAKE_CREDENTIALS) as PsaVendor[]).flatMap((v) =>
    secretFieldNames(v).map((f) => (FAKE_CREDENTIALS[v] as Record<string, string>)[f]),
  ),
  FAKE_CREDENTIALS.connectwise.publicKey,
];

const NAMES: Record<PsaVendor, string> = {
  connectwise: "E2E ConnectWise",
  autotask: "E2E Autotask",
  kaseya_bms: "E2E Kaseya BMS",
  halopsa: "E2E Halo",
  syncro: "E2E Syncro",
};

test.beforeAll(async () => {
  fakes = await startFakePsas();
});
test.afterAll(async () => {
  await fakes?.stop();
});

function record(page: Page) {
  page.on("response", (response: Response) => {
    bodies.push(response.text().catch(() => ""));
  });
}

async function keepSource(page: Page) {
  pageSources.push(await page.content());
}

function credentialsFor(vendor: PsaVendor): Record<string, string> {
  const all = fakes[vendor].credentials as Record<string, string | undefined>;
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""));
}

async function ensureOrganization(page: Page, name: string) {
  await page.goto(`/organizations?q=${encodeURIComponent(name)}`);
  if ((await page.getByRole("link", { name, exact: true }).count()) === 0) await createOrganization(page, name);
}

async function fillCredentials(page: Page, vendor: PsaVendor, values: Record<string, string>) {
  for (const field of getPsaDescriptor(vendor).credentialFields) {
    const input = fieldByLabel(page, field.label);
    await input.fill(values[field.name] ?? "");
  }
}

/** A form control by its label, whether or not the label ends in "(optional)". */
function fieldByLabel(page: Page, label: string) {
  return page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s?(\\(optional\\))?$`));
}

/** Picks the first real option of a look-up select once the PSA's list has loaded. */
async function chooseFirst(page: Page, label: string, preferred?: string) {
  const select = fieldByLabel(page, label);
  await expect(select).toBeEnabled();
  await expect(select.locator("option")).not.toHaveCount(1);
  if (preferred) await select.selectOption({ label: preferred });
  else await select.selectOption({ index: 1 });
}

async function addPsa(page: Page, vendor: PsaVendor, opts: { screenshots?: boolean } = {}) {
  const descriptor = getPsaDescriptor(vendor);
  const shot = async (name: string) => {
    if (opts.screenshots) {
      await expectAccessible(page);
      await snap(page, name);
    }
  };
  // Organizations named like fake companies, so auto-match has something to find (idempotent per run).
  await ensureOrganization(page, "Acme Corp");
  await ensureOrganization(page, "Globex Corporation");
  await page.goto("/settings/psa-email");
  await page.getByRole("link", { name: "+ Add PSA" }).click();
  await expect(page.getByRole("heading", { name: "Add PSA", level: 1 })).toBeVisible();
  await page.getByLabel(descriptor.displayName).check();
  await shot("psa-10-wizard-choose");
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page.getByRole("heading", { name: `Connect ${descriptor.displayName}` })).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill(NAMES[vendor]);
  const good = credentialsFor(vendor);
  if (opts.screenshots) {
    // A wrong secret: the vendor's own error text, and nothing is stored.
    const secretField = descriptor.credentialFields.find((f) => f.secret)!;
    await fillCredentials(page, vendor, { ...good, [secretField.name]: "definitely-wrong-secret" });
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Connection test failed." })).toBeVisible();
    await expect(page.getByRole("button", { name: "Continue" })).toBeDisabled();
    await shot("psa-11-wizard-connect-failed");
  }
  await fillCredentials(page, vendor, good);
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText("Connection test passed.")).toBeVisible();
  // What was typed is gone from the page once stored: only "stored encrypted" remains.
  const secretField = descriptor.credentialFields.find((f) => f.secret)!;
  await expect(page.getByLabel(secretField.label, { exact: true })).toHaveCount(0);
  await expect(page.getByText(/Stored encrypted .*; never shown again/)).toBeVisible();
  await shot("psa-12-wizard-connect-passed");
  await keepSource(page);
  await page.getByRole("button", { name: "Continue" }).click();

  // Organizations: auto-match by name with a confirm step.
  await expect(page.getByRole("heading", { name: "Organizations" }).first()).toBeVisible();
  await page.getByRole("button", { name: "Auto-match by name" }).click();
  const results = page.getByRole("region", { name: "Auto-match results" });
  await expect(results.getByRole("checkbox", { name: "Acme Corp → Acme Corp" })).toBeChecked();
  await expect(results.getByRole("checkbox", { name: "Globex Corporation → Globex Corporation" })).toBeChecked();
  await shot("psa-13-wizard-auto-match");
  await results.getByRole("button", { name: /^Use \d+ match/ }).click();
  const noun = descriptor.companyNoun.singular;
  const cap = noun.charAt(0).toUpperCase() + noun.slice(1);
  await expect(page.getByRole("button", { name: `${cap} for Acme Corp`, exact: true })).toHaveText("Acme Corp");
  await expect(page.getByRole("button", { name: `${cap} for Globex Corporation`, exact: true })).toHaveText("Globex Corporation");
  // The catch-all company, picked from the searchable list loaded from the PSA.
  await page.getByRole("button", { name: `Catch-all ${noun}`, exact: true }).click();
  await page.getByLabel(`Search ${noun} names`).fill("Initech");
  await page.getByRole("button", { name: "Initech", exact: true }).click();
  await expect(page.getByRole("button", { name: `Catch-all ${noun}`, exact: true })).toHaveText("Initech");
  if (opts.screenshots) {
    await page.getByRole("button", { name: "Details for Acme Corp" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await shot("psa-14-wizard-mapping-details");
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    await shot("psa-15-wizard-organizations");
  }
  await page.getByRole("button", { name: "Continue" }).click();

  // Ticket defaults (the vendor's required ones) and the priority map.
  await expect(page.getByRole("heading", { name: "Ticket defaults" }).first()).toBeVisible();
  if (opts.screenshots) {
    // Required fields are enforced before continuing.
    const required = descriptor.ticketFields.filter((f) => f.required && !f.dependsOn.includes("companyId"));
    if (required.length) {
      await page.getByRole("button", { name: "Continue" }).click();
      await expect(page.getByText(/needs one on every ticket/).first()).toBeVisible();
    }
  }
  for (const field of descriptor.ticketFields) {
    if (!field.required || field.dependsOn.includes("companyId")) continue;
    await chooseFirst(page, field.label, vendor === "halopsa" && field.key === "ticketType" ? "Security Alert" : undefined);
  }
  for (const label of ["Low alerts", "Medium alerts", "High alerts", "Critical alerts"]) await chooseFirst(page, label);
  await shot("psa-16-wizard-defaults");
  await page.getByRole("button", { name: "Continue" }).click();

  await expect(page.getByRole("heading", { name: "Review and save" })).toBeVisible();
  await expect(page.getByText("Acme Corp → Acme Corp")).toBeVisible();
  await page.getByLabel("Why?").fill(`e2e: connect ${descriptor.displayName}`);
  await shot("psa-17-wizard-review");
  await page.getByRole("button", { name: "Save and enable ticket creation" }).click();
  await expect(page).toHaveURL(/\/settings\/psa-email\/psa\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: NAMES[vendor], level: 1 })).toBeVisible();
  await expect(page.getByText(/Set on /)).toBeVisible();
  await keepSource(page);
}

async function sendTestTicket(page: Page, vendor: PsaVendor) {
  const before = fakes[vendor].tickets.length;
  const card = page.locator("section").filter({ has: page.getByRole("heading", { name: "Send test ticket" }) });
  await card.getByLabel("Organization").selectOption({ label: "Acme Corp → Acme Corp" });
  await card.getByLabel("Alert priority").selectOption("high");
  await card.getByRole("button", { name: "Send test ticket" }).click();
  await expect(card.getByRole("status")).toContainText("created in Acme Corp for Acme Corp");
  // It arrived at the fake PSA, clearly marked, in the mapped company.
  await expect.poll(() => fakes[vendor].tickets.length).toBe(before + 1);
  const ticket = fakes[vendor].tickets[fakes[vendor].tickets.length - 1];
  expect(ticket.title).toContain("[TEST]");
  expect(ticket.title).toContain("HIGH - ");
}

test.describe("PSA integrations", () => {
  test("R-DEL-4: admin adds ConnectWise through the wizard (failed test shows the vendor's words), maps by auto-match and sends a test ticket", async ({ page }) => {
    // Every screen of the wizard is checked with axe and photographed, which takes a while on two cores.
    test.setTimeout(240_000);
    record(page);
    await page.goto("/settings/psa-email");
    await expectAccessible(page);
    await snap(page, "psa-01-section-empty");
    await addPsa(page, "connectwise", { screenshots: true });
    await expectAccessible(page);
    await snap(page, "psa-20-integration-page");
    await sendTestTicket(page, "connectwise");
    await snap(page, "psa-21-test-ticket-sent");
    await keepSource(page);
  });

  for (const vendor of ["autotask", "kaseya_bms", "halopsa", "syncro"] as const) {
    test(`R-DEL-4: admin adds ${getPsaDescriptor(vendor).displayName} through the wizard and a test ticket arrives`, async ({ page }) => {
      record(page);
      await addPsa(page, vendor);
      await sendTestTicket(page, vendor);
      await keepSource(page);
    });
  }

  test("R-DEL-3: pausing asks for confirmation, keeps the configuration, and Active resumes without re-entry", async ({ page }) => {
    record(page);
    await page.goto("/settings/psa-email");
    const status = page.getByLabel(`Status of ${NAMES.syncro}`);
    await expect(status).toHaveValue("active");
    await expectAccessible(page);
    await snap(page, "psa-02-section-list");

    // Cancelling the confirmation leaves it Active.
    await status.selectOption("paused");
    await expect(page.getByRole("alertdialog")).toBeVisible();
    await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
    await expect(status).toHaveValue("active");

    await status.selectOption("paused");
    const dialog = page.getByRole("alertdialog");
    await expect(dialog).toContainText("Credentials, mappings and ticket defaults stay as they are");
    await expectAccessible(page);
    await snap(page, "psa-03-pause-confirm");
    await dialog.getByLabel(/Why\?/).fill("PSA maintenance window");
    await dialog.getByRole("button", { name: "Pause" }).click();
    await expect(page.getByText(`${NAMES.syncro} is paused.`)).toBeVisible();
    await page.reload();
    await expect(page.getByLabel(`Status of ${NAMES.syncro}`)).toHaveValue("paused");
    // Only that one: the others stay Active.
    await expect(page.getByLabel(`Status of ${NAMES.connectwise}`)).toHaveValue("active");

    // The paused integration keeps its mapping and credentials.
    await page.getByRole("link", { name: `Edit ${NAMES.syncro}` }).click();
    await expect(page.getByText(`${NAMES.syncro} is paused: alerts create no tickets in it.`)).toBeVisible();
    await expect(page.getByRole("button", { name: "Customer for Acme Corp", exact: true })).toHaveText("Acme Corp");
    await expect(page.getByText(/Set on /)).toBeVisible();
    await snap(page, "psa-22-integration-paused");

    // Reactivating needs nothing re-entered.
    await page.getByLabel(`Status of ${NAMES.syncro}`).selectOption("active");
    await expect(page.getByText(`${NAMES.syncro} is active. New alerts create tickets again.`)).toBeVisible();
    await expect(page.getByText(`${NAMES.syncro} is paused: alerts create no tickets in it.`)).toHaveCount(0);
    await sendTestTicket(page, "syncro");

    await page.goto("/audit-log");
    await expect(page.getByText("PSA maintenance window")).toBeVisible();
    await keepSource(page);
  });

  test("R-DEL-4, R-DEL-11: a test alert for a mapped organization becomes a ticket in every active PSA, shown with its ticket id", async ({ page }) => {
    test.setTimeout(120_000);
    record(page);
    const before = Object.fromEntries((Object.keys(NAMES) as PsaVendor[]).map((v) => [v, fakes[v].tickets.length]));
    await page.goto("/alerts");
    await page.getByRole("button", { name: "Send test alert" }).click();
    const send = page.getByRole("dialog", { name: "Send test alert" });
    await pickOrganization(page, send, "Acme Corp");
    await send.getByLabel("Priority").selectOption("high");
    await send.getByRole("button", { name: "Send test alert" }).click();
    await expect(page).toHaveURL(/\/alerts\/[0-9a-f-]{36}$/);
    for (const vendor of Object.keys(NAMES) as PsaVendor[]) {
      const row = page.getByRole("row").filter({ hasText: NAMES[vendor] });
      // The delivery log refreshes itself while the worker creates the tickets.
      await expect(row.getByText("Sent", { exact: true })).toBeVisible({ timeout: 30_000 });
      await expect(row.getByText(/^Ticket \d+/)).toBeVisible();
      await expect.poll(() => fakes[vendor].tickets.length).toBe(before[vendor] + 1);
      const ticket = fakes[vendor].tickets[fakes[vendor].tickets.length - 1];
      expect(ticket.title).toContain("[TEST]");
    }
    await expectAccessible(page);
    await snap(page, "psa-30-alert-tickets");
    await keepSource(page);
  });

  test("R-SEC-5: look-up routes answer 4xx JSON for bad input, 502 with the PSA's words, 401 without a session", async ({ page }) => {
    record(page);
    await page.goto("/settings/psa-email");
    const href = await page.getByRole("link", { name: `Edit ${NAMES.connectwise}` }).getAttribute("href");
    const id = href!.split("/").pop()!;
    const api = page.request;
    const ok = await api.get(`/api/psa/integrations/${id}/companies?search=Acme`);
    expect(ok.status()).toBe(200);
    expect((await ok.json()).items.map((c: { name: string }) => c.name)).toContain("Acme Corp");

    const notUuid = await api.get("/api/psa/integrations/not-a-uuid/companies");
    expect(notUuid.status()).toBe(404);
    expect(await notUuid.json()).toMatchObject({ message: "PSA integration was not found." });
    const unknown = await api.get(`/api/psa/integrations/${crypto.randomUUID()}/lookups/boards`);
    expect(unknown.status()).toBe(404);
    const bogus = await api.get(`/api/psa/integrations/${id}/lookups/bogus`);
    expect(bogus.status()).toBe(400);
    expect((await bogus.json()).message).toMatch(/no list called "bogus"/);
    const missingBoard = await api.get(`/api/psa/integrations/${id}/lookups/statuses`);
    expect(missingBoard.status()).toBe(400);
    expect((await missingBoard.json()).message).toMatch(/needs "board" chosen first/);
    const vendorRefused = await api.get(`/api/psa/integrations/${id}/lookups/statuses?board=424242`);
    expect(vendorRefused.status()).toBe(502);
    expect(await vendorRefused.json()).toMatchObject({ retryable: false, message: expect.stringContaining("ConnectWise PSA") });

    const anonymous = await apiRequest.newContext({ baseURL: test.info().project.use.baseURL, storageState: { cookies: [], origins: [] } });
    const refused = await anonymous.get(`/api/psa/integrations/${id}/companies`);
    expect(refused.status()).toBe(401);
    expect(await refused.json()).toMatchObject({ message: expect.any(String) });
    await anonymous.dispose();
  });

  test("R-SEC-2: the integration page never renders credentials; Replace takes a full new set and tests it first", async ({ page }) => {
    record(page);
    await page.goto("/settings/psa-email");
    await page.getByRole("link", { name: `Edit ${NAMES.autotask}` }).click();
    await page.getByRole("button", { name: "Replace" }).click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.getByLabel("Secret", { exact: true })).toHaveValue("");
    await fillCredentials(page, "autotask", { ...credentialsFor("autotask"), secret: "not-the-secret" });
    await dialog.getByRole("button", { name: "Test and replace" }).click();
    await expect(dialog.getByRole("alert").first()).toContainText("Autotask");
    await expectAccessible(page);
    await snap(page, "psa-23-replace-credentials-refused");
    await fillCredentials(page, "autotask", credentialsFor("autotask"));
    await dialog.getByLabel(/Why\?/).fill("rotated API secret");
    await dialog.getByRole("button", { name: "Test and replace" }).click();
    await expect(page.getByText("Credentials replaced. The connection test passed.")).toBeVisible();
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(page.getByText(/Connection test passed\. Connected to Autotask zone/)).toBeVisible();
    await keepSource(page);

    // Every response of the whole run and every page source: no credential value.
    const all = [...(await Promise.all(bodies)), ...pageSources];
    expect(all.length).toBeGreaterThan(50);
    for (const secret of SECRETS) {
      const leaks = all.filter((b) => b.includes(secret)).length;
      expect(leaks, `secret ${secret.slice(0, 4)}… appeared in ${leaks} responses`).toBe(0);
    }
  });
});
