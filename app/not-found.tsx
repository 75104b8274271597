import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-[60vh] flex-col items-center justify-center gap-3 px-6 text-center">
      <p className="text-sm font-semibold text-slate-500">404</p>
      <h1 className="text-xl font-semibold text-slate-900">Not found</h1>
      <p className="max-w-md text-sm text-slate-600">This page does not exist, or it is not part of your MSP.</p>
      <Link href="/organizations" className="text-sm font-medium text-brand-700 hover:underline">
        Back to Organizations
      </Link>
    </main>
  );
}
