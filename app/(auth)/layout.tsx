import { Radio } from "lucide-react";

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-md">
        <div className="mb-6 flex items-center justify-center gap-2 text-slate-900">
          <Radio className="h-6 w-6 text-brand-600" aria-hidden />
          <span className="text-lg font-semibold">Switchboard</span>
        </div>
        {children}
      </div>
    </main>
  );
}
