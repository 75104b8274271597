import type { Viewer } from "@/lib/auth/viewer";
import { getEmailSettings, listGlobalRecipients } from "@/lib/delivery-settings";
import { formatDateTime } from "@/lib/utils";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/page-header";
import { Table, TBody, TD, TH, THead, TR } from "@/components/ui/table";
import { EmailContentForm } from "./email/email-content-form";
import { AddEmailDialog, RemoveEmailButton } from "./email/global-recipients";

/**
 * Settings > PSA & Email — the Email settings section (seed 000): global recipients (+ Add Email),
 * the two subject formats, the Respond / IOC Event Detail toggles and a preview of the email.
 * Admins change it; support staff read it.
 */
export async function EmailSection({ viewer }: { viewer: Viewer }) {
  const [settings, globalRecipients] = await Promise.all([getEmailSettings(viewer), listGlobalRecipients(viewer)]);
  const canEdit = viewer.role === "admin";
  return (
    <Card aria-label="Email settings">
      <CardHeader
        title="Email settings"
        description="Who receives alert notifications by email and what those emails contain. Email settings never change PSA delivery."
        actions={canEdit ? <AddEmailDialog /> : null}
      />

      <section aria-labelledby="global-recipients-heading" className="border-b border-slate-200">
        <div className="px-5 pb-2 pt-4">
          <h3 id="global-recipients-heading" className="text-sm font-semibold text-slate-900">
            Global recipients
          </h3>
          <p className="text-sm text-slate-600">
            Receive every alert of every organization whose PSA & email toggle is on. Organizations can add their own
            recipients, by priority, on their Settings tab.
          </p>
        </div>
        {globalRecipients.length === 0 ? (
          <EmptyState
            title="No global email recipients yet"
            description={
              canEdit
                ? "Select + Add Email to send alert notifications to a person or a shared inbox."
                : "An admin can add addresses here."
            }
          />
        ) : (
          <Table aria-label="Global recipients">
            <THead>
              <tr>
                <TH>Email</TH>
                <TH>Why this recipient</TH>
                <TH className="w-48">Added</TH>
                {canEdit ? (
                  <TH className="w-24 text-right">
                    <span className="sr-only">Actions</span>
                  </TH>
                ) : null}
              </tr>
            </THead>
            <TBody>
              {globalRecipients.map((r) => (
                <TR key={r.id}>
                  <TD className="font-medium text-slate-900">{r.email}</TD>
                  <TD className="text-slate-700">{r.note ?? <span className="text-slate-400">—</span>}</TD>
                  <TD className="whitespace-nowrap text-slate-600">{formatDateTime(r.createdAt)}</TD>
                  {canEdit ? (
                    <TD className="text-right">
                      <RemoveEmailButton id={r.id} email={r.email} />
                    </TD>
                  ) : null}
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </section>

      <section aria-labelledby="email-content-heading" className="px-5 py-5">
        <div className="mb-4">
          <h3 id="email-content-heading" className="text-sm font-semibold text-slate-900">
            Subject formats and event detail
          </h3>
          <p className="text-sm text-slate-600">
            Global and organization-specific recipients use independent subject formats, so one alert may reach
            different recipients with different subjects.
            {settings.isDefault ? " These are the defaults; nothing has been changed yet." : null}
          </p>
        </div>
        <EmailContentForm
          readOnly={!canEdit}
          partnerName={viewer.partnerName}
          defaultValues={{
            globalSubjectFormat: settings.globalSubjectFormat,
            organizationSubjectFormat: settings.organizationSubjectFormat,
            respondEventDetail: settings.respondEventDetail,
            iocEventDetail: settings.iocEventDetail,
          }}
        />
      </section>
    </Card>
  );
}
