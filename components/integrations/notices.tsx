import Link from "next/link";
import { AlertTriangle, Info } from "lucide-react";
import type { DuplicateInstance, ExistingApplication } from "@/lib/integrations/org-apps";
import { cn } from "@/lib/utils";

export function Notice({
  tone,
  title,
  children,
  className,
  role,
}: {
  tone: "info" | "warning";
  title?: React.ReactNode;
  children: React.ReactNode;
  className?: string;
  role?: "alert" | "status";
}) {
  const Icon = tone === "warning" ? AlertTriangle : Info;
  return (
    <div
      role={role}
      className={cn(
        "flex gap-3 rounded-md border px-4 py-3 text-sm",
        tone === "warning" ? "border-amber-300 bg-amber-50 text-amber-900" : "border-brand-100 bg-brand-50 text-slate-800",
        className,
      )}
    >
      <Icon className={cn("mt-0.5 h-4 w-4 shrink-0", tone === "warning" ? "text-amber-600" : "text-brand-600")} aria-hidden />
      <div className="min-w-0 space-y-1">
        {title ? <p className="font-semibold">{title}</p> : null}
        <div>{children}</div>
      </div>
    </div>
  );
}

/** The seed's constraints, stated before the user meets them (R-INT-2, R-INT-3, R-INT-5). */
export function RoutingConstraints({ entry }: { entry: "settings" | "organization" }) {
  return (
    <Notice tone="info" title="How connections work">
      <ul className="list-disc space-y-1 pl-4">
        <li>Each organization can have one connection per application type.</li>
        <li>To connect a second instance of the same tool (for example, two separate RMM environments), connect each instance separately and map it to its own organization.</li>
        {entry === "settings" ? (
          <li>Telemetry from mapped sites, customers or tenants goes to the organization they are mapped to; unmapped telemetry is stored under the selected organization.</li>
        ) : (
          <li>Telemetry from this application is stored and analysed under this organization.</li>
        )}
      </ul>
    </Notice>
  );
}

/** R-INT-2: instead of failing late, say so and link to the existing connection. */
export function ExistingConnectionNotice({ existing, appName }: { existing: ExistingApplication; appName: string }) {
  return (
    <Notice tone="warning" role="alert" title="A connection already exists for this application">
      <p>
        {existing.organizationName} already has {appName}
        {existing.connectionName !== appName ? ` (“${existing.connectionName}”)` : ""}
        {existing.entryPoint === "settings" ? ", from Settings > Integrations" : ""}. Each organization can have one connection per application type.
      </p>
      {existing.href ? (
        <p className="mt-1">
          <Link href={existing.href} className="font-medium text-amber-900 underline underline-offset-2">
            Open the existing connection
          </Link>
        </p>
      ) : (
        <p className="mt-1">Ask an admin to change it in Settings &gt; Integrations.</p>
      )}
    </Notice>
  );
}

/** R-INT-4: the same instance already connected elsewhere. */
export function DuplicateInstanceNotice({ duplicates, children }: { duplicates: DuplicateInstance[]; children?: React.ReactNode }) {
  return (
    <Notice tone="warning" role="alert" title="This instance is already connected to another organization">
      <p>Adding it again may result in duplicate events or alerts. Already connected as:</p>
      <ul className="mt-1 list-disc pl-4">
        {duplicates.map((d) => (
          <li key={d.connectionId}>
            {d.href ? (
              <Link href={d.href} className="font-medium underline underline-offset-2">
                {d.connectionName}
              </Link>
            ) : (
              <span className="font-medium">{d.connectionName}</span>
            )}{" "}
            for {d.organizationName}
          </li>
        ))}
      </ul>
      {children}
    </Notice>
  );
}
