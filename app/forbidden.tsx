import Link from "next/link";

export default function Forbidden() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 px-6 text-center">
      <p className="text-sm font-semibold text-red-600">403</p>
      <h1 className="text-xl font-semibold text-slate-900">You do not have access to this page</h1>
      <p className="max-w-md text-sm text-slate-600">
        Your role or organization access does not include it. Ask your MSP admin if you need it.
      </p>
      <Link href="/organizations" className="text-sm font-medium text-brand-700 hover:underline">
        Back to Organizations
      </Link>
    </main>
  );
}
