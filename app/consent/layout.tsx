import type { Metadata } from "next";
import { Radio } from "lucide-react";

// Consent links carry their token in the URL: never send it onward as a Referer, never index the page.
export const metadata: Metadata = { referrer: "no-referrer", robots: { index: false, follow: false } };

/** Public pages a customer reaches from a consent link: no console chrome, no login. */
export default function ConsentLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-start justify-center px-4 py-12 sm:items-center">
      <div className="w-full max-w-xl">
        <div className="mb-6 flex items-center justify-center gap-2 text-slate-900">
          <Radio className="h-6 w-6 text-brand-600" aria-hidden />
          <span className="text-lg font-semibold">Switchboard</span>
        </div>
        {children}
        <p className="mt-6 text-center text-xs text-slate-500">
          Switchboard is the data-source console your managed service provider uses to monitor security for your organization.
        </p>
      </div>
    </main>
  );
}
