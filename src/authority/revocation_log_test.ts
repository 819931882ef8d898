import assert from "node:assert/strict";
import { isFcpError } from "../core/mod.ts";
import { ed25519PublicKey } from "../crypto/mod.ts";
import {
  appendRevocation,
  decodeRevocationLogFile,
  encodeRevocationLogFile,
  loadRevocationLog,
  revocationLogPath,
} from "./revocation_log.ts";

const OWNER = new Uint8Array(32).fill(1);
const KEYS = { objectIdKey: new Uint8Array(32).fill(2), ownerPublicKey: ed25519PublicKey(OWNER) };

async function withHome(f: (home: string) => Promise<void>) {
  const home = await Deno.makeTempDir();
  try {
    await f(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

function add(home: string, n: number, zoneId = "z:work") {
  return appendRevocation(home, {
    ...KEYS,
    zoneId,
    revoked: [new Uint8Array(32).fill(n)],
    scope: "Capability",
    reason: `r${n}`,
    now: 100 + n,
    owner: OWNER,
  });
}

Deno.test("revocation log: appends chain, reloads and verifies", () =>
  withHome(async (home) => {
    await add(home, 1);
    await add(home, 2);
    const e3 = await add(home, 3);
    assert.equal(e3.event.seq, 2);
    const log = await loadRevocationLog(home, "z:work", KEYS);
    assert.equal(log.registry.headSeq, 2);
    assert.equal(log.entries.length, 3);
    assert.equal(log.registry.lastUpdated, 103);
    assert.ok(log.registry.isRevoked(new Uint8Array(32).fill(2)));
  }));

Deno.test("revocation log: reordered entries are refused (FCP-3007)", () =>
  withHome(async (home) => {
    await add(home, 1);
    await add(home, 2);
    const path = revocationLogPath(home, "z:work");
    const file = decodeRevocationLogFile(await Deno.readFile(path));
    await Deno.writeFile(path, encodeRevocationLogFile("z:work", [...file.entries].reverse()));
    await assert.rejects(loadRevocationLog(home, "z:work", KEYS), (e) => isFcpError(e, "FCP-3007"));
  }));

Deno.test("revocation log: a file of another zone is refused (FCP-4002)", () =>
  withHome(async (home) => {
    await add(home, 1, "z:private");
    await Deno.rename(revocationLogPath(home, "z:private"), revocationLogPath(home, "z:work"));
    await assert.rejects(loadRevocationLog(home, "z:work", KEYS), (e) => isFcpError(e, "FCP-4002"));
  }));

Deno.test("revocation log: a different owner key refuses the chain (FCP-2001)", () =>
  withHome(async (home) => {
    await add(home, 1);
    const other = { ...KEYS, ownerPublicKey: ed25519PublicKey(new Uint8Array(32).fill(9)) };
    await assert.rejects(
      loadRevocationLog(home, "z:work", other),
      (e) => isFcpError(e, "FCP-2001"),
    );
  }));

Deno.test("revocation log: malformed file is refused (FCP-1013)", () =>
  withHome(async (home) => {
    await Deno.mkdir(`${home}/revocations`);
    await Deno.writeFile(revocationLogPath(home, "z:work"), new Uint8Array([0xa0]));
    await assert.rejects(loadRevocationLog(home, "z:work", KEYS), (e) => isFcpError(e, "FCP-1013"));
  }));

Deno.test("revocation log: concurrent appends are serialized; none is lost", () =>
  withHome(async (home) => {
    const n = 8;
    const entries = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        appendRevocation(home, {
          ...KEYS,
          zoneId: "z:work",
          revoked: [new Uint8Array(32).fill(i + 1)],
          scope: "Capability",
          reason: `concurrent ${i}`,
          now: 500,
          owner: OWNER,
        })),
    );
    assert.deepEqual(entries.map((e) => e.event.seq).sort((a, b) => a - b), [
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
    ]);
    const log = await loadRevocationLog(home, "z:work", KEYS);
    assert.equal(log.entries.length, n);
    assert.equal(log.registry.headSeq, n - 1);
    for (let i = 0; i < n; i++) {
      assert.ok(
        log.registry.isRevoked(new Uint8Array(32).fill(i + 1), { now: 500 }),
        `target ${i}`,
      );
    }
  }));
