/**
 * Starts the five fake PSAs together (tests, demos, benchmarks). Each listens on 127.0.0.1; ports are random
 * unless `basePort` is given, in which case they take basePort..basePort+4 in catalog order.
 */
import type { PsaVendor } from "../types";
import { FakeAutotask } from "./autotask";
import type { FakePsaServer } from "./base";
import { FakeConnectWise } from "./connectwise";
import { FakeHaloPsa } from "./halopsa";
import { FakeKaseyaBms } from "./kaseya-bms";
import { FakeSyncro } from "./syncro";

export interface FakePsas {
  connectwise: FakeConnectWise;
  autotask: FakeAutotask;
  kaseya_bms: FakeKaseyaBms;
  halopsa: FakeHaloPsa;
  syncro: FakeSyncro;
  /** The five, in catalog order. */
  all: FakePsaServer[];
  stop(): Promise<void>;
}

export interface StartFakePsasOptions {
  /** First port; the others follow in order connectwise, autotask, kaseya_bms, halopsa, syncro. 0/undefined = random. */
  basePort?: number;
  host?: string;
}

export const FAKE_VENDOR_ORDER: readonly PsaVendor[] = ["connectwise", "autotask", "kaseya_bms", "halopsa", "syncro"];

export async function startFakePsas(options: StartFakePsasOptions = {}): Promise<FakePsas> {
  const servers = {
    connectwise: new FakeConnectWise(),
    autotask: new FakeAutotask(),
    kaseya_bms: new FakeKaseyaBms(),
    halopsa: new FakeHaloPsa(),
    syncro: new FakeSyncro(),
  };
  const all: FakePsaServer[] = FAKE_VENDOR_ORDER.map((v) => servers[v]);
  try {
    await Promise.all(
      all.map((server, i) => server.start({ host: options.host, port: options.basePort ? options.basePort + i : 0 })),
    );
  } catch (err) {
    await Promise.all(all.map((s) => s.stop()));
    throw err;
  }
  return {
    ...servers,
    all,
    stop: async () => {
      await Promise.all(all.map((s) => s.stop()));
    },
  };
}

export { FakeAutotask, AT_COMPANY_ID_BASE } from "./autotask";
export {
  FAULT_KINDS,
  FakePsaServer,
  type FailNextOptions,
  type FakeTicket,
  type FaultConfig,
  type FaultKind,
  type RecordedRequest,
} from "./base";
export { FakeConnectWise, CW_COMPANY_ID_BASE } from "./connectwise";
export { FAKE_CREDENTIALS } from "./credentials";
export { FakeHaloPsa, HALO_CLIENT_ID_BASE } from "./halopsa";
export { BMS_ACCOUNT_ID_BASE, FakeKaseyaBms } from "./kaseya-bms";
export { FEATURED_COMPANY_NAMES, SEED_COMPANIES, SEED_COMPANY_COUNT } from "./seed";
export { FakeSyncro, SYNCRO_CUSTOMER_ID_BASE } from "./syncro";
