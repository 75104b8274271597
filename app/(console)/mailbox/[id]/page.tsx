import { notFound } from "next/navigation";
import { guard, pageViewer } from "@/lib/auth/page-guard";
import { getMailboxMessage } from "@/lib/delivery/mailbox";
import { uuidSchema } from "@/lib/validations/common";
import { EMAIL_FRAME_SANDBOX, withDisplayCsp } from "@/lib/delivery/render/sandbox";
import { formatDateTime } from "@/lib/utils";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";

export const metadata = { title: "Message" };

export default async function MailboxMessagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!uuidSchema.safeParse(id).success) notFound();
  const viewer = await pageViewer(["admin", "support"]);
  const m = await guard(getMailboxMessage(viewer.partnerId, id));
  return (
    <>
      <PageHeader title={m.subject} breadcrumbs={[{ href: "/mailbox", label: "Mailbox" }]} />
      <Card className="mb-6">
        <CardBody>
          <dl className="grid gap-1 text-sm sm:grid-cols-[8rem_1fr]">
            <dt className="font-medium text-slate-600">From</dt>
            <dd>{m.from}</dd>
            <dt className="font-medium text-slate-600">To</dt>
            <dd>{m.to}</dd>
            <dt className="font-medium text-slate-600">Received</dt>
            <dd>{formatDateTime(m.createdAt)}</dd>
            <dt className="font-medium text-slate-600">Message-ID</dt>
            <dd className="break-all font-mono text-xs">{m.messageId}</dd>
          </dl>
        </CardBody>
      </Card>
      {m.html ? (
        <Card className="mb-6">
          <CardHeader title="HTML" />
          <iframe title="Message HTML" sandbox={EMAIL_FRAME_SANDBOX} srcDoc={withDisplayCsp(m.html)} className="h-[36rem] w-full rounded-b-lg bg-white" />
        </Card>
      ) : null}
      {m.text ? (
        <Card>
          <CardHeader title="Text" />
          <pre className="whitespace-pre-wrap px-5 py-4 text-sm text-slate-800">{m.text}</pre>
        </Card>
      ) : null}
    </>
  );
}
