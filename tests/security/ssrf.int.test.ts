/**
 * R-SEC-3 — admin-typed addresses cannot make Switchboard call private, loopback or link-local targets unless
 * SWITCHBOARD_ALLOW_PRIVATE_TARGETS names them. lib/http/outbound.test.ts proves the guard itself; this suite
 * proves it end to end, through the server actions an admin uses:
 *  - every PSA URL field, through "Test connection" (+ Add PSA) and "Replace credentials": literal loopback,
 *    private, CGNAT, link-local/metadata, unspecified, IPv6 loopback/ULA/link-local and IPv4-mapped addresses,
 *    decimal/octal/hex/short IPv4 spellings, DNS names resolving to such addresses (and to a mix of public and
 *    private), and redirects and zone-discovery answers pointing at them — refused with a message, nothing
 *    stored, and no connection reaches the canary listener on 127.0.0.1;
 *  - every application URL/host field: the same literal addresses refused at save time, naming the field;
 *  - the SMTP host (SMTP_URL): refused unless allow-listed, for both the mail sender and the alert channel;
 *  - the allow-list works (the positive control), and no server code calls out except through the guard.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import http from "node:http";
import net from "node:net";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { getSqlClient } from "@/db";
import { resetEnvCache } from "@/lib/env";
import { sendMail } from "@/lib/mail/send";
import { sendEmailDelivery } from "@/lib/delivery/channels/email";
import { SAMPLE_ALERT } from "@/lib/delivery/render/subject";
import { APPLICATIONS, credentialFields } from "@/lib/integrations/catalog";
import { FAKE_CREDENTIALS, startFakePsas, type FakePsas } from "@/lib/psa/fakes";
import { startSmtpSink, type SmtpSink } from "@/tests/support/smtp-sink";
import { changeMark, changesSince, describeChanges, installChangeLog } from "./support/changes";
import { ROOT } from "./support/discover";
import { callAction } from "./support/harness";
import { seedWorld, sessionCookie, type World } from "./support/world";

/** Names the test resolver answers (everything else goes to the system resolver). */
const DNS: Record<string, { address: string; family: number }[]> = {
  "loopback.ssrf.test": [{ address: "127.0.0.1", family: 4 }],
  "private.ssrf.test": [{ address: "10.20.30.40", family: 4 }],
  "metadata.ssrf.test": [{ address: "169.254.169.254", family: 4 }],
  "ula.ssrf.test": [{ address: "fd12:3456:789a::1", family: 6 }],
  "mapped.ssrf.test": [{ address: "::ffff:127.0.0.1", family: 6 }],
  "mixed.ssrf.test": [
    { address: "93.184.216.34", family: 4 },
    { address: "10.0.0.7", family: 4 },
  ],
};

vi.mock("node:dns", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:dns")>();
  const lookup = async (host: string, opts?: { all?: boolean }) => {
    const answer = DNS[host.toLowerCase()];
    if (!answer) return real.promises.lookup(host, opts as never);
    return opts?.all ? answer : answer[0];
  };
  const promises = { ...real.promises, lookup };
  return { ...real, promises, default: { ...real, promises } };
});
vi.mock("next/headers", () => import("./support/request-context").then((m) => m.nextHeaders));
vi.mock("next/cache", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/cache")>()),
  revalidatePath: () => undefined,
  revalidateTag: () => undefined,
}));

const PSA_ACTIONS = "app/(console)/settings/psa-email/psa/actions.ts";
const INTEGRATION_ACTIONS = "app/(console)/settings/integrations/actions.ts";
const APPLICATION_ACTIONS = "app/(console)/organizations/[id]/applications/actions.ts";

let world: World;
let cookie: string;
let fakes: FakePsas;
let canary: net.Server;
let canaryPort: number;
let canaryHits = 0;
let bouncer: http.Server;
let bouncerPort: number;
const sql = () => getSqlClient();

function allow(list: string) {
  process.env.SWITCHBOARD_ALLOW_PRIVATE_TARGETS = list;
  resetEnvCache();
}

