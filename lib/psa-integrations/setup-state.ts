/**
 * An integration created by the + Add PSA wizard's Test connection step carries `connection.setup =
 * "unfinished"` (and status paused) until the wizard's Save: its credentials are stored encrypted server-side
 * from that moment, so the later look-ups use them by integration id and they never travel back to the browser.
 */
export const SETUP_KEY = "setup";
export const SETUP_UNFINISHED = "unfinished";

export function isSetupUnfinished(connection: Record<string, string> | null | undefined): boolean {
  return connection?.[SETUP_KEY] === SETUP_UNFINISHED;
}
