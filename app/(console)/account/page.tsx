import { pageViewer } from "@/lib/auth/page-guard";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { PageHeader } from "@/components/ui/page-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ChangePasswordForm } from "./change-password-form";

export const metadata = { title: "Account" };

/** The signed-in person's own account: who they are, and Change password (which signs out their other sessions). */
export default async function AccountPage() {
  const viewer = await pageViewer();
  return (
    <>
      <PageHeader title="Account" description={`${viewer.email} · ${ROLE_LABELS[viewer.role]} at ${viewer.partnerName}`} />
      <Card className="max-w-xl">
        <CardHeader title="Change password" description="Changing your password signs you out everywhere else: every other browser and device must sign in again." />
        <CardBody>
          <ChangePasswordForm />
        </CardBody>
      </Card>
    </>
  );
}
