/**
 * R-SEC-1 — tenant isolation, roles and organization scope for every server action and route handler.
 *
 * How: the actions and route handlers are discovered from the file system (every export of app/**\/actions.ts,
 * every app/**\/route.ts) and called in-process exactly as Next.js calls them, with `next/headers` answering
 * with the headers of a real request: a real better-auth session cookie of one of six logins (admin,
 * technician, support of partners A and B). Nothing of the code under test is replaced. A row trigger on
 * every table (support/changes.ts) proves "nothing changes". Each refusal is paired with a positive control:
 * the same input from its rightful owner is accepted, so a probe cannot pass because it was malformed.
 * (Pages are proven over HTTP against the production server in e2e/security.spec.ts.)
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getSqlClient } from "@/db";
import type { Role } from "@/lib/auth/roles";
import { getAuth } from "@/lib/auth/auth";
import { resetEnvCache } from "@/lib/env";
import type { FakePsas } from "@/lib/psa/fakes";
import { ACTIONS, isSpecial, type ActionEntry, type Helpers } from "./support/action-registry";
import { changeMark, changesSince, describeChanges, installChangeLog } from "./support/changes";
import { actionFiles, discoverActions, routeFiles } from "./support/discover";
import { callAction, callRoute, type ActionOutcome } from "./support/harness";
import { ROUTES } from "./support/route-registry";
import { loginOf, seedWorldWithFakes, sessionCookie, type FakeSyncroInfo, type PartnerWorld, type Who, type World } from "./support/world";

vi.mock("next/headers", () => import("./support/request-context").then((m) => m.nextHeaders));
vi.mock("next/cache", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/cache")>()),
  revalidatePath: () => undefined,
  revalidateTag: () => undefined,
}));

let fakes: FakePsas;
let world: World;
let helpers: Helpers;
const cookies = {} as Record<Who, string>;
const sql = () => getSqlClient();

beforeAll(async () => {
  // OAuth applications need a configured provider (its authority is never contacted by these probes).
  process.env.MICROSOFT_CLIENT_ID = "00000000-0000-4000-8000-000000000001";
  process.env.MICROSOFT_CLIENT_SECRET = "unused";
  resetEnvCache();
  let fake: FakeSyncroInfo;
  ({ fakes, fake, world } = await seedWorldWithFakes());
  helpers = { fake };
  await installChangeLog(sql());
  for (const who of ["adminA", "technicianA", "supportA", "adminB", "technicianB", "supportB"] as Who[]) {
    cookies[who] = await sessionCookie(loginOf(world, who).email);
  }
}, 120_000);

afterAll(async () => {
  await fakes?.stop();
});

const A_USERS: Who[] = ["adminA", "technicianA", "supportA"];
const roleOf = (who: Who) => who.slice(0, -1) as Role;

async function probe(label: string, run: () => Promise<ActionOutcome>) {
  const mark = await changeMark(sql());
  const outcome = await run();
  const changes = await changesSince(sql(), mark);
  return { label, outcome, changes };
}

function expectRefusedUnchanged(r: Awaited<ReturnType<typeof probe>>) {
  expect({ probe: r.label, outcome: r.outcome.kind, changes: describeChanges(r.changes) }).toEqual({ probe: r.label, outcome: "refused", changes: [] });
}

function expectServed(r: Awaited<ReturnType<typeof probe>>, entry: ActionEntry, partner: PartnerWorld, other: PartnerWorld) {
  const accepted = r.outcome.kind === "ok" || (entry.redirectsOnSuccess === true && r.outcome.kind === "redirect");
  expect(accepted, `${r.label}: the rightful owner must be served (positive control) — got ${JSON.stringify(r.outcome)}`).toBe(true);
  // Whatever it wrote belongs to the caller's partner, never to the other one.
  expect(r.changes.filter((c) => c.partner_id === other.partnerId).map((c) => `${c.op} ${c.tbl}`), r.label).toEqual([]);
  void partner;
}

describe("R-SEC-1: every server action and route handler is listed with its expected behaviour", () => {
  it("R-SEC-1: each export of app/**/actions.ts has an entry (new actions fail here until listed)", async () => {
    const discovered = (await discoverActions()).map((a) => a.id);
    expect(actionFiles().length).toBeGreaterThan(0);
    expect(discovered.filter((id) => !(id in ACTIONS)), "unlisted server actions: add them to tests/security/support/action-registry.ts").toEqual([]);
    expect(Object.keys(ACTIONS).filter((id) => !discovered.includes(id)), "registry entries whose export no longer exists").toEqual([]);
  });

  it("R-SEC-1: each app/**/route.ts has an entry (new route handlers fail here until listed)", () => {
    const files = routeFiles();
    expect(files.filter((f) => !(f in ROUTES)), "unlisted route handlers: add them to tests/security/support/route-registry.ts").toEqual([]);
    expect(Object.keys(ROUTES).filter((f) => !files.includes(f)), "registry entries whose route.ts no longer exists").toEqual([]);
  });
});

