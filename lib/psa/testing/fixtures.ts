/**
 * Small helpers shared by the PSA contract tests: loopback allow-listing (the fakes live on 127.0.0.1, which
 * the SSRF guard refuses unless told otherwise — R-SEC-3), fresh references, and catching PsaErrors.
 */
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { PsaError } from "../errors";
import type { PsaClientOptions, TicketDraft } from "../types";

export const LOOPBACK: PsaClientOptions = { allowPrivate: ["127.0.0.1"] };

export function newReference(): string {
  return `sb:${randomUUID()}`;
}

/** Awaits a promise that must reject with a PsaError, and returns it. */
export async function psaError(promise: Promise<unknown>): Promise<PsaError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(PsaError);
    return err as PsaError;
  }
  throw new Error("expected a PsaError, but the call succeeded");
}

/** Asserts no secret appears anywhere in the error a UI or log would show. */
export function expectNoSecrets(err: PsaError, secrets: readonly string[]): void {
  const shown = JSON.stringify({ ...err.toJSON(), stack: err.stack });
  for (const secret of secrets) expect(shown).not.toContain(secret);
}

export function draft(overrides: Partial<TicketDraft> & Pick<TicketDraft, "companyId">): TicketDraft {
  return {
    title: "HIGH - Ransomware behaviour on DESKTOP-01",
    body: "SOC summary: encryption of user files detected on DESKTOP-01.\nHost: DESKTOP-01\nAnalyst: Switchboard",
    reference: newReference(),
    fields: {},
    ...overrides,
  };
}
