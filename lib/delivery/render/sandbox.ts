/**
 * Showing an email's HTML inside the console (settings preview, built-in mailbox). Scripts never run:
 * a Content-Security-Policy is placed first in the email's <head> (only where it is shown; the message
 * itself is unchanged). With it, the iframe's sandbox can allow scripts — which accessibility checkers
 * and test tools need to inspect the frame — while any script in the message is still refused; the
 * sandbox keeps the frame in an opaque origin with no forms, popups or top-level navigation.
 */
const DISPLAY_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; font-src https: data:; script-src 'none'";

export function withDisplayCsp(html: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${DISPLAY_CSP}">`;
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => head + meta) : meta + html;
}

/** The sandbox attribute to use with withDisplayCsp. */
export const EMAIL_FRAME_SANDBOX = "allow-scripts";