describe("R-SEC-1: server actions", () => {
  for (const [id, entry] of Object.entries(ACTIONS)) {
    if (isSpecial(entry)) continue;
    describe(id, () => {
      if (entry.input) {
        it("R-SEC-1: partner A's admin, technician and support addressing partner B's objects are refused and nothing changes", async () => {
          if (entry.noForeignIds) {
            // Nothing to address by id: A's admin is served and writes only A's rows.
            const r = await probe(`adminA ${id}`, async () => callAction(id, cookies.adminA, await entry.input!(world.a, "scoped", helpers)));
            expectServed(r, entry, world.a, world.b);
            return;
          }
          const input = await entry.input!(world.b, "scoped", helpers);
          for (const who of A_USERS) expectRefusedUnchanged(await probe(`${who} → B's objects`, () => callAction(id, cookies[who], input)));
          expectServed(await probe("adminB → B's objects (positive control)", () => callAction(id, cookies.adminB, input)), entry, world.b, world.a);
        });
      }

      if (entry.mixed) {
        it("R-SEC-1: own objects combined with the other partner's ids are refused and nothing changes", async () => {
          for (const input of await entry.mixed!(world.a, world.b, helpers)) {
            expectRefusedUnchanged(await probe(`adminA mixed ${JSON.stringify(input)}`, () => callAction(id, cookies.adminA, input)));
          }
        });
      }

      const refusedRoles = (["admin", "technician", "support"] as Role[]).filter((r) => !entry.roles.includes(r));
      if (entry.input) {
        it(`R-SEC-1: roles — ${refusedRoles.length ? `${refusedRoles.join(", ")} refused (support cannot change settings)` : "every role served"}; anonymous refused`, async () => {
          const input = await entry.input!(world.a, "scoped", helpers);
          for (const who of A_USERS.filter((w) => refusedRoles.includes(roleOf(w)))) {
            expectRefusedUnchanged(await probe(`${who} (role not allowed)`, () => callAction(id, cookies[who], input)));
          }
          expectRefusedUnchanged(await probe("anonymous", () => callAction(id, null, input)));
          const allowed = (["adminA", "supportA", "technicianA"] as Who[]).find((w) => entry.roles.includes(roleOf(w)))!;
          expectServed(await probe(`${allowed} (positive control)`, () => callAction(id, cookies[allowed], input)), entry, world.a, world.b);
        });
      }

      if (entry.input && entry.roles.includes("technician") && entry.technician === "scoped") {
        it("R-SEC-1: a technician is confined to the organizations given to them", async () => {
          const outside = await entry.input!(world.a, "other", helpers);
          expectRefusedUnchanged(await probe("technicianA → organization not given", () => callAction(id, cookies.technicianA, outside)));
          expectServed(await probe("adminA → same input (positive control)", () => callAction(id, cookies.adminA, outside)), entry, world.a, world.b);
          const inside = await entry.input!(world.a, "scoped", helpers);
          expectServed(await probe("technicianA → own organization (positive control)", () => callAction(id, cookies.technicianA, inside)), entry, world.a, world.b);
        });
      }
    });
  }

  it("R-SEC-1: first-run setup is refused once a partner exists, for anyone, and writes nothing", async () => {
    const id = "app/(auth)/setup/actions.ts#completeSetup";
    const input = { partnerName: "Intruder MSP", email: "intruder@evil.test", password: "intruder password 1" };
    for (const cookie of [null, cookies.adminA]) {
      const r = await probe(`setup as ${cookie ? "adminA" : "anonymous"}`, () => callAction(id, cookie, input));
      expectRefusedUnchanged(r);
      expect(r.outcome.kind === "refused" && r.outcome.message).toMatch(/already been completed/);
    }
  });

  it("R-SEC-1: sign-out ends only the caller's own session", async () => {
    const extra = await sessionCookie(world.a.admin.email);
    const out = await callAction("app/(console)/actions.ts#signOut", extra, undefined);
    expect(out.kind).toBe("redirect");
    const session = (c: string) => getAuth().api.getSession({ headers: new Headers({ cookie: c }) });
    expect(await session(extra)).toBeNull();
    expect((await session(cookies.adminA))?.user.email).toBe(world.a.admin.email);
    expect((await session(cookies.adminB))?.user.email).toBe(world.b.admin.email);
  });
});

