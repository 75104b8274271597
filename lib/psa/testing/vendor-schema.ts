/**
 * Test helper: validates JSON against a schema inside a vendor's own OpenAPI/Swagger document
 * (/work/shared/vendor-specs, see its README), with $refs resolved against the whole document. The documents
 * are not validated strictly as a whole — each has small mistakes of its own — and three vendor quirks are
 * bridged explicitly rather than by loosening the checks:
 *  - `nullable: true` without `type` (OpenAPI 3.0 allows it, Ajv does not): treated as "any, or null";
 *  - Swashbuckle documents (BMS) cannot mark a `$ref` property nullable, yet send `"error": null`:
 *    `refsNullable` accepts null for `$ref` properties (responses only);
 *  - Autotask's Swagger types C# `object` values (OperationResultModel.itemId, Filter.value — "can be an
 *    Integer, String, Boolean, …") as `#/definitions/Object` = `{type: object}`; it is treated as any value;
 *  - BMS documents PascalCase but its JSON serialiser writes camelCase: `wireCase: "camel"` renames the
 *    document's property names the way .NET's camel-case policy does, so the fake's camelCase answers are
 *    checked against the same DTOs.
 *
 * Test-only: reads process.env.VENDOR_SPECS_DIR (CI clones the repo with shared/ beside it).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import type { PsaVendor } from "../types";

export const VENDOR_SPEC_FILES: Record<PsaVendor, string> = {
  connectwise: "connectwise.json",
  autotask: "autotask.json",
  kaseya_bms: "kaseya-bms.json",
  halopsa: "halopsa.json",
  syncro: "syncro.json",
};

/** Create-ticket request body schemas (vendor-specs/README.md). */
export const CREATE_TICKET_SCHEMA: Record<PsaVendor, string> = {
  connectwise: "/components/schemas/Ticket",
  autotask: "/definitions/TicketModel",
  kaseya_bms: "/components/schemas/TicketInputDto",
  halopsa: "/paths/~1Tickets/post/requestBody/content/application~1json/schema",
  syncro: "/components/requestBodies/Ticket/content/application~1json/schema",
};

export interface SchemaOptions {
  refsNullable?: boolean;
  wireCase?: "as-documented" | "camel";
}

export interface SchemaResult {
  valid: boolean;
  errors: string[];
}

/**
 * Where the vendors' documents are: VENDOR_SPECS_DIR, else `shared/vendor-specs` beside the checkout (the layout of
 * these machines), else the machines' fixed /work/shared — so a clone anywhere (e.g. CI in a temporary folder) finds them.
 */
export function vendorSpecsDir(): string {
  if (process.env.VENDOR_SPECS_DIR) return process.env.VENDOR_SPECS_DIR;
  const candidates = [path.resolve(process.cwd(), "../shared/vendor-specs"), "/work/shared/vendor-specs"];
  const found = candidates.find((dir) => existsSync(path.join(dir, VENDOR_SPEC_FILES.connectwise)));
  if (!found) throw new Error(`The PSA vendors' OpenAPI documents were not found (looked in ${candidates.join(", ")}); set VENDOR_SPECS_DIR.`);
  return found;
}

const documents = new Map<PsaVendor, unknown>();

/** The vendor's document, parsed once per process. */
export function loadVendorDocument(vendor: PsaVendor): Record<string, unknown> {
  let doc = documents.get(vendor);
  if (!doc) {
    const file = path.join(vendorSpecsDir(), VENDOR_SPEC_FILES[vendor]);
    doc = JSON.parse(readFileSync(file, "utf8")) as unknown;
    documents.set(vendor, doc);
  }
  return doc as Record<string, unknown>;
}

/** Resolves a JSON pointer ("/a/b~1c") inside a document. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  let current: unknown = doc;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (!current || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** .NET's JsonNamingPolicy.CamelCase: lower-case the leading run of capitals ("SLAId" → "slaId", "Id" → "id"). */
export function dotnetCamelCase(name: string): string {
  if (!name || !/[A-Z]/.test(name[0])) return name;
  const chars = [...name];
  for (let i = 0; i < chars.length; i++) {
    if (i === 1 && !/[A-Z]/.test(chars[i])) break;
    const hasNext = i + 1 < chars.length;
    if (i > 0 && hasNext && !/[A-Z]/.test(chars[i + 1])) break;
    chars[i] = chars[i].toLowerCase();
  }
  return chars.join("");
}