beforeAll(async () => {
  process.env.SWITCHBOARD_URL = "http://switchboard.test";
  allow("127.0.0.1");
  fakes = await startFakePsas();
  world = await seedWorld();
  cookie = await sessionCookie(world.a.admin.email);
  await installChangeLog(sql());
  canary = net.createServer((s) => {
    canaryHits++;
    s.destroy();
  });
  await new Promise<void>((r) => canary.listen(0, "127.0.0.1", r));
  canaryPort = (canary.address() as net.AddressInfo).port;
  // An allow-listed server (127.0.0.2) that redirects, and answers Autotask zone discovery, towards the canary.
  bouncer = http.createServer((req, res) => {
    if (req.url?.includes("zoneInformation")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ zoneName: "Evil zone", url: `http://127.0.0.1:${canaryPort}/atservicesrest/`, webUrl: "x", ci: 1 }));
      return;
    }
    res.writeHead(302, { location: `http://127.0.0.1:${canaryPort}/latest/meta-data/` });
    res.end();
  });
  await new Promise<void>((r) => bouncer.listen(0, "127.0.0.2", r));
  bouncerPort = (bouncer.address() as net.AddressInfo).port;
}, 120_000);

afterAll(async () => {
  await fakes?.stop();
  await new Promise((r) => canary?.close(r));
  await new Promise((r) => bouncer?.close(r));
});

/** Every spelling of a forbidden target. `P` is replaced by the canary's port. */
const FORBIDDEN = [
  "http://127.0.0.1:P",
  "http://127.1:P",
  "http://2130706433:P",
  "http://0177.0.0.1:P",
  "http://0x7f.0.0.1:P",
  "http://0x7f000001:P",
  "http://0.0.0.0:P",
  "http://localhost:P",
  "http://[::1]:P",
  "http://[::ffff:127.0.0.1]:P",
  "http://[::ffff:7f00:1]:P",
  "http://[0:0:0:0:0:ffff:127.0.0.1]:P",
  "http://10.20.30.40",
  "http://172.16.5.4",
  "http://192.168.0.10",
  "http://100.64.1.1",
  "http://169.254.169.254",
  "http://[fe80::1]",
  "http://[fd12:3456:789a::1]",
  "http://[fc00::5]",
  "http://loopback.ssrf.test:P",
  "http://private.ssrf.test",
  "http://metadata.ssrf.test",
  "http://ula.ssrf.test",
  "http://mapped.ssrf.test:P",
  "http://mixed.ssrf.test",
];
const targets = () => FORBIDDEN.map((u) => u.replace(":P", `:${canaryPort}`));

/** The URL fields of each PSA's credentials, with otherwise valid credentials. */
function psaCredentials(vendor: keyof typeof FAKE_CREDENTIALS, url: string): { field: string; credentials: Record<string, string> }[] {
  switch (vendor) {
    case "connectwise":
      return [{ field: "site", credentials: { ...FAKE_CREDENTIALS.connectwise, site: url } }];
    case "autotask":
      return [{ field: "zoneDiscoveryUrl", credentials: { ...FAKE_CREDENTIALS.autotask, zoneDiscoveryUrl: url } }];
    case "kaseya_bms":
      return [{ field: "serverUrl", credentials: { ...FAKE_CREDENTIALS.kaseya_bms, serverUrl: url } }];
    case "halopsa":
      return [
        { field: "resourceUrl", credentials: { ...FAKE_CREDENTIALS.halopsa, resourceUrl: url } },
        { field: "authUrl", credentials: { ...FAKE_CREDENTIALS.halopsa, resourceUrl: fakes.halopsa.url, authUrl: url } },
      ];
    case "syncro":
      return [{ field: "subdomain", credentials: { ...FAKE_CREDENTIALS.syncro, subdomain: url } }];
  }
}

const VENDORS = ["connectwise", "autotask", "kaseya_bms", "halopsa", "syncro"] as const;

async function expectRefused(label: string, run: () => Promise<Awaited<ReturnType<typeof callAction>>>, pattern = /not a public address|refused|redirect/i) {
  const hits = canaryHits;
  const mark = await changeMark(sql());
  const out = await run();
  expect({ label, kind: out.kind }).toEqual({ label, kind: "refused" });
  if (out.kind === "refused") expect(`${out.message} ${JSON.stringify(out.fieldErrors ?? {})}`, label).toMatch(pattern);
  expect(describeChanges(await changesSince(sql(), mark)), label).toEqual([]);
  expect(canaryHits, `${label}: a connection reached the canary`).toBe(hits);
}

