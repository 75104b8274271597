import Link from "next/link";
import { cn } from "@/lib/utils";

/** Previous/next pagination driven by search params (pages are computed in SQL). */
export function Pagination({
  page,
  pageSize,
  total,
  hrefFor,
}: {
  page: number;
  pageSize: number;
  total: number;
  hrefFor: (page: number) => string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  const link = (p: number, label: string, disabled: boolean) =>
    disabled ? (
      <span className="rounded-md border border-slate-200 px-3 py-1.5 text-slate-400" aria-disabled="true">
        {label}
      </span>
    ) : (
      <Link href={hrefFor(p)} className={cn("rounded-md border border-slate-300 bg-white px-3 py-1.5 text-slate-700 hover:bg-slate-50")}>
        {label}
      </Link>
    );
  return (
    <nav aria-label="Pagination" className="flex items-center justify-between gap-3 border-t border-slate-200 px-4 py-3 text-sm">
      <p className="text-slate-600">
        {total === 0 ? "No results" : `Showing ${from.toLocaleString("en-US")}–${to.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}`}
      </p>
      <div className="flex items-center gap-2">
        {link(page - 1, "Previous", page <= 1)}
        <span className="text-slate-600">
          Page {page} of {pages.toLocaleString("en-US")}
        </span>
        {link(page + 1, "Next", page >= pages)}
      </div>
    </nav>
  );
}