function prepare(doc: unknown, options: SchemaOptions): unknown {
  const copy = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  const definitions = copy.definitions as Record<string, unknown> | undefined;
  const objectDef = definitions?.Object as { type?: string; properties?: object } | undefined;
  if (definitions && objectDef && objectDef.type === "object" && Object.keys(objectDef.properties ?? {}).length === 0) {
    definitions.Object = {};
  }
  const camel = options.wireCase === "camel";
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!node || typeof node !== "object") return node;
    const obj = node as Record<string, unknown>;
    for (const key of Object.keys(obj)) obj[key] = visit(obj[key]);
    if (obj.nullable === true && obj.type === undefined) {
      delete obj.nullable;
      if (typeof obj.$ref === "string") {
        const ref = obj.$ref;
        delete obj.$ref;
        obj.anyOf = [{ $ref: ref }, { type: "null" }];
      }
    }
    const props = obj.properties;
    if (props && typeof props === "object" && !Array.isArray(props) && (obj.type === "object" || obj.type === undefined)) {
      const entries = Object.entries(props as Record<string, unknown>);
      const renamed: Record<string, unknown> = {};
      for (const [name, schema] of entries) {
        let s = schema;
        if (options.refsNullable && s && typeof s === "object" && Object.keys(s).length === 1 && typeof (s as { $ref?: unknown }).$ref === "string") {
          s = { anyOf: [s, { type: "null" }] };
        }
        renamed[camel ? dotnetCamelCase(name) : name] = s;
      }
      obj.properties = renamed;
      if (camel && Array.isArray(obj.required)) obj.required = obj.required.map((r) => dotnetCamelCase(String(r)));
    }
    return obj;
  };
  return visit(copy);
}

const validators = new Map<string, ValidateFunction>();
const ajvs = new Map<string, Ajv>();

function compile(vendor: PsaVendor, pointer: string, options: SchemaOptions): ValidateFunction {
  // A URI, so Ajv can resolve "<id>#/pointer" references against the whole document.
  const variant = `https://vendor-specs.invalid/${vendor}/${options.refsNullable ? "refs-nullable" : "strict-refs"}/${options.wireCase ?? "as-documented"}`;
  const key = `${variant}|${pointer}`;
  let validate = validators.get(key);
  if (validate) return validate;
  let ajv = ajvs.get(variant);
  if (!ajv) {
    // inlineRefs off: Halo's Faults pulls in hundreds of schemas; compiling each once is much cheaper.
    ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false, inlineRefs: false });
    addFormats(ajv);
    ajv.addSchema(prepare(loadVendorDocument(vendor), options) as object, variant);
    ajvs.set(variant, ajv);
  }
  if (resolvePointer(loadVendorDocument(vendor), pointer) === undefined) {
    throw new Error(`${VENDOR_SPEC_FILES[vendor]} has nothing at ${pointer}`);
  }
  validate = ajv.compile({ $ref: `${variant}#${pointer}` });
  validators.set(key, validate);
  return validate;
}

/**
 * Compiles ahead of time (call from beforeAll with a generous timeout): Halo's ticket schema takes seconds to
 * compile, which would otherwise land inside whichever test validates first.
 */
export function precompileVendorSchema(vendor: PsaVendor, pointer: string = CREATE_TICKET_SCHEMA[vendor], options: SchemaOptions = {}): void {
  compile(vendor, pointer, options);
}

/** Validates `data` against the schema at `pointer` in the vendor's document. */
export function validateAgainstVendorSchema(
  vendor: PsaVendor,
  pointer: string,
  data: unknown,
  options: SchemaOptions = {},
): SchemaResult {
  const validate = compile(vendor, pointer, options);
  const valid = validate(data) as boolean;
  return {
    valid,
    errors: valid ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`),
  };
}

/** The create-ticket request body check the README asks for. */
export function validateCreateTicketBody(vendor: PsaVendor, body: unknown): SchemaResult {
  return validateAgainstVendorSchema(vendor, CREATE_TICKET_SCHEMA[vendor], body);
}
