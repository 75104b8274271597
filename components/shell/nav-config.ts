import type { Role } from "@/lib/auth/roles";

export type NavItem = { href: string; label: string; roles: readonly Role[] };
export type NavSection = { label?: string; items: NavItem[] };

const ALL: readonly Role[] = ["admin", "technician", "support"];

/** The side navigation, named as the seeds name things. A section appears only when it works. */
export const NAV: NavSection[] = [
  {
    items: [
      { href: "/organizations", label: "Organizations", roles: ALL },
      { href: "/alerts", label: "Alerts", roles: ALL },
      { href: "/routing", label: "Routing", roles: ALL },
    ],
  },
  {
    label: "Settings",
    items: [
      { href: "/settings/psa-email", label: "PSA & Email", roles: ["admin", "support"] },
      { href: "/settings/integrations", label: "Integrations", roles: ["admin"] },
      { href: "/settings/users", label: "Users", roles: ["admin"] },
      { href: "/settings/api-keys", label: "API keys", roles: ["admin"] },
    ],
  },
  {
    items: [
      { href: "/mailbox", label: "Mailbox", roles: ["admin", "support"] },
      { href: "/audit-log", label: "Audit log", roles: ["admin", "support"] },
      { href: "/account", label: "Account", roles: ALL },
    ],
  },
];

export function navFor(role: Role): NavSection[] {
  return NAV.map((s) => ({ ...s, items: s.items.filter((i) => i.roles.includes(role)) })).filter((s) => s.items.length);
}
