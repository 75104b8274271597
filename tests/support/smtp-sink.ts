/**
 * A real SMTP server on loopback (npm smtp-server) that parses every message it receives with
 * mailparser, for tests and benchmarks. Can be told to refuse mail for a while (SMTP outage tests).
 */
import { SMTPServer } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";
import type { AddressInfo } from "node:net";

export type SmtpSink = {
  url: string;
  port: number;
  messages: ParsedMail[];
  /** Raw count of DATA commands accepted (duplicates included). */
  accepted: () => number;
  setDown: (down: boolean) => void;
  close: () => Promise<void>;
};

export async function startSmtpSink(opts: { parse?: boolean } = {}): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  let accepted = 0;
  let down = false;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onConnect(_session, cb) {
      if (down) {
        // A transient refusal (421), as a server that is going down or overloaded sends it; without the code
        // smtp-server would answer 554, which clients rightly treat as permanent.
        const err = new Error("Service not available, try again later") as Error & { responseCode: number };
        err.responseCode = 421;
        return cb(err);
      }
      cb();
    },
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", async () => {
        if (down) {
          const err = new Error("451 Temporary local problem") as Error & { responseCode: number };
          err.responseCode = 451;
          return cb(err);
        }
        accepted += 1;
        if (opts.parse !== false) {
          try {
            messages.push(await simpleParser(Buffer.concat(chunks)));
          } catch {
            /* a malformed message is still counted as accepted */
          }
        }
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    accepted: () => accepted,
    setDown: (d) => {
      down = d;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
