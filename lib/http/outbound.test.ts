import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutboundError, outboundFetch, parseRetryAfter, type LookupFn } from "./outbound";

/** A loopback server that records what reached it. */
async function startServer(
  host: string,
  handler: (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void,
): Promise<{ server: Server; port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url} host=${req.headers.host}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

/**
 * "ok" or the OutboundError kind. Used where an allowed private target may or may not answer (nothing may
 * listen there, or a sandbox network may answer for any address): all that matters is that the guard let it pass.
 */
async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (err) {
    if (err instanceof OutboundError) return err.kind;
    throw err;
  }
}

async function refusal(promise: Promise<unknown>): Promise<OutboundError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof OutboundError) return err;
    throw err;
  }
  throw new Error("expected the call to be refused");
}

let v4: Awaited<ReturnType<typeof startServer>>;
let v6: Awaited<ReturnType<typeof startServer>>;
let redirector: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  v4 = await startServer("127.0.0.1", (req, res) => {
    if (req.url === "/big") {
      res.writeHead(200, { "content-type": "text/plain" });
      // No content-length: the cap has to work on the streamed body too.
      res.write("x".repeat(4096));
      res.end("x".repeat(4096));
      return;
    }
    if (req.url === "/slow") {
      setTimeout(() => res.end("late"), 500);
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true, path: req.url }));
  });
  v6 = await startServer("::1", (_req, res) => res.end("v6"));
  redirector = await startServer("127.0.0.1", (_req, res) => {
    res.writeHead(302, { location: `http://127.0.0.1:${v4.port}/internal-secret` });
    res.end();
  });
});

afterAll(async () => {
  for (const s of [v4, v6, redirector]) await new Promise((r) => s.server.close(r));
});

const NONE: string[] = [];

