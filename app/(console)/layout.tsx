import { redirect } from "next/navigation";
import { LogOut } from "lucide-react";
import { getViewer } from "@/lib/auth/viewer";
import { countPartners } from "@/lib/auth/accounts";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { navFor } from "@/components/shell/nav-config";
import { Sidebar } from "@/components/shell/sidebar";
import { MobileNav } from "@/components/shell/mobile-nav";
import { signOut } from "./actions";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const viewer = await getViewer();
  if (!viewer) {
    redirect((await countPartners()) === 0 ? "/setup" : "/login");
  }
  return (
    <div className="flex min-h-screen">
      {/* The aside spans the whole page (its border and background never stop short); the nav inside stays in view. */}
      <aside className="hidden w-60 shrink-0 border-r border-slate-200 bg-white md:block">
        <div className="sticky top-0 h-screen overflow-y-auto">
          <Sidebar sections={navFor(viewer.role)} partnerName={viewer.partnerName} />
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 items-center justify-end gap-4 border-b border-slate-200 bg-white px-6">
          <MobileNav sections={navFor(viewer.role)} partnerName={viewer.partnerName} />
          <div className="text-right text-sm">
            <p className="font-medium text-slate-800">{viewer.email}</p>
            <p className="text-xs text-slate-500">{ROLE_LABELS[viewer.role]}</p>
          </div>
          <form action={signOut}>
            <button
              type="submit"
              className="inline-flex items-center gap-1.5 rounded-md px-2 py-1.5 text-sm text-slate-700 hover:bg-slate-100"
            >
              <LogOut className="h-4 w-4" aria-hidden />
              Sign out
            </button>
          </form>
        </header>
        <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-6 py-8">
          {children}
        </main>
      </div>
    </div>
  );
}
