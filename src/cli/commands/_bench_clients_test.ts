import assert from "node:assert/strict";
import { FETCH_BENCH_CLIENT, HTTP1_BENCH_CLIENT, readHttp1Response } from "./_bench_clients.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("readHttp1Response: content-length counts bytes, and what follows is left over", () => {
  const body = '{"a":"→"}'; // 11 bytes, 9 UTF-16 units
  const one = `HTTP/1.1 201 Created\r\nContent-Length: ${enc(body).length}\r\n\r\n${body}`;
  const buf = enc(one + "HTTP/1.1 200 OK\r\n");
  const r = readHttp1Response(buf)!;
  assert.equal(r.status, 201);
  assert.equal(dec(r.body), body);
  assert.equal(r.length, enc(one).length);
  assert.equal(readHttp1Response(buf.subarray(r.length)), undefined);
  // Every proper prefix is incomplete, never wrong.
  for (let i = 0; i < enc(one).length; i++) {
    assert.equal(readHttp1Response(enc(one).subarray(0, i)), undefined, `prefix ${i}`);
  }
});

Deno.test("readHttp1Response: de-chunks a chunked body", () => {
  const raw = "HTTP/1.1 403 Forbidden\r\ntransfer-encoding: chunked\r\n\r\n" +
    '4\r\n{"co\r\n8;ext=1\r\nde":"x"}\r\n0\r\n\r\n';
  const r = readHttp1Response(enc(raw))!;
  assert.equal(r.status, 403);
  assert.deepEqual(JSON.parse(dec(r.body)), { code: "x" });
  assert.equal(r.length, enc(raw).length);
  for (let i = 0; i < enc(raw).length; i++) {
    assert.equal(readHttp1Response(enc(raw).subarray(0, i)), undefined, `prefix ${i}`);
  }
});

Deno.test("readHttp1Response: refuses what is not a framed HTTP/1.1 response", () => {
  for (
    const raw of [
      "HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n",
      "SSH-2.0-x\r\n\r\n",
      "HTTP/1.1 200 OK\r\n\r\n{}",
      "HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n",
      "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
    ]
  ) {
    assert.throws(() => readHttp1Response(enc(raw)), Error, JSON.stringify(raw));
  }
  assert.throws(() => readHttp1Response(new Uint8Array(70000)), /64 KiB/);
});

Deno.test("bench clients: each carries its helpers' own source, posts timings, reports a refusal", async () => {
  assert.ok(HTTP1_BENCH_CLIENT.includes("function readHttp1Response"));
  for (const source of [HTTP1_BENCH_CLIENT, FETCH_BENCH_CLIENT]) {
    assert.ok(source.includes("function timeCalls"));
  }
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const auth = req.headers.get("authorization");
      const body = await req.json();
      if (auth !== "Bearer t" || body.x !== 1) {
        return Response.json({ code: "FCP-2015", message: "no" }, { status: 401 });
      }
      return Response.json({ ok: true });
    },
  );
  const run = (source: string, token: string) => {
    const src = URL.createObjectURL(new Blob([source], { type: "application/javascript" }));
    const w = new Worker(src, { type: "module" });
    return new Promise<{ samples?: number[]; error?: string }>((resolve) => {
      w.onmessage = (e) => {
        w.terminate();
        URL.revokeObjectURL(src);
        resolve(e.data);
      };
      w.postMessage({
        url: `http://127.0.0.1:${server.addr.port}/v1/invoke`,
        token,
        body: JSON.stringify({ x: 1 }),
        warmup: 3,
        n: 5,
      });
    });
  };
  try {
    for (const source of [HTTP1_BENCH_CLIENT, FETCH_BENCH_CLIENT]) {
      const ok = await run(source, "t");
      assert.equal(ok.samples?.length, 5);
      assert.ok(ok.samples!.every((s) => s > 0));
      const bad = await run(source, "wrong");
      assert.match(bad.error ?? "", /FCP-2015/);
    }
  } finally {
    await server.shutdown();
  }
});