describe("SSRF guard", () => {
  it("R-SEC-3: refuses http://127.0.0.1 without the allow-list and allows it with it", async () => {
    const err = await refusal(outboundFetch(`http://127.0.0.1:${v4.port}/`, { allowPrivate: NONE }));
    expect(err.kind).toBe("ssrf_refused");
    expect(v4.hits).not.toContain(`GET / host=127.0.0.1:${v4.port}`);

    const res = await outboundFetch(`http://127.0.0.1:${v4.port}/`, { allowPrivate: ["127.0.0.1"] });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ ok: true, path: "/" });
  });

  it("R-SEC-3: refuses the cloud metadata address 169.254.169.254", async () => {
    const err = await refusal(outboundFetch("http://169.254.169.254/latest/meta-data/", { allowPrivate: NONE, timeoutMs: 2000 }));
    expect(err.kind).toBe("ssrf_refused");
    // Allowed explicitly, the guard steps aside: whatever happens next is not a refusal.
    const allowed = await outcome(
      outboundFetch("http://169.254.169.254/latest/meta-data/", { allowPrivate: ["169.254.169.254"], timeoutMs: 300 }),
    );
    expect(allowed).not.toBe("ssrf_refused");
  });

  it("R-SEC-3: refuses http://[::1] and allows it when listed", async () => {
    const err = await refusal(outboundFetch(`http://[::1]:${v6.port}/`, { allowPrivate: NONE }));
    expect(err.kind).toBe("ssrf_refused");
    expect(v6.hits).toHaveLength(0);
    const res = await outboundFetch(`http://[::1]:${v6.port}/`, { allowPrivate: ["::1"] });
    expect(res.text).toBe("v6");
  });

  it("R-SEC-3: refuses IPv4-mapped IPv6 http://[::ffff:127.0.0.1]", async () => {
    const before = v4.hits.length;
    const err = await refusal(outboundFetch(`http://[::ffff:127.0.0.1]:${v4.port}/mapped`, { allowPrivate: NONE }));
    expect(err.kind).toBe("ssrf_refused");
    expect(v4.hits.length).toBe(before);
    // The allow-list entry 127.0.0.1 covers the mapped spelling of the same address.
    const res = await outboundFetch(`http://[::ffff:127.0.0.1]:${v4.port}/mapped`, { allowPrivate: ["127.0.0.1"] });
    expect(res.json()).toEqual({ ok: true, path: "/mapped" });
  });

  it("R-SEC-3: refuses numeric spellings of loopback (http://2130706433, octal, hex)", async () => {
    for (const spelling of ["2130706433", "0177.0.0.1", "0x7f.0.0.1", "127.1"]) {
      const err = await refusal(outboundFetch(`http://${spelling}:${v4.port}/numeric`, { allowPrivate: NONE }));
      expect(err.kind, spelling).toBe("ssrf_refused");
    }
    const res = await outboundFetch(`http://2130706433:${v4.port}/numeric`, { allowPrivate: ["127.0.0.1"] });
    expect(res.status).toBe(200);
  });

  it("R-SEC-3: refuses a host name that resolves to 10.x", async () => {
    const lookups: string[] = [];
    const lookup: LookupFn = async (host) => {
      lookups.push(host);
      return [{ address: "10.20.30.40", family: 4 }];
    };
    const err = await refusal(outboundFetch("http://intranet.example.test/", { allowPrivate: NONE, lookup }));
    expect(err.kind).toBe("ssrf_refused");
    expect(err.message).toContain("10.20.30.40");
    expect(lookups).toEqual(["intranet.example.test"]);
    // Listed by name or by address, the guard lets it through.
    for (const allowPrivate of [["intranet.example.test"], ["10.20.30.40"], ["10.0.0.0/8"]]) {
      const allowed = await outcome(outboundFetch("http://intranet.example.test/", { allowPrivate, lookup, timeoutMs: 300 }));
      expect(allowed, allowPrivate[0]).not.toBe("ssrf_refused");
    }
  });

  it("R-SEC-3: refuses a name when any of its addresses is private", async () => {
    const lookup: LookupFn = async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "127.0.0.1", family: 4 },
    ];
    const err = await refusal(outboundFetch("http://mixed.example.test/", { allowPrivate: NONE, lookup }));
    expect(err.kind).toBe("ssrf_refused");
  });

  it("R-SEC-3: connects to the checked address (no second lookup) and keeps the Host header", async () => {
    let calls = 0;
    const lookup: LookupFn = async () => {
      calls += 1;
      // A rebinding resolver: the first answer is the one checked; later answers would point elsewhere.
      return [{ address: calls === 1 ? "127.0.0.1" : "10.9.9.9", family: 4 }];
    };
    const res = await outboundFetch(`http://pinned.example.test:${v4.port}/pinned`, {
      allowPrivate: ["127.0.0.1"],
      lookup,
    });
    expect(res.json()).toEqual({ ok: true, path: "/pinned" });
    expect(calls).toBe(1);
    expect(v4.hits).toContain(`GET /pinned host=pinned.example.test:${v4.port}`);
  });

  it("R-SEC-3: never follows a redirect to loopback, even from an allowed server", async () => {
    const before = v4.hits.filter((h) => h.includes("/internal-secret")).length;
    const refusedFirst = await refusal(outboundFetch(`http://127.0.0.1:${redirector.port}/`, { allowPrivate: NONE }));
    expect(refusedFirst.kind).toBe("ssrf_refused");

    const err = await refusal(outboundFetch(`http://127.0.0.1:${redirector.port}/`, { allowPrivate: ["127.0.0.1"] }));
    expect(err.kind).toBe("redirect_refused");
    expect(err.status).toBe(302);
    expect(err.message).toContain("redirect refused");
    expect(v4.hits.filter((h) => h.includes("/internal-secret")).length).toBe(before);
  });

  it("R-SEC-3: refuses non-http schemes and URLs with embedded credentials", async () => {
    expect((await refusal(outboundFetch("file:///etc/passwd", { allowPrivate: NONE }))).kind).toBe("ssrf_refused");
    expect((await refusal(outboundFetch("http://user:pw@example.test/", { allowPrivate: NONE }))).kind).toBe("ssrf_refused");
  });
});

describe("limits and errors", () => {
  it("times out with kind timeout", async () => {
    const err = await refusal(outboundFetch(`http://127.0.0.1:${v4.port}/slow`, { allowPrivate: ["127.0.0.1"], timeoutMs: 100 }));
    expect(err.kind).toBe("timeout");
  });

  it("caps the response size", async () => {
    const err = await refusal(outboundFetch(`http://127.0.0.1:${v4.port}/big`, { allowPrivate: ["127.0.0.1"], maxBytes: 5000 }));
    expect(err.kind).toBe("too_large");
    const ok = await outboundFetch(`http://127.0.0.1:${v4.port}/big`, { allowPrivate: ["127.0.0.1"], maxBytes: 10_000 });
    expect(ok.text).toHaveLength(8192);
  });

  it("reports a refused connection as a network error", async () => {
    const closed = await startServer("127.0.0.1", () => undefined);
    await new Promise((r) => closed.server.close(r));
    const err = await refusal(outboundFetch(`http://127.0.0.1:${closed.port}/`, { allowPrivate: ["127.0.0.1"] }));
    expect(err.kind).toBe("network");
  });

  it("rethrows the caller's own abort unchanged", async () => {
    const controller = new AbortController();
    const pending = outboundFetch(`http://127.0.0.1:${v4.port}/slow`, {
      allowPrivate: ["127.0.0.1"],
      signal: controller.signal,
    });
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
  });
});

describe("parseRetryAfter", () => {
  it("R-REL-3: reads delay-seconds and HTTP-dates", () => {
    const now = Date.parse("2026-01-15T10:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter("Thu, 15 Jan 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Thu, 15 Jan 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});
