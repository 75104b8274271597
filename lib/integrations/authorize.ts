/**
 * The one place a connection becomes authorized, whoever authorized it: the MSP with the customer's admin
 * credentials, the MSP through the provider's admin consent, or the customer from a consent link. The
 * outcome is identical in all three cases (R-INT-7): same settings, same encrypted credentials, same
 * instance identity, status "connected"; only the recorded auth mode and the audit actor differ.
 */
import { eq } from "drizzle-orm";
import type { Executor } from "@/db";
import { connections } from "@/db/schema";
import { writeAudit, REDACTED, type Actor, type Changes } from "@/lib/audit";
import { encryptCredentials } from "@/lib/crypto/secrets";
import { appOf, type ConnectionRow, connectionLabel } from "./access";
import { instanceKeyFor } from "./instance";

export async function recordAuthorization(
  tx: Executor,
  conn: ConnectionRow,
  input: {
    /** Non-secret values to record (credential fields, tenant or domain granted at consent). */
    settings?: Record<string, string>;
    /** Secret values (credential secrets, OAuth tokens), encrypted and bound to this row. */
    secrets?: Record<string, string>;
    authMode: "credentials" | "oauth" | "consent_link";
    actor: Actor;
    /** How, in words, for the audit log ("customer via consent link", "Microsoft admin consent"). */
    via: string;
    note?: string;
  },
): Promise<ConnectionRow> {
  const app = appOf(conn);
  const settings = { ...conn.settings, ...(input.settings ?? {}) };
  const now = new Date();
  const ciphertext = input.secrets
    ? encryptCredentials(input.secrets, { partnerId: conn.partnerId, rowId: conn.id })
    : conn.credentialsCiphertext;
  const instanceKey = instanceKeyFor(app, { ...settings, ...(input.secrets ?? {}) }) ?? conn.instanceKey;
  // A disabled connection stays disabled: authorizing it again does not turn telemetry back on behind the admin's back.
  const status = conn.status === "disabled" ? "disabled" : "connected";
  const [row] = await tx
    .update(connections)
    .set({
      settings,
      credentialsCiphertext: ciphertext,
      credentialsSetAt: input.secrets ? now : conn.credentialsSetAt,
      instanceKey,
      status,
      authMode: input.authMode,
      oauthStateHash: null,
      oauthStateExpiresAt: null,
      updatedAt: now,
    })
    .where(eq(connections.id, conn.id))
    .returning();
  const changes: Changes = { status: { from: conn.status, to: status }, authorizedBy: { to: input.via } };
  for (const [k, v] of Object.entries(input.settings ?? {})) {
    if (conn.settings[k] !== v) changes[k] = { from: conn.settings[k], to: v };
  }
  if (input.secrets) changes.credentials = { from: conn.credentialsCiphertext ? REDACTED : undefined, to: REDACTED };
  await writeAudit(tx, input.actor, {
    action: "connection.authorized",
    entityType: "connection",
    entityId: conn.id,
    entityLabel: connectionLabel(app.name, conn.name),
    changes,
    note: input.note,
  });
  return row;
}
