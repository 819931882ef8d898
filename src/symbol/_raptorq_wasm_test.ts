import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { isFcpError, toHex } from "../core/mod.ts";
import { raptorqWasmStats, withRaptorq } from "./_raptorq_wasm.ts";
import {
  RAPTORQ_NPM_VERSION,
  RAPTORQ_WASM_BASE64,
  RAPTORQ_WASM_SHA256,
  RAPTORQ_WASM_SIZE,
} from "./_raptorq_wasm_bytes.ts";
import { extendedSourceSymbols, MAX_SOURCE_SYMBOLS } from "./_rfc6330.ts";

const embedded = Uint8Array.fromBase64(RAPTORQ_WASM_BASE64);

Deno.test("embedded wasm is byte-identical to the pinned npm package's raptorq_bg.wasm", async () => {
  // A version bump in deno.json changes the resolved file; rerun scripts/embed_raptorq_wasm.ts.
  const url = new URL(import.meta.resolve("raptorq/raptorq_bg.wasm"));
  const pkg = JSON.parse(await Deno.readTextFile(new URL("package.json", url)));
  assert.equal(pkg.version, RAPTORQ_NPM_VERSION, "embedded bytes are from another version");
  const fromNpm = await Deno.readFile(url);
  const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
  assert.equal(sha(fromNpm), RAPTORQ_WASM_SHA256);
  assert.equal(sha(embedded), RAPTORQ_WASM_SHA256);
  assert.equal(embedded.length, RAPTORQ_WASM_SIZE);
  assert.equal(toHex(embedded.subarray(0, 4)), "0061736d"); // "\0asm"
});

Deno.test("the package's source packets are the zero-padded object, ESIs 0..K-1, SBN 0", () => {
  const t = 64;
  const data = new Uint8Array(1000).map((_, i) => (i * 31 + 7) & 0xff);
  const packets = withRaptorq((rq) => {
    const enc = rq.Encoder.with_defaults(data, t);
    try {
      return enc.encode(2);
    } finally {
      enc.free();
    }
  });
  const k = Math.ceil(data.length / t);
  assert.equal(packets.length, k + 2);
  const padded = new Uint8Array(k * t);
  padded.set(data);
  for (let i = 0; i < k; i++) {
    const p = packets[i]!;
    assert.deepEqual([...p.subarray(0, 4)], [0, i >> 16, (i >> 8) & 0xff, i & 0xff]);
    assert.deepEqual(p.subarray(4), padded.subarray(i * t, (i + 1) * t));
  }
});

Deno.test("K' table agrees with the package's first repair ESI", () => {
  const firstRepair = (k: number) =>
    withRaptorq((rq) => {
      const enc = rq.Encoder.with_defaults(new Uint8Array(k * 64), 64);
      try {
        const p = enc.encode(1)[k]!;
        return (p[1]! << 16) | (p[2]! << 8) | p[3]!;
      } finally {
        enc.free();
      }
    });
  for (const k of [1, 10, 11, 12, 13, 64, 69, 70, 256, 257, 258, 1024, 4096]) {
    assert.equal(extendedSourceSymbols(k), firstRepair(k), `K=${k}`);
  }
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 4096 }), (k) => {
      assert.equal(extendedSourceSymbols(k), firstRepair(k));
    }),
    { numRuns: 20 },
  );
  assert.equal(extendedSourceSymbols(0), 0);
  assert.equal(extendedSourceSymbols(MAX_SOURCE_SYMBOLS), MAX_SOURCE_SYMBOLS);
  assert.throws(() => extendedSourceSymbols(MAX_SOURCE_SYMBOLS + 1), RangeError);
  assert.throws(() => extendedSourceSymbols(-1), RangeError);
});

Deno.test("a trap becomes FCP-9001 and the next call runs on a fresh instance", () => {
  const before = raptorqWasmStats().instances;
  // Symbol sizes below 64 make the Rust code panic: exactly the kind of failure to contain.
  assert.throws(
    () =>
      withRaptorq((rq) => {
        const enc = rq.Encoder.with_defaults(new Uint8Array(10), 8);
        enc.free();
      }),
    (e) => isFcpError(e, "FCP-9001"),
  );
  const n = withRaptorq((rq) => {
    const enc = rq.Encoder.with_defaults(new Uint8Array(100), 64);
    try {
      return enc.encode(0).length;
    } finally {
      enc.free();
    }
  });
  assert.equal(n, 2);
  assert.equal(raptorqWasmStats().instances, before + 1);
});

Deno.test("errors thrown by the callback pass through unchanged", () => {
  const err = new Error("mine");
  assert.throws(() =>
    withRaptorq(() => {
      throw err;
    }), (e) => e === err);
});

Deno.test("the codec runs from a self-contained bundle: no npm file is read at run time", async () => {
  // What `deno compile` needs: with an empty DENO_DIR, no npm and no config, only the bundled
  // JS (glue + embedded bytes) is available. Reading raptorq_bg.wasm from a path would fail.
  const dir = await Deno.makeTempDir({ prefix: "fcp-rq-bundle-" });
  try {
    const entry = `${dir}/entry.ts`;
    const codec = new URL("./raptorq.ts", import.meta.url).href;
    await Deno.writeTextFile(
      entry,
      `import { encodeObject, ObjectDecoder } from "${codec}";
const data = new Uint8Array(100_000).map((_, i) => i * 13);
const enc = encodeObject(data, { repairBps: 1000 });
const dec = new ObjectDecoder(enc.oti);
for (const s of enc.symbols.slice(5)) dec.push(s.esi, s.data);
const out = dec.result();
console.log(out !== undefined && out.every((b, i) => b === data[i]) ? "decoded" : "failed");
`,
    );
    const deno = Deno.execPath();
    const config = new URL("../../deno.json", import.meta.url).pathname;
    const bundle = await new Deno.Command(deno, {
      args: [
        "bundle",
        "--quiet",
        "--config",
        config,
        "--platform=deno",
        "-o",
        `${dir}/out.js`,
        entry,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(bundle.success, new TextDecoder().decode(bundle.stderr));
    const run = await new Deno.Command(deno, {
      args: ["run", "--quiet", "--no-npm", "--no-remote", "--no-config", `${dir}/out.js`],
      cwd: dir,
      env: { DENO_DIR: `${dir}/deno_dir`, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(run.success, new TextDecoder().decode(run.stderr));
    assert.equal(new TextDecoder().decode(run.stdout).trim(), "decoded");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
