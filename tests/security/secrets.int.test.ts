/**
 * R-SEC-2 — credentials are encrypted at rest, bound to their row, and write-only.
 *  - AAD binding at the database level: a PSA integration's or a connection's ciphertext copied into another row
 *    (of the same or another partner) does not decrypt — the PSA "Test connection" and the worker's client say
 *    so and nothing reaches the PSA; the original row keeps working.
 *  - Write-only: every server action that takes credentials (PSA Test connection / Replace credentials, new
 *    integration / application, edit connection, the consent form) answers without the canary values, the
 *    lib/ reads the pages render from hold none, and no log line (captured stdout/stderr, also when the PSA
 *    refuses the credentials) and no audit entry contains one.
 * (The browse of every page, RSC payload and server log of the production server: e2e/security.spec.ts.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { db } from "@/db";
import { auditLog, connections, psaIntegrations } from "@/db/schema";
import { POST as authorize } from "@/app/consent/[token]/authorize/route";
import { decryptCredentials } from "@/lib/crypto/secrets";
import { resetEnvCache } from "@/lib/env";
import { getConnectionDetail, listSettingsIntegrations } from "@/lib/integrations/connections";
import { forgetPsaClient, getPsaIntegration, listPsaIntegrations, psaClientFor, testPsaIntegration } from "@/lib/psa-integrations";
import { FAKE_CREDENTIALS, startFakePsas, type FakePsas } from "@/lib/psa/fakes";
import { callAction } from "./support/harness";
import { freshConsentLink } from "./support/fresh";
import { seedWorld, sessionCookie, type World } from "./support/world";

vi.mock("next/headers", () => import("./support/request-context").then((m) => m.nextHeaders));
vi.mock("next/cache", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/cache")>()),
  revalidatePath: () => undefined,
  revalidateTag: () => undefined,
}));

let fakes: FakePsas;
let world: World;
let cookie: string;
const out: string[] = [];
const canary = (label: string) => `CANARY-${label}-${randomBytes(8).toString("hex")}`;

beforeAll(async () => {
  process.env.SWITCHBOARD_URL = "http://switchboard.test";
  resetEnvCache();
  fakes = await startFakePsas();
  world = await seedWorld();
  cookie = await sessionCookie(world.a.admin.email);
  // Every line the code under test writes to stdout or stderr (the logger writes there).
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      out.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write);
  }
}, 120_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await fakes?.stop();
});

const syncroRequests = () => [...fakes.syncro.requestCounts.values()].reduce((a, b) => a + b, 0);
const cred = (c: Record<string, string | undefined>) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as Record<string, string>;

describe("R-SEC-2: ciphertext is bound to its row (AAD)", () => {
  it("R-SEC-2: a PSA integration's ciphertext copied into another row — same partner or another — does not decrypt; nothing reaches the PSA", async () => {
    const ok = await callAction("app/(console)/settings/psa-email/psa/actions.ts#testNewPsaConnectionAction", cookie, { vendor: "syncro", name: "Syncro AAD source", credentials: cred(fakes.syncro.credentials) });
    expect(ok.kind).toBe("ok");
    const sourceId = (ok as { result: { data: { id: string } } }).result.data.id;
    const [source] = await db.select().from(psaIntegrations).where(eq(psaIntegrations.id, sourceId));
    expect(source.credentialsCiphertext).toMatch(/^v1:/);
    expect(source.credentialsCiphertext).not.toContain(FAKE_CREDENTIALS.syncro.apiToken);

    for (const target of [world.a.psaIntegrationId, world.b.psaIntegrationId]) {
      const owner = target === world.a.psaIntegrationId ? world.a : world.b;
      await db.update(psaIntegrations).set({ credentialsCiphertext: source.credentialsCiphertext, credentialsSetAt: new Date() }).where(eq(psaIntegrations.id, target));
      forgetPsaClient(target);
      const [row] = await db.select().from(psaIntegrations).where(eq(psaIntegrations.id, target));
      expect(() => decryptCredentials(row.credentialsCiphertext, { partnerId: row.partnerId, rowId: row.id })).toThrow(/could not be decrypted/);
      expect(() => psaClientFor(row)).toThrow(/could not be decrypted/);
      const before = syncroRequests();
      const tested = await testPsaIntegration(owner.admin.viewer, target);
      expect(tested).toMatchObject({ ok: false, retryable: false });
      expect(tested.message).toMatch(/could not be decrypted/);
      expect(syncroRequests(), "no request reached the PSA").toBe(before);
    }
    // The source row itself still works.
    expect((await testPsaIntegration(world.a.admin.viewer, sourceId)).ok).toBe(true);
  });

  it("R-SEC-2: a connection's ciphertext copied into another connection does not decrypt", async () => {
    const [source] = await db.select().from(connections).where(eq(connections.id, world.a.scopedApplication.id));
    expect(source.credentialsCiphertext).toMatch(/^v1:/);
    expect(decryptCredentials(source.credentialsCiphertext!, { partnerId: source.partnerId, rowId: source.id }).apiToken).toMatch(/^s1-canary-/);
    for (const targetId of [world.a.otherApplication.id, world.b.scopedApplication.id]) {
      await db.update(connections).set({ credentialsCiphertext: source.credentialsCiphertext }).where(eq(connections.id, targetId));
      const [row] = await db.select().from(connections).where(eq(connections.id, targetId));
      expect(() => decryptCredentials(row.credentialsCiphertext!, { partnerId: row.partnerId, rowId: row.id })).toThrow(/could not be decrypted/);
    }
  });
});

describe("R-SEC-2: credentials are write-only", () => {
  it("R-SEC-2: actions taking credentials never answer with them; page reads, logs and audit entries hold none", async () => {
    const secrets: string[] = [];
    const results: unknown[] = [];
    const act = async (id: string, input: unknown) => {
      const r = await callAction(id, cookie, input);
      results.push(r);
      return r;
    };
    const psa = "app/(console)/settings/psa-email/psa/actions.ts";
    // Refused by the PSA (wrong secret): the vendor's words come back, never the value typed.
    for (const vendor of ["connectwise", "autotask", "kaseya_bms", "halopsa", "syncro"] as const) {
      const field = { connectwise: "privateKey", autotask: "secret", kaseya_bms: "password", halopsa: "clientSecret", syncro: "apiToken" }[vendor];
      const wrong = canary(`wrong-${vendor}`);
      secrets.push(wrong);
      const r = await act(`${psa}#testNewPsaConnectionAction`, { vendor, name: `Wrong ${vendor}`, credentials: { ...cred(fakes[vendor].credentials), [field]: wrong } });
      expect(r.kind, vendor).toBe("refused");
    }
    // Accepted by the PSA, then replaced.
    const created = await act(`${psa}#testNewPsaConnectionAction`, { vendor: "halopsa", name: "Halo write-only", credentials: cred(fakes.halopsa.credentials) });
    expect(created.kind).toBe("ok");
    secrets.push(FAKE_CREDENTIALS.halopsa.clientSecret);
    const haloId = (created as { result: { data: { id: string } } }).result.data.id;
    const replaced = await act(`${psa}#replacePsaCredentialsAction`, { id: haloId, credentials: { ...cred(fakes.halopsa.credentials), clientSecret: canary("replace") } });
    expect(replaced.kind).toBe("refused");
    secrets.push(...JSON.stringify(replaced).match(/CANARY-[a-z-]+-[0-9a-f]+/g) ?? []);

    // Applications and integrations.
    const duoSecret = canary("duo");
    const ninjaSecret = canary("ninja");
    const editSecret = canary("edit");
    secrets.push(duoSecret, ninjaSecret, editSecret);
    expect(
      (
        await act("app/(console)/organizations/[id]/applications/actions.ts#createApplicationAction", {
          organizationId: world.a.otherOrg.id,
          appType: "duo",
          authorizer: "msp",
          credentials: { apiHostname: "api-1234abcd.duosecurity.com", integrationKey: "DIXXXXXXXXXXXXXXXXXX", secretKey: duoSecret },
          acknowledgeDuplicate: true,
        })
      ).kind,
    ).toBe("ok");
    expect(
      (
        await act("app/(console)/settings/integrations/actions.ts#createIntegrationAction", {
          organizationId: world.a.scopedOrg.id,
          appType: "ninjaone",
          credentials: { regionUrl: "https://eu.ninjarmm.com", clientId: "cid", clientSecret: ninjaSecret },
          mappings: [],
          acknowledgeDuplicate: true,
        })
      ).kind,
    ).toBe("ok");
    expect(
      (
        await act("app/(console)/settings/integrations/actions.ts#updateConnectionAction", {
          connectionId: world.a.scopedApplication.id,
          name: "S1 edited",
          settings: { consoleUrl: "https://edited.sentinelone.net" },
          secrets: { apiToken: editSecret },
          acknowledgeDuplicate: true,
        })
      ).kind,
    ).toBe("ok");
    // The customer's consent form.
    const link = await freshConsentLink(world.a, "scoped");
    const consentSecret = canary("consent");
    secrets.push(consentSecret);
    const res = await authorize(
      new Request(`http://switchboard.test/consent/${link.token}/authorize`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://switchboard.test", host: "switchboard.test", "sec-fetch-site": "same-origin" },
        body: JSON.stringify({ credentials: { oktaDomain: "acme.okta.com", clientId: "0oa1", clientSecret: consentSecret } }),
      }),
      { params: Promise.resolve({ token: link.token }) },
    );
    expect(res.status).toBe(200);
    results.push(await res.text());
    secrets.push(...world.a.secrets.filter((s) => !s.startsWith("sbc_") && !s.startsWith("sbk_") && !s.startsWith("sbt_")));

    // What the pages render from (lib reads), every action answer, every log line and audit entry.
    const v = world.a.admin.viewer;
    const reads = [
      await listPsaIntegrations(v),
      await getPsaIntegration(v, haloId),
      await getPsaIntegration(v, world.a.psaIntegrationId),
      await listSettingsIntegrations(v),
      await getConnectionDetail(v, world.a.scopedApplication.id),
      await getConnectionDetail(v, link.connectionId),
      await getConnectionDetail(v, world.a.settingsConnection.id),
    ];
    const audit = await db.select().from(auditLog);
    expect(audit.length).toBeGreaterThan(10);
    const leaks = (label: string, value: unknown) => {
      const text = typeof value === "string" ? value : JSON.stringify(value);
      expect(secrets.filter((s) => text.includes(s)), label).toEqual([]);
    };
    expect(secrets.length).toBeGreaterThan(10);
    results.forEach((r, i) => leaks(`action answer ${i}`, r));
    reads.forEach((r, i) => leaks(`page read ${i}`, r));
    leaks("audit log", audit);
    leaks("logs", out.join(""));
  });
});
