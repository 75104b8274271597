"use client";

import * as React from "react";
import { usePathname } from "next/navigation";
import { Menu, X } from "lucide-react";
import type { NavSection } from "./nav-config";
import { Sidebar } from "./sidebar";

/** Small screens: the same navigation behind a Menu button; rendered only while open. */
export function MobileNav({ sections, partnerName }: { sections: NavSection[]; partnerName: string }) {
  const [open, setOpen] = React.useState(false);
  const pathname = usePathname();
  React.useEffect(() => setOpen(false), [pathname]);
  return (
    <div className="relative mr-auto md:hidden">
      <button
        type="button"
        aria-expanded={open}
        aria-controls="mobile-nav"
        onClick={() => setOpen((o) => !o)}
        className="inline-flex items-center gap-1.5 rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium text-slate-700"
      >
        {open ? <X className="h-4 w-4" aria-hidden /> : <Menu className="h-4 w-4" aria-hidden />}
        Menu
      </button>
      {open ? (
        <div id="mobile-nav" className="absolute left-0 z-30 mt-2 w-64 rounded-lg border border-slate-200 bg-white shadow-lg">
          <Sidebar sections={sections} partnerName={partnerName} />
        </div>
      ) : null}
    </div>
  );
}
