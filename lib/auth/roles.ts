/** Roles and what they may do; pure, shared by server code and client components. */
export const ROLES = ["admin", "technician", "support"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  technician: "Technician",
  support: "Support",
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: "Configures PSA, email, integrations, organizations, users and API keys.",
  technician: "Works within the organizations given to them: their settings and applications.",
  support: "Reviews routing and delivery (read-only); may retry failed deliveries.",
};
