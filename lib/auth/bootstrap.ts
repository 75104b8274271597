/**
 * Creates the first partner and admin without a browser, from SWITCHBOARD_PARTNER_NAME /
 * SWITCHBOARD_ADMIN_EMAIL / SWITCHBOARD_ADMIN_PASSWORD, when no partner exists yet (automation).
 */
import { env } from "@/lib/env";
import { countPartners, createPartnerWithAdmin } from "./accounts";

export async function bootstrapFromEnv(log: (m: string) => void): Promise<void> {
  const email = env.SWITCHBOARD_ADMIN_EMAIL;
  const password = env.SWITCHBOARD_ADMIN_PASSWORD;
  if (!email || !password) return;
  if ((await countPartners()) > 0) return;
  await createPartnerWithAdmin({
    partnerName: env.SWITCHBOARD_PARTNER_NAME ?? "My MSP",
    email,
    password,
    onlyIfFirst: true,
  });
  log(`created partner "${env.SWITCHBOARD_PARTNER_NAME ?? "My MSP"}" with admin ${email}`);
}
