/** The built-in mailbox of the embedded default (no SMTP_URL): what was "sent", per partner. */
import { and, desc, eq } from "drizzle-orm";
import { db } from "@/db";
import { devMailbox } from "@/db/schema";
import { NotFoundError } from "@/lib/errors";

export async function listMailbox(partnerId: string, limit = 100) {
  return db
    .select({ id: devMailbox.id, to: devMailbox.to, subject: devMailbox.subject, createdAt: devMailbox.createdAt })
    .from(devMailbox)
    .where(eq(devMailbox.partnerId, partnerId))
    .orderBy(desc(devMailbox.createdAt))
    .limit(limit);
}

export async function getMailboxMessage(partnerId: string, id: string) {
  const [row] = await db.select().from(devMailbox).where(and(eq(devMailbox.id, id), eq(devMailbox.partnerId, partnerId))).limit(1);
  if (!row) throw new NotFoundError("Message");
  return row;
}
