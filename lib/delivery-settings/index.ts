/**
 * Delivery settings (seed 000): the partner's email settings and recipient lists (Settings > PSA &
 * Email) and each organization's delivery controls (Organizations > edit > Settings tab). Every
 * function takes the Viewer, filters by its partner (R-SEC-1), enforces the role and organization
 * scope, and writes its audit entry in the same transaction as the change (R-SEC-4).
 */
export {
  EMAIL_SETTINGS_DEFAULTS,
  getEmailSettings,
  updateEmailSettings,
  type EmailSettings,
} from "./email-settings";
export {
  MAX_GLOBAL_RECIPIENTS,
  MAX_ORGANIZATION_RECIPIENTS,
  addGlobalRecipient,
  addOrganizationRecipient,
  listGlobalRecipients,
  listOrganizationRecipients,
  removeGlobalRecipient,
  removeOrganizationRecipient,
  updateOrganizationRecipient,
  type GlobalRecipient,
  type OrganizationRecipient,
} from "./recipients";
export {
  getDeliveryConfigurationStatus,
  getOrganizationAudience,
  setOrganizationDelivery,
  type DeliveryConfigurationStatus,
  type OrganizationAudience,
} from "./organization-delivery";
export { previewAlertEmails, type EmailPreview, type PreviewMessage } from "./preview";
