/** The production channels the worker uses: real PSA clients and real SMTP (or the built-in mailbox). */
import type { Channels } from "../worker";
import { sendEmailDelivery } from "./email";
import { sendPsaDelivery } from "./psa";

export const defaultChannels: Channels = {
  psa: (input) => sendPsaDelivery(input),
  email: (input) => sendEmailDelivery(input),
};
