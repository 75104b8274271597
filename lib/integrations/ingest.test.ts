import { describe, expect, it } from "vitest";
import { parseTelemetryBatch, TelemetryRequestError } from "./ingest";

describe("telemetry batch parsing", () => {
  it("R-SEC-5: a batch that is not {events: [...]} of 1..1000 is refused whole", () => {
    for (const body of [null, [], "x", {}, { events: {} }, { events: [] }, { events: Array(1001).fill({ source_id: "a", payload: {} }) }]) {
      expect(() => parseTelemetryBatch(body)).toThrow(TelemetryRequestError);
    }
  });

  it("R-SEC-5: each bad event is rejected alone with its index and reason; good ones pass normalised", () => {
    const { events, rejected } = parseTelemetryBatch({
      events: [
        { source_id: 1234, payload: { a: 1 } },
        { source_id: "  site-1 ", source_name: " HQ ", occurred_at: "2025-01-31T12:00:00+01:00", payload: {} },
        { source_id: "", payload: {} },
        { source_id: "x", payload: "text" },
        { source_id: "x", payload: {}, occurred_at: "2025-13-45" },
        { source_id: "x", payload: { blob: "y".repeat(70 * 1024) } },
        { source_id: "a\nb", payload: {} },
      ],
    });
    expect(events).toEqual([
      { sourceId: "1234", sourceName: undefined, occurredAt: undefined, payload: { a: 1 } },
      { sourceId: "site-1", sourceName: "HQ", occurredAt: "2025-01-31T11:00:00.000Z", payload: {} },
    ]);
    expect(rejected.map((r) => r.index)).toEqual([2, 3, 4, 5, 6]);
    expect(rejected[0].message).toMatch(/^source_id: /);
    expect(rejected[1].message).toMatch(/^payload: /);
    expect(rejected[2].message).toMatch(/^occurred_at: /);
    expect(rejected[3].message).toMatch(/limit is 65536 bytes/);
  });
});
