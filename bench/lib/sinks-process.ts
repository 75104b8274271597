/**
 * Child process of the delivery benchmark: the five fake PSAs and a loopback SMTP server (npm smtp-server,
 * messages counted, not parsed), on random loopback ports, so their work does not share the benchmark
 * driver's event loop. Prints one JSON line with the fakes' credentials and the SMTP URL, then serves a
 * small control endpoint: GET /counts → { tickets: {vendor: n}, emails: n }.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { startFakePsas } from "@/lib/psa/fakes";
import { startSmtpSink } from "@/tests/support/smtp-sink";

const fakes = await startFakePsas();
const smtp = await startSmtpSink({ parse: false });
const control = createServer((req, res) => {
  if (req.url === "/counts") {
    const tickets = Object.fromEntries(fakes.all.map((f) => [f.vendor, f.tickets.length]));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ tickets, emails: smtp.accepted() }));
    return;
  }
  res.writeHead(404).end();
});
await new Promise<void>((r) => control.listen(0, "127.0.0.1", r));
const credentials = Object.fromEntries(
  fakes.all.map((f) => [f.vendor, Object.fromEntries(Object.entries(f.credentials).filter(([, v]) => typeof v === "string" && v !== ""))]),
);
process.stdout.write(
  JSON.stringify({ credentials, urls: Object.fromEntries(fakes.all.map((f) => [f.vendor, f.url])), smtpUrl: smtp.url, controlUrl: `http://127.0.0.1:${(control.address() as AddressInfo).port}` }) + "\n",
);
const stop = async () => {
  control.close();
  await fakes.stop();
  await smtp.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
