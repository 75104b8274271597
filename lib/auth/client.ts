"use client";

import { createAuthClient } from "better-auth/react";

/** better-auth's browser client: sign-in goes to /api/auth directly so its rate limit applies. */
export const authClient = createAuthClient();
