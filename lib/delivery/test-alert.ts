/** "Send test alert" from the console: a clearly marked alert that goes through the same intake as the API. */
import { assertOrganizationScope, type Viewer } from "@/lib/auth/viewer";
import { ForbiddenError } from "@/lib/errors";
import { acceptAlert } from "./intake";
import { SAMPLE_ALERT } from "./render/subject";
import type { Priority } from "./types";

export async function sendTestAlert(viewer: Viewer, input: { organizationId: string; priority: Priority; title?: string }) {
  if (viewer.role === "support") throw new ForbiddenError("Support staff cannot send alerts.");
  assertOrganizationScope(viewer, input.organizationId);
  return acceptAlert(
    { partnerId: viewer.partnerId, label: viewer.email },
    {
      organizationId: input.organizationId,
      priority: input.priority,
      title: `[TEST] ${input.title?.trim() || "Test alert from Switchboard"}`,
      summary: `This is a test alert sent by ${viewer.email} from the Switchboard console to check where alerts of this priority are delivered. ${SAMPLE_ALERT.summary}`,
      detectedAt: new Date().toISOString(),
      source: "Switchboard test",
      respondEvents: SAMPLE_ALERT.respondEvents,
      iocMatches: SAMPLE_ALERT.iocMatches,
    },
    { isTest: true },
  );
}