describe("R-SEC-1: route handlers", () => {
  const tagsOf = (p: PartnerWorld) => [p.tag, p.partnerId];

  for (const [file, entry] of Object.entries(ROUTES)) {
    describe(file, () => {
      if (entry.auth === "session") {
        it("R-SEC-1: partner A's users get 403/404 for B's objects, nothing of B in the answer, nothing changes; B's admin is served", async () => {
          if (entry.noForeignIds) {
            for (const who of A_USERS.filter((w) => entry.roles.includes(roleOf(w)))) {
              const res = await callRoute(file, entry.probe(world.a, "scoped"), { cookie: cookies[who] });
              expect(res.status, who).toBe(200);
              for (const t of tagsOf(world.b)) expect(res.body.includes(t), `${who}'s answer holds partner B's ${t}`).toBe(false);
            }
            return;
          }
          const p = entry.probe(world.b, "scoped");
          for (const who of A_USERS) {
            const mark = await changeMark(sql());
            const res = await callRoute(file, p, { cookie: cookies[who] });
            expect([403, 404], `${who} ${p.path} → ${res.status} ${res.body.slice(0, 200)}`).toContain(res.status);
            for (const t of tagsOf(world.b)) expect(res.body.includes(t), `${who}'s answer holds partner B's ${t}`).toBe(false);
            expect(describeChanges(await changesSince(sql(), mark)), who).toEqual([]);
          }
          const own = await callRoute(file, p, { cookie: cookies.adminB });
          expect(own.status, `adminB (positive control): ${own.body.slice(0, 300)}`).toBe(200);
        });

        it(`R-SEC-1: roles ${entry.roles.join(", ")} only; anonymous 401${entry.technician === "scoped" ? "; a technician only within their organizations" : ""}`, async () => {
          const p = entry.probe(world.a, "scoped");
          expect((await callRoute(file, p, { cookie: null })).status).toBe(401);
          for (const who of A_USERS) {
            const res = await callRoute(file, p, { cookie: cookies[who] });
            if (entry.roles.includes(roleOf(who))) expect(res.status, `${who}: ${res.body.slice(0, 200)}`).toBe(200);
            else expect(res.status, who).toBe(403);
          }
          if (entry.technician === "scoped") {
            const outside = await callRoute(file, entry.probe(world.a, "other"), { cookie: cookies.technicianA });
            expect([403, 404]).toContain(outside.status);
            expect((await callRoute(file, entry.probe(world.a, "other"), { cookie: cookies.adminA })).status).toBe(200);
          }
        });
      } else if (entry.auth === "api-key") {
        it("R-SEC-1: partner A's API key addressing B's objects is refused and stores nothing; B's key is served; no key is 401", async () => {
          const p = entry.probe(world.b);
          const mark = await changeMark(sql());
          const res = await callRoute(file, p, { headers: { authorization: `Bearer ${world.a.apiKey.key}` } });
          expect(entry.foreignStatus, `${p.path} → ${res.status} ${res.body}`).toContain(res.status);
          for (const t of tagsOf(world.b)) expect(res.body.includes(t)).toBe(false);
          expect(describeChanges(await changesSince(sql(), mark))).toEqual([]);
          expect((await callRoute(file, p, {})).status).toBe(401);
          expect((await callRoute(file, p, { cookie: cookies.adminA })).status, "a console session is not an API key").toBe(401);
          const own = await callRoute(file, p, { headers: { authorization: `Bearer ${world.b.apiKey.key}` } });
          expect(entry.okStatus, own.body).toContain(own.status);
        });
      } else if (entry.auth === "ingest-token") {
        it("R-SEC-1: another connection's ingest token (of partner A) is 401 and stores nothing; the connection's own token is served", async () => {
          const p = entry.probe(world.b);
          const mark = await changeMark(sql());
          const foreign = await callRoute(file, p, { headers: { authorization: `Bearer ${world.a.settingsConnection.ingestToken}` } });
          expect(foreign.status, foreign.body).toBe(401);
          expect((await callRoute(file, p, { headers: { authorization: `Bearer ${world.a.apiKey.key}` } })).status, "an API key is not an ingest token").toBe(401);
          expect((await callRoute(file, p, { cookie: cookies.adminB })).status, "a console session is not an ingest token").toBe(401);
          expect(describeChanges(await changesSince(sql(), mark))).toEqual([]);
          expect((await callRoute(file, p, { headers: { authorization: `Bearer ${p.token}` } })).status).toBe(200);
        });
      } else {
        it(`R-SEC-1: ${entry.auth} — ${entry.why}`, async () => {
          expect(entry.why.length).toBeGreaterThan(10);
          if (entry.auth === "public") {
            const params: Record<string, string> = file.includes("[file]") ? { file: "init.js" } : {};
            const res = await callRoute(file, { method: "GET", path: "/", params });
            expect(res.status).toBe(200);
            for (const t of [...tagsOf(world.a), ...tagsOf(world.b)]) expect(res.body.includes(t)).toBe(false);
          }
        });
      }
    });
  }
});

describe("coverage", () => {
  it("reports what the isolation suite covered", async () => {
    const actions = Object.values(ACTIONS).length;
    const routes = Object.values(ROUTES).length;
    console.info(`[R-SEC-1] server actions covered: ${actions} (${actionFiles().length} actions.ts files); route handlers covered: ${routes}`);
    expect(actions).toBeGreaterThan(0);
  });
});
