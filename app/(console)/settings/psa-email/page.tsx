import { pageViewer } from "@/lib/auth/page-guard";
import { PageHeader } from "@/components/ui/page-header";
import { PsaSection } from "./psa-section";
import { EmailSection } from "./email-section";

export const metadata = { title: "PSA & Email" };

/**
 * Settings > PSA & Email (seed 000): the PSA section sits above the Email settings section, as in
 * the seed. Global settings define how alerts can be delivered; each organization's Settings tab
 * decides whether delivery is enabled for it.
 */
export default async function PsaEmailPage() {
  const viewer = await pageViewer(["admin", "support"]);
  return (
    <>
      <PageHeader
        title="PSA & Email"
        description="Where alerts are sent once they exist: PSA tickets and email notifications. These settings control delivery only — they never change which alerts are generated, their severity, investigations or SOC response."
      />
      <div className="space-y-8">
        <PsaSection viewer={viewer} />
        <EmailSection viewer={viewer} />
      </div>
    </>
  );
}