describe("R-SEC-3: PSA URL fields, end to end through Test connection and Replace credentials", () => {
  for (const vendor of VENDORS) {
    it(`R-SEC-3: ${vendor} — every forbidden address and spelling is refused, nothing stored, nothing reached`, async () => {
      allow("");
      for (const url of targets()) {
        for (const { field, credentials } of psaCredentials(vendor, url)) {
          await expectRefused(`${vendor}.${field} = ${url}`, () =>
            callAction(`${PSA_ACTIONS}#testNewPsaConnectionAction`, cookie, { vendor, name: `SSRF ${vendor} ${field} ${url}`, credentials }),
          );
        }
      }
    }, 120_000);
  }

  it("R-SEC-3: Replace credentials on an existing integration refuses a private address and keeps the old credentials", async () => {
    allow("127.0.0.1");
    const created = await callAction(`${PSA_ACTIONS}#testNewPsaConnectionAction`, cookie, { vendor: "syncro", name: "Syncro SSRF replace", credentials: fakes.syncro.credentials });
    expect(created.kind).toBe("ok");
    const id = (created as { result: { data: { id: string } } }).result.data.id;
    allow("");
    for (const url of targets()) {
      await expectRefused(`replace syncro.subdomain = ${url}`, () =>
        callAction(`${PSA_ACTIONS}#replacePsaCredentialsAction`, cookie, { id, credentials: { ...FAKE_CREDENTIALS.syncro, subdomain: url } }),
      );
    }
  }, 120_000);

  it("R-SEC-3: an allow-listed server that redirects to a private address is refused (redirects are never followed)", async () => {
    allow("127.0.0.2");
    for (const vendor of VENDORS) {
      for (const { field, credentials } of psaCredentials(vendor, `http://127.0.0.2:${bouncerPort}`)) {
        await expectRefused(`${vendor}.${field} → 302`, () => callAction(`${PSA_ACTIONS}#testNewPsaConnectionAction`, cookie, { vendor, name: `Bounce ${vendor} ${field}`, credentials }), /redirect|refused|not a public address|zone/i);
      }
    }
  }, 60_000);

  it("R-SEC-3: Autotask zone discovery answering with a private zone URL is refused", async () => {
    allow("127.0.0.2");
    await expectRefused("autotask zone → 127.0.0.1", () =>
      callAction(`${PSA_ACTIONS}#testNewPsaConnectionAction`, cookie, {
        vendor: "autotask",
        name: "Zone SSRF",
        credentials: { ...FAKE_CREDENTIALS.autotask, zoneDiscoveryUrl: `http://127.0.0.2:${bouncerPort}` },
      }),
    );
  });

  it("R-SEC-3: allow-listed, the same loopback fake PSAs connect (positive control)", async () => {
    allow("127.0.0.1,localhost");
    for (const vendor of VENDORS) {
      const out = await callAction(`${PSA_ACTIONS}#testNewPsaConnectionAction`, cookie, {
        vendor,
        name: `Allowed ${vendor}`,
        credentials: Object.fromEntries(Object.entries(fakes[vendor].credentials).filter(([, v]) => v !== undefined)),
      });
      expect(out.kind, `${vendor}: ${JSON.stringify(out)}`).toBe("ok");
    }
  }, 60_000);
});

describe("R-SEC-3: application URL and host fields refuse private addresses at save time", () => {
  const literal = ["127.0.0.1", "0x7f.0.0.1", "0177.0.0.1", "10.1.2.3", "192.168.1.1", "169.254.169.254", "100.64.0.9", "0.0.0.0", "[::1]", "[fd00::1]", "[::ffff:10.0.0.1]"];
  const addressFields = APPLICATIONS.flatMap((app) =>
    app.authorization.kind === "credentials" ? credentialFields(app).filter((f) => f.kind === "url" || f.kind === "host").map((f) => ({ app, field: f })) : [],
  );

  it("R-SEC-3: every URL/host field of every credential application (+ New Application), naming the field", async () => {
    allow("");
    expect(addressFields.length).toBeGreaterThanOrEqual(5);
    for (const { app, field } of addressFields) {
      const valid = Object.fromEntries(credentialFields(app).map((f) => [f.key, f.kind === "url" ? "https://vendor.example.com" : f.kind === "host" ? "api.vendor.example.com" : `v-${f.key}`]));
      for (const host of literal) {
        const value = field.kind === "url" ? `https://${host}` : host;
        const org = world.a.scopedOrg.id;
        await expectRefused(`${app.type}.${field.key} = ${value}`, async () => {
          const out = await callAction(`${APPLICATION_ACTIONS}#createApplicationAction`, cookie, {
            organizationId: org,
            appType: app.type,
            authorizer: "msp",
            credentials: { ...valid, [field.key]: value },
            acknowledgeDuplicate: true,
          });
          if (out.kind === "refused") expect(Object.keys(out.fieldErrors ?? {}), `${app.type}.${field.key}`).toContain(`credentials.${field.key}`);
          return out;
        }, /public address|web address|host name/i);
      }
    }
  }, 120_000);

  it("R-SEC-3: Settings > Integrations (+ New Integration) and editing a connection refuse them too; allow-listed they save", async () => {
    allow("");
    const org = world.a.scopedOrg.id;
    await expectRefused("datto_rmm.apiUrl via + New Integration", () =>
      callAction(`${INTEGRATION_ACTIONS}#createIntegrationAction`, cookie, {
        organizationId: org,
        appType: "datto_rmm",
        credentials: { apiUrl: "https://169.254.169.254", apiKey: "k", apiSecretKey: "s" },
        mappings: [],
        acknowledgeDuplicate: true,
      }),
    );
    await expectRefused("sentinelone.consoleUrl via edit", () =>
      callAction(`${INTEGRATION_ACTIONS}#updateConnectionAction`, cookie, {
        connectionId: world.a.scopedApplication.id,
        name: "S1",
        settings: { consoleUrl: "https://0x7f.0.0.1" },
        acknowledgeDuplicate: true,
      }),
    );
    allow("10.9.8.7");
    const ok = await callAction(`${INTEGRATION_ACTIONS}#createIntegrationAction`, cookie, {
      organizationId: org,
      appType: "datto_edr",
      credentials: { instanceUrl: "https://10.9.8.7", apiToken: "t" },
      mappings: [],
      acknowledgeDuplicate: true,
    });
    expect(ok.kind, JSON.stringify(ok)).toBe("ok");
  });
});

