"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { Radio } from "lucide-react";
import { cn } from "@/lib/utils";
import type { NavSection } from "./nav-config";

export function Sidebar({ sections, partnerName }: { sections: NavSection[]; partnerName: string }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex h-full flex-col">
      <div className="flex items-center gap-2 px-4 py-4">
        <Radio className="h-5 w-5 text-brand-600" aria-hidden />
        <div className="min-w-0">
          <p className="text-sm font-semibold text-slate-900">Switchboard</p>
          <p className="truncate text-xs text-slate-500">{partnerName}</p>
        </div>
      </div>
      <div className="flex-1 space-y-5 px-2 py-2">
        {sections.map((section, i) => (
          <div key={section.label ?? i}>
            {section.label ? (
              <p className="px-3 pb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{section.label}</p>
            ) : null}
            <ul className="space-y-0.5">
              {section.items.map((item) => {
                const active = pathname === item.href || pathname.startsWith(item.href + "/");
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      aria-current={active ? "page" : undefined}
                      className={cn(
                        "block rounded-md px-3 py-1.5 text-sm",
                        active ? "bg-brand-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100",
                      )}
                    >
                      {item.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        ))}
      </div>
    </nav>
  );
}
