/**
 * CLI: create a partner (MSP) and its first admin without a browser.
 *   npm run create-partner -- --name "Acme MSP" --email admin@acme.example --password 'a long password'
 * Uses DATABASE_URL, the database of a running `npm start`, or starts the embedded one for the command.
 */
import { parseArgs } from "node:util";
import { withDatabase } from "@/db/runtime";
import { closeDb } from "@/db";
import { resetEnvCache } from "@/lib/env";
import { setupSchema } from "@/lib/validations/accounts";

const { values } = parseArgs({
  options: { name: { type: "string" }, email: { type: "string" }, password: { type: "string" } },
});
const parsed = setupSchema.safeParse({ partnerName: values.name, email: values.email, password: values.password });
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`--${issue.path[0] === "partnerName" ? "name" : String(issue.path[0])}: ${issue.message}`);
  process.exit(2);
}
await withDatabase(async () => {
  resetEnvCache();
  const { createPartnerWithAdmin } = await import("@/lib/auth/accounts");
  try {
    const { partnerId } = await createPartnerWithAdmin(parsed.data);
    console.log(`created partner ${parsed.data.partnerName} (${partnerId}) with admin ${parsed.data.email}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  } finally {
    await closeDb();
  }
});
