export * from "./auth";
export * from "./tenancy";
export * from "./delivery";
export * from "./integrations";
