import { defineConfig } from "drizzle-kit";

// Migrations are generated from db/schema and committed; they are applied by db/migrate.ts
// (never `drizzle-kit push`).
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  strict: true,
});
