/**
 * Runs the five fake PSAs on fixed loopback ports for demos, e2e runs and benchmarks:
 *
 *   npx tsx scripts/fake-psa.ts            # ports 4101-4105
 *   FAKE_PSA_BASE_PORT=5101 npx tsx scripts/fake-psa.ts
 *
 * and prints what to type into Settings > PSA & Email > + Add PSA for each. The console must be allowed to
 * reach loopback (R-SEC-3): start it with SWITCHBOARD_ALLOW_PRIVATE_TARGETS=127.0.0.1.
 * Faults and created tickets are controllable over HTTP on each fake: POST /__fake/faults,
 * GET /__fake/tickets, GET /__fake/requests, POST /__fake/reset.
 */
import { PSA_CATALOG } from "@/lib/psa/catalog";
import { startFakePsas } from "@/lib/psa/fakes";

const basePort = Number(process.env.FAKE_PSA_BASE_PORT ?? 4101);
if (!Number.isInteger(basePort) || basePort < 1 || basePort > 65_530) {
  console.error(`FAKE_PSA_BASE_PORT must be a port number (got "${process.env.FAKE_PSA_BASE_PORT}")`);
  process.exit(1);
}

const fakes = await startFakePsas({ basePort });

const lines: string[] = ["Fake PSAs are running. Values for + Add PSA:", ""];
for (const fake of fakes.all) {
  const descriptor = PSA_CATALOG[fake.vendor];
  const credentials = fake.credentials as Record<string, string | undefined>;
  lines.push(`${descriptor.displayName}  (${fake.url})`);
  for (const field of descriptor.credentialFields) {
    const value = credentials[field.name];
    lines.push(`  ${`${field.label}:`.padEnd(30)} ${value ?? "(leave empty)"}`);
  }
  lines.push("");
}
lines.push("Start the console with SWITCHBOARD_ALLOW_PRIVATE_TARGETS=127.0.0.1 so it may call these.");
lines.push("Control: POST <url>/__fake/faults {\"rate\":0.3,\"kinds\":[\"rate_limit\",\"drop_after\"]}, GET <url>/__fake/tickets, POST <url>/__fake/reset");
console.log(lines.join("\n"));

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping fake PSAs`);
  await fakes.stop();
  process.exit(0);
};
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
