import { redirect } from "next/navigation";
import { countPartners } from "@/lib/auth/accounts";
import { getViewer } from "@/lib/auth/viewer";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if ((await countPartners()) === 0) redirect("/setup");
  if (await getViewer()) redirect("/organizations");
  const { next } = await searchParams;
  // Only same-site paths: never redirect to another origin after sign-in.
  const safeNext = typeof next === "string" && /^\/(?!\/)[\w\-/?=&%.]*$/.test(next) ? next : "/organizations";
  return (
    <Card>
      <CardHeader title="Sign in" description="Use the account your MSP admin created for you." />
      <CardBody>
        <LoginForm next={safeNext} />
      </CardBody>
    </Card>
  );
}
