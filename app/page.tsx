import { redirect } from "next/navigation";
import { countPartners } from "@/lib/auth/accounts";
import { getViewer } from "@/lib/auth/viewer";

export const dynamic = "force-dynamic";

export default async function Home() {
  if ((await countPartners()) === 0) redirect("/setup");
  const viewer = await getViewer();
  redirect(viewer ? "/organizations" : "/login");
}