describe("R-SEC-3: the SMTP host", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    delete process.env.SMTP_URL;
    resetEnvCache();
    await sink?.close();
  });

  const message = { partnerId: null, to: "soc@example.com", subject: "SSRF", html: "<p>x</p>", text: "x" };

  it("R-SEC-3: a loopback, private or metadata SMTP host is refused unless allow-listed; nothing is sent", async () => {
    allow("");
    for (const host of ["127.0.0.1", "localhost", "[::1]", "10.0.0.25", "169.254.169.254", "loopback.ssrf.test", "2130706433"]) {
      process.env.SMTP_URL = `smtp://${host}:${sink.port}`;
      resetEnvCache();
      await expect(sendMail(message), host).rejects.toMatchObject({ retryable: false, message: expect.stringMatching(/not a public address/) });
    }
    // The alert channel uses the same sender.
    process.env.SMTP_URL = `smtp://127.0.0.1:${sink.port}`;
    resetEnvCache();
    await expect(
      sendEmailDelivery({
        partnerId: world.a.partnerId,
        alert: SAMPLE_ALERT,
        organizationName: "Org",
        partnerName: "MSP",
        email: { address: "soc@example.com", lists: ["global"], subjectFormat: "global", subject: "s", includeRespondEvents: false, includeIocMatches: false },
      }),
    ).rejects.toMatchObject({ retryable: false });
    expect(sink.accepted()).toBe(0);
  });

  it("R-SEC-3: allow-listed, the same SMTP host receives the message (positive control)", async () => {
    allow("127.0.0.1");
    process.env.SMTP_URL = `smtp://127.0.0.1:${sink.port}`;
    resetEnvCache();
    await sendMail(message);
    expect(sink.accepted()).toBe(1);
  });
});

describe("R-SEC-3: no server code calls out except through the guard", () => {
  it("R-SEC-3: fetch, undici, node:http(s)/net/tls and nodemailer appear only in lib/http/outbound.ts, lib/mail/send.ts and client components", () => {
    const offenders: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]));
    const allowed = new Set(["lib/http/outbound.ts", "lib/mail/send.ts"]);
    for (const file of [...walk(path.join(ROOT, "lib")), ...walk(path.join(ROOT, "app"))]) {
      const rel = path.relative(ROOT, file).split(path.sep).join("/");
      if (!/\.(ts|tsx)$/.test(rel) || /\.test\.tsx?$/.test(rel) || rel.startsWith("lib/psa/fakes/") || allowed.has(rel)) continue;
      const text = readFileSync(file, "utf8");
      if (/^\s*["']use client["']/.test(text)) continue; // runs in the browser, same origin
      if (/\bfetch\(|from ["']undici["']|from ["'](node:)?(https?|net|tls|dgram)["']|from ["']nodemailer["']/.test(text)) offenders.push(rel);
    }
    expect(offenders, "call out through lib/http/outbound.ts (or lib/mail/send.ts for SMTP)").toEqual([]);
  });
});
