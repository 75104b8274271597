import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { genericVendorMessage, kindForStatus, PsaTransport } from "./http";
import { LOOPBACK, psaError } from "./testing/fixtures";

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const status = Number(new URL(req.url ?? "/", "http://x").searchParams.get("status") ?? 200);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (status === 429 || status === 503) headers["retry-after"] = "17";
    if (status === 302) headers.location = "http://127.0.0.1:1/elsewhere";
    res.writeHead(status, headers);
    // A careless vendor that echoes what it was sent, secret included.
    res.end(JSON.stringify({ message: `Rejected key ${String(req.headers["x-secret"] ?? "")}` }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const SECRET = "SuperSecretValue-9f8e7d";
const transport = () => new PsaTransport("syncro", LOOPBACK, [SECRET], genericVendorMessage);

describe("PSA transport error mapping", () => {
  it("R-REL-3: maps statuses to kinds and retry decisions", () => {
    expect([400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503].map((s) => kindForStatus(s))).toEqual([
      "validation", "auth", "auth", "not_found", "timeout", "validation", "validation", "rate_limited", "server", "server", "server",
    ]);
  });

  it.each([
    [429, "rate_limited", true, 17_000],
    [503, "server", true, 17_000],
    [500, "server", true, undefined],
    [408, "timeout", true, undefined],
    [422, "validation", false, undefined],
    [401, "auth", false, undefined],
    [403, "auth", false, undefined],
  ])("R-REL-3: HTTP %i is %s (retryable %s)", async (status, kind, retryable, retryAfterMs) => {
    const err = await psaError(transport().call({ url: `${base}/x?status=${status}`, headers: { "x-secret": SECRET } }));
    expect(err).toMatchObject({ status, kind, retryable });
    expect(err.retryAfterMs).toBe(retryAfterMs);
    if (kind === "auth") expect(err.message).toMatch(/check the credentials/i);
  });

  it("R-SEC-2: a secret echoed by the vendor is redacted from message and vendorMessage", async () => {
    const err = await psaError(transport().call({ url: `${base}/x?status=400`, headers: { "x-secret": SECRET } }));
    expect(err.vendorMessage).toBe("Rejected key [redacted]");
    expect(JSON.stringify(err)).not.toContain(SECRET);
    expect(err.message).not.toContain(SECRET);
  });

  it("R-SEC-3: loopback is refused unless allow-listed; redirects are refused as a configuration problem", async () => {
    const refused = await psaError(new PsaTransport("halopsa", { allowPrivate: [] }, [], genericVendorMessage).call({ url: `${base}/x` }));
    expect(refused).toMatchObject({ kind: "ssrf", retryable: false });
    const redirect = await psaError(transport().call({ url: `${base}/x?status=302` }));
    expect(redirect).toMatchObject({ kind: "validation", retryable: false });
    expect(redirect.message).toContain("redirect refused");
  });

  it("extracts the vendors' error shapes", () => {
    const res = (text: string) => ({ status: 422, ok: false, headers: new Headers(), url: "", text, json: () => JSON.parse(text) });
    expect(genericVendorMessage(res('{"errors":{"subject":["can\'t be blank"]}}'))).toBe("subject can't be blank");
    expect(genericVendorMessage(res('{"error":"Customer required field"}'))).toBe("Customer required field");
    expect(genericVendorMessage(res('{"success":false,"message":["Body can\'t be blank","Subject can\'t be blank"]}'))).toBe(
      "Body can't be blank; Subject can't be blank",
    );
    expect(genericVendorMessage(res("<!DOCTYPE html><html>…</html>"))).toBe("(an HTML error page)");
    expect(genericVendorMessage(res("plain words"))).toBe("plain words");
  });
});
