/**
 * Prometheus Alertmanager as a baseline (Debian package `prometheus-alertmanager`, installed with apt-get
 * when missing), on loopback only, clustering off, with a routing tree equivalent to Switchboard's
 * configuration for the bench partner: one route per organization (matcher on an `organization` label),
 * one receiver per distinct destination set, one webhook per destination (PSA integration or email
 * recipient) pointing at a local sink.
 */
import { spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { freePort } from "@/db/embedded";
import type { DeliveryConfigSnapshot } from "@/lib/delivery/types";
import { planDelivery } from "@/lib/delivery/plan";
import { DATA_DIR, log, spawnChild, sleep } from "./common";

const BINARY = "/usr/bin/prometheus-alertmanager";

export function ensureAlertmanagerInstalled(): string {
  if (existsSync(BINARY)) return BINARY;
  log("installing prometheus-alertmanager with apt-get (Debian package)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
  const r = spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "prometheus-alertmanager"], { stdio: "inherit", env });
  if (r.status !== 0 || !existsSync(BINARY)) throw new Error("could not install prometheus-alertmanager");
  return BINARY;
}

export function alertmanagerVersion(): string {
  const r = spawnSync(BINARY, ["--version"], { encoding: "utf8" });
  return /version (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? "unknown";
}

/** Counts webhook notifications (and answers 200), like a receiving endpoint would. */
export async function startWebhookSink(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      n += 1;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: () => n,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * The routing tree: per organization, the destinations Switchboard's planner would send a critical alert to
 * (every PSA integration and every candidate recipient), grouped into receivers by identical destination set.
 */
export function alertmanagerConfig(snapshots: DeliveryConfigSnapshot[], sinkUrl: string, opts: { groupWait: string }) {
  const receivers = new Map<string, { name: string; urls: string[] }>();
  const routes: unknown[] = [];
  let destinations = 0;
  for (const s of snapshots) {
    const plan = planDelivery(
      { id: "00000000-0000-4000-8000-000000000000", organizationId: s.organization.id, priority: "critical", title: "x", summary: "x", detectedAt: new Date(0), source: null, respondEvents: [], iocMatches: [] },
      s,
    );
    const urls = plan.deliveries.map((d) => `${sinkUrl}/${d.channel}/${encodeURIComponent(d.target)}`).sort();
    const key = urls.join(" ");
    let r = receivers.get(key);
    if (!r) {
      r = { name: `dest-${receivers.size + 1}`, urls };
      receivers.set(key, r);
      destinations += urls.length;
    }
    routes.push({ receiver: r.name, matchers: [`organization="${s.organization.id}"`] });
  }
  const config = {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: "unrouted",
      // One notification per alert, as Switchboard sends one ticket/email per alert.
      group_by: ["alert_id"],
      group_wait: opts.groupWait,
      group_interval: "5m",
      repeat_interval: "24h",
      routes,
    },
    receivers: [
      { name: "unrouted" },
      ...[...receivers.values()].map((r) => ({ name: r.name, webhook_configs: r.urls.map((url) => ({ url, send_resolved: false })) })),
    ],
  };
  return { config, receivers: receivers.size, routes: routes.length, destinations };
}

export type RunningAlertmanager = { url: string; child: ChildProcess; pid: number; stop: () => Promise<void> };

export async function startAlertmanager(config: unknown): Promise<RunningAlertmanager> {
  const dir = path.join(DATA_DIR, "alertmanager");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, "data"), { recursive: true });
  // JSON is YAML.
  writeFileSync(path.join(dir, "alertmanager.yml"), JSON.stringify(config));
  const port = await freePort();
  const child = spawnChild("alertmanager", BINARY, [
    `--config.file=${path.join(dir, "alertmanager.yml")}`,
    `--storage.path=${path.join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--cluster.listen-address=",
    "--log.level=warn",
  ], {});
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      /* starting */
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("alertmanager did not start");
    await sleep(200);
  }
  return {
    url,
    child,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      });
    },
  };
}
