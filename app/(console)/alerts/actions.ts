"use server";

import { z } from "zod";
import { createAction } from "@/lib/actions/safe-action";
import { retryDelivery } from "@/lib/delivery/retry-delivery";
import { sendTestAlert } from "@/lib/delivery/test-alert";
import { testAlertSchema } from "@/lib/validations/alerts";
import { uuidSchema, whyNoteSchema } from "@/lib/validations/common";

export const sendTestAlertAction = createAction(
  { schema: testAlertSchema, roles: ["admin", "technician"], revalidate: ["/alerts"] },
  async (input, viewer) => {
    const accepted = await sendTestAlert(viewer, input);
    return { alertId: accepted.alertId };
  },
);

export const retryDeliveryAction = createAction(
  { schema: z.object({ deliveryId: uuidSchema, note: whyNoteSchema }), roles: ["admin", "support"], message: "Retry scheduled." },
  async (input, viewer) => {
    await retryDelivery(viewer, input);
    return null;
  },
);
