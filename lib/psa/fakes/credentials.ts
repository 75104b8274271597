/**
 * The fixed credentials the fake PSAs accept. Anything else gets the vendor's authentication failure.
 * URLs are not here: they depend on the port a fake listens on (see each fake's `credentials`).
 */
export const FAKE_CREDENTIALS = {
  connectwise: {
    companyId: "switchboard_fake",
    publicKey: "FakePublicKey7Q2W",
    privateKey: "FakePrivateKey-cw-5f2a9e",
    clientId: "6f2b7c1e-8a4d-4c2b-9e1f-0a1b2c3d4e5f",
  },
  autotask: {
    username: "api-user@fake-msp.example",
    secret: "FakeAutotaskSecret#42x",
    integrationCode: "FAKEINTEGRATIONCODE0001",
  },
  kaseya_bms: {
    tenant: "Fake Managed IT Services LLC",
    username: "api.user",
    password: "FakeBmsPassword!2026",
  },
  halopsa: {
    tenant: "fakemsp",
    clientId: "fake-halo-client-id",
    clientSecret: "FakeHaloSecret-9d8c7b",
  },
  syncro: {
    apiToken: "T-fake-syncro-token-4c1f9a0b",
  },
} as const;
