import Link from "next/link";
import { pageViewer } from "@/lib/auth/page-guard";
import { listMailbox } from "@/lib/delivery/mailbox";
import { env } from "@/lib/env";
import { formatDateTime } from "@/lib/utils";
import { PageHeader, EmptyState } from "@/components/ui/page-header";
import { Card } from "@/components/ui/card";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";

export const metadata = { title: "Mailbox" };

export default async function MailboxPage() {
  const viewer = await pageViewer(["admin", "support"]);
  const messages = await listMailbox(viewer.partnerId);
  return (
    <>
      <PageHeader
        title="Mailbox"
        description={
          env.SMTP_URL
            ? "Outbound mail goes to your SMTP server (SMTP_URL). Messages sent before it was configured stay listed here."
            : "No SMTP server is configured (SMTP_URL), so alert emails and consent links land here, exactly as they would be sent."
        }
      />
      <Card>
        {messages.length === 0 ? (
          <EmptyState title="No messages yet" />
        ) : (
          <Table>
            <THead>
              <tr>
                <TH className="w-48">Received</TH>
                <TH>To</TH>
                <TH>Subject</TH>
              </tr>
            </THead>
            <TBody>
              {messages.map((m) => (
                <TR key={m.id}>
                  <TD className="whitespace-nowrap text-slate-600">{formatDateTime(m.createdAt)}</TD>
                  <TD className="text-slate-700">{m.to}</TD>
                  <TD>
                    <Link href={`/mailbox/${m.id}`} className="font-medium text-brand-700 hover:underline">
                      {m.subject}
                    </Link>
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
    </>
  );
}
