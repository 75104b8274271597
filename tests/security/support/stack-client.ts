/**
 * The Playwright side of support/stack.ts: starts the stack as a child process and sends it commands over
 * IPC. Imports nothing from lib/ (the stack process does), so the spec runs in Playwright's own loader.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { ROOT } from "./discover";

export type StackInfo = {
  baseUrl: string;
  distDir: string;
  // The world as support/world.ts builds it (serialised), with cookies per login and every canary.
  world: { a: PartnerInfo; b: PartnerInfo };
  cookies: Record<"adminA" | "technicianA" | "supportA" | "adminB" | "technicianB" | "supportB", string>;
  canaries: string[];
  xssAlertId: string;
};

export type PartnerInfo = {
  key: "a" | "b";
  tag: string;
  partnerId: string;
  partnerName: string;
  admin: { userId: string; email: string; password: string };
  technician: { userId: string; email: string; password: string };
  support: { userId: string; email: string; password: string };
  scopedOrg: { id: string; name: string };
  otherOrg: { id: string; name: string };
  apiKey: { id: string; key: string };
  psaIntegrationId: string;
  settingsConnection: { id: string; ingestToken: string; sourceId: string };
  scopedApplication: { id: string };
  otherApplication: { id: string };
  consentApplication: { id: string; linkId: string; token: string };
  alerts: { scopedId: string; otherId: string; deadDeliveryId: string; otherDeadDeliveryId: string };
  mailboxMessageId: string;
};

export class Stack {
  private seq = 1;
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly output: string[] = [];
  private constructor(private readonly child: ChildProcess) {
    child.on("message", (raw) => {
      const m = raw as { id: number; ok: boolean; value?: unknown; error?: string };
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.error));
    });
    const keep = (d: Buffer) => {
      this.output.push(String(d));
      if (this.output.length > 200) this.output.shift();
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
  }

  static async start(timeoutMs = 240_000): Promise<Stack> {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "tests/security/support/stack.ts")], {
      cwd: ROOT,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const stack = new Stack(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`stack did not start: ${stack.output.join("")}`)), timeoutMs);
      child.on("message", (m) => {
        if ((m as { id: number }).id === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`stack exited (${code}): ${stack.output.join("")}`));
      });
    });
    return stack;
  }

  send<T = unknown>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.seq++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd, ...args });
    });
  }

  info = () => this.send<StackInfo>("info");
  sql = <R = Record<string, unknown>>(text: string, params: unknown[] = []) => this.send<R[]>("sql", { text, params });
  mark = () => this.send<number>("mark");
  changes = (mark: number) => this.send<{ id: number; tbl: string; op: string; partner_id: string | null }[]>("changes", { mark });
  logs = () => this.send<string[]>("logs");

  async stop() {
    await this.send("stop").catch(() => undefined);
    await new Promise<void>((r) => (this.child.exitCode !== null ? r() : this.child.once("exit", () => r())));
  }
}
