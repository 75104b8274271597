import { SUBJECT_FILTERS, SUBJECT_TOKENS } from "@/lib/delivery/render/subject";

/**
 * The fixed token set and allowed filters, as a reference beside the subject format fields. Sample
 * values match the preview (the sample alert, with the partner's own name).
 */
export function SubjectTokenReference({ partnerName }: { partnerName: string }) {
  return (
    <details className="group rounded-md border border-slate-200 bg-white text-sm">
      <summary className="cursor-pointer select-none px-3 py-2 font-medium text-slate-700 hover:bg-slate-50">
        Available tokens and filters
      </summary>
      <div className="space-y-3 border-t border-slate-200 px-3 py-3">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Subject format tokens</caption>
          <thead className="text-xs text-slate-500">
            <tr>
              <th scope="col" className="pb-1 pr-4 font-medium">
                Token
              </th>
              <th scope="col" className="pb-1 pr-4 font-medium">
                Meaning
              </th>
              <th scope="col" className="pb-1 font-medium">
                Sample value
              </th>
            </tr>
          </thead>
          <tbody className="align-top">
            {SUBJECT_TOKENS.map((t) => (
              <tr key={t.token}>
                <td className="py-1 pr-4">
                  <code className="whitespace-nowrap rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800">{t.placeholder}</code>
                </td>
                <td className="py-1 pr-4 text-slate-700">{t.description}</td>
                <td className="py-1 text-slate-500">{t.token === "partner.name" ? partnerName : t.example}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="text-xs text-slate-600">
          Filters: {SUBJECT_FILTERS.map((f, i) => (
            <span key={f}>
              {i > 0 ? ", " : ""}
              <code className="rounded bg-slate-100 px-1 py-0.5">{f}</code>
            </span>
          ))}
          , e.g. <code className="rounded bg-slate-100 px-1 py-0.5">{"{{ alert.title | truncate: 60 }}"}</code>. Tags such as{" "}
          <code className="rounded bg-slate-100 px-1 py-0.5">{"{% if %}"}</code> are not allowed.
        </p>
      </div>
    </details>
  );
}
