import { redirect } from "next/navigation";
import { countPartners } from "@/lib/auth/accounts";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Set up" };

export default async function SetupPage() {
  if ((await countPartners()) > 0) redirect("/login");
  return (
    <Card>
      <CardHeader
        title="Set up Switchboard"
        description="Create your MSP and its first admin account. You can invite technicians and support staff afterwards."
      />
      <CardBody>
        <SetupForm />
      </CardBody>
    </Card>
  );
}
