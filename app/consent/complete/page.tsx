import { findApplication } from "@/lib/integrations/catalog";
import { Card, CardBody, CardHeader } from "@/components/ui/card";

export const metadata = { title: "Authorization" };

/** Where the provider's callback sends the customer. Shows only the catalogue's name for the application. */
export default async function ConsentCompletePage({ searchParams }: { searchParams: Promise<{ app?: string; outcome?: string }> }) {
  const sp = await searchParams;
  const app = typeof sp.app === "string" ? findApplication(sp.app) : undefined;
  const name = app?.name ?? "The application";
  if (sp.outcome === "connected") {
    return (
      <Card>
        <CardHeader title={`${name} is connected`} />
        <CardBody>
          <p className="text-sm text-slate-700">Thank you. Your service provider can now receive security telemetry from {name}. You can close this window.</p>
        </CardBody>
      </Card>
    );
  }
  return (
    <Card>
      <CardHeader title={`${name} was not connected`} />
      <CardBody>
        <p className="text-sm text-slate-700">
          Consent was not granted, so nothing was connected. If that was a mistake, open the link from the email again and choose Authorize.
        </p>
      </CardBody>
    </Card>
  );
}
