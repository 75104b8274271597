/**
 * R-SEC-5 — bad input to every server action: property-based (fast-check), 1,000 generated inputs per action,
 * derived from a valid input (one field made bad, several, an extra key such as partnerId or __proto__, a body of
 * the wrong type; sent as an object or as the FormData a browser posts). For every input: the action answers
 * (never throws, never "something went wrong on our side"), a refusal changes nothing in the database (row
 * triggers on every table), and a refusal with field errors names the field that was made bad.
 * The actions are discovered from app/**\/actions.ts; the session is the admin of partner A (the caller's
 * identity is not what this suite is about — tests/security/isolation.int.test.ts is).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { getSqlClient } from "@/db";
import type { Viewer } from "@/lib/auth/viewer";
import { resetEnvCache } from "@/lib/env";
import type { FakePsas } from "@/lib/psa/fakes";
import { ACTIONS, isSpecial, type Helpers } from "./support/action-registry";
import { changeMark, changesSince, describeChanges, installChangeLog } from "./support/changes";
import { discoverActions } from "./support/discover";
import { callAction, loadModule } from "./support/harness";
import { asFormData, mutationsOf } from "./support/nasty";
import { seedWorldWithFakes, type FakeSyncroInfo, type World } from "./support/world";

const viewerState: { viewer: Viewer | null } = { viewer: null };
/** Each action's zod schema, recorded as createAction builds the action ("every server action's zod schema"). */
const recorded = vi.hoisted(() => ({ schemas: new Map<unknown, unknown>() }));

vi.mock("next/headers", () => import("./support/request-context").then((m) => m.nextHeaders));
vi.mock("next/cache", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/cache")>()),
  revalidatePath: () => undefined,
  revalidateTag: () => undefined,
}));
vi.mock("@/lib/actions/safe-action", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/actions/safe-action")>();
  return {
    ...real,
    createAction: ((config: { schema: unknown }, handler: unknown) => {
      const fn = (real.createAction as (c: unknown, h: unknown) => unknown)(config, handler);
      recorded.schemas.set(fn, config.schema);
      return fn;
    }) as typeof real.createAction,
  };
});
vi.mock("@/lib/auth/viewer", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/auth/viewer")>()),
  getViewer: async () => viewerState.viewer,
}));

const RUNS = Number(process.env.SECURITY_FUZZ_RUNS ?? 1000);
const GENERIC = /something went wrong on our side/i;

let fakes: FakePsas;
let world: World;
let helpers: Helpers;
const sql = () => getSqlClient();

beforeAll(async () => {
  process.env.MICROSOFT_CLIENT_ID = "00000000-0000-4000-8000-000000000001";
  process.env.MICROSOFT_CLIENT_SECRET = "unused";
  resetEnvCache();
  let fake: FakeSyncroInfo;
  ({ fakes, fake, world } = await seedWorldWithFakes());
  helpers = { fake };
  viewerState.viewer = world.a.admin.viewer;
  await installChangeLog(sql());
}, 120_000);

afterAll(async () => {
  await fakes?.stop();
});

/** Field names of a zod object schema (through refinements), so optional fields are fuzzed too. */
function schemaKeys(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape && typeof shape === "object" ? Object.keys(shape) : [];
}

function namesField(keys: string[], field: string): boolean {
  return keys.some((k) => k === field || k.startsWith(`${field}.`) || k === "_form");
}

describe("R-SEC-5: every server action refuses bad input with a clear message and changes nothing", () => {
  it("R-SEC-5: the fuzzed actions are every action discovered in app/**/actions.ts", async () => {
    const discovered = (await discoverActions()).map((a) => a.id).sort();
    expect(discovered).toEqual(Object.keys(ACTIONS).sort());
  });

  for (const [id, entry] of Object.entries(ACTIONS)) {
    if (isSpecial(entry)) {
      if (entry.special === "sign-out") continue; // takes no input
      it(`R-SEC-5: ${id} — ${RUNS} generated inputs: answered, nothing written`, async () => {
        const sample = { partnerName: "Setup MSP", email: "setup@x.test", password: "a long password 1" };
        await fc.assert(
          fc.asyncProperty(mutationsOf(sample), async (m) => {
            const mark = await changeMark(sql());
            const out = await callAction(id, null, m.input);
            expect(out.kind).toBe("refused");
            expect(describeChanges(await changesSince(sql(), mark))).toEqual([]);
          }),
          { numRuns: RUNS, endOnFailure: true },
        );
      }, 120_000);
      continue;
    }
    it(`R-SEC-5: ${id} — ${RUNS} generated inputs: answered, refusals name the field and change nothing`, async () => {
      const sample = await entry.input!(world.a, "scoped", helpers);
      const [file, name] = id.split("#");
      const fn = (await loadModule(file))[name];
      const schema = recorded.schemas.get(fn) as { safeParse: (v: unknown) => { success: boolean } } | undefined;
      const keys = schemaKeys(schema);
      let generated = 0;
      let mark = await changeMark(sql());
      await fc.assert(
        fc.asyncProperty(mutationsOf(sample, keys), fc.integer({ min: 0, max: 9 }), async (m, dice) => {
          generated++;
          const input = dice === 0 ? asFormData(m.input) : m.input;
          const out = await callAction(id, null, input);
          const changes = await changesSince(sql(), mark);
          if (changes.length) mark = changes[changes.length - 1].id;
          if (out.kind === "refused") {
            expect(out.message, "an unexpected error reached the generic handler").not.toMatch(GENERIC);
            expect(out.message.length).toBeGreaterThan(0);
            expect(describeChanges(changes), `a refused input wrote: ${out.message}`).toEqual([]);
            // A refusal by the schema (not by the state, e.g. a duplicate left by an earlier accepted input)
            // names the one field that was made bad.
            const errorKeys = Object.keys(out.fieldErrors ?? {});
            const bySchema = schema ? !schema.safeParse(m.input).success : true;
            if (errorKeys.length && bySchema && m.shape === "field" && input === m.input) {
              expect(namesField(errorKeys, m.mutated[0]), `errors ${JSON.stringify(out.fieldErrors)} do not name "${m.mutated[0]}"`).toBe(true);
            }
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
      expect(generated).toBeGreaterThanOrEqual(RUNS);
    }, 300_000);
  }
});
