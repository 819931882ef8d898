/**
 * The LocalAPI over real HTTP (in-process node on an ephemeral port): bearer token, DNS-rebinding
 * defence with raw HTTP/1.1 requests carrying a foreign Host header, body limit on a chunked
 * upload, OpenAPI document, absent routes.
 */
import assert from "node:assert/strict";
import { readApiToken, type RunningNode, startNode } from "../src/api/mod.ts";
import { createStandardZones, initIdentity } from "../src/authority/mod.ts";
import { MemorySymbolStore } from "../src/store/mod.ts";

const NOW = Math.floor(Date.now() / 1000);

async function withNode(
  f: (node: RunningNode, token: string) => Promise<void>,
  maxBodyBytes?: number,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fcp-node-api-" });
  const home = `${dir}/home`;
  const id = await initIdentity(home, { now: NOW, nodeId: "node-http" });
  await createStandardZones(id, id.keystore, NOW);
  const node = await startNode({
    home,
    version: "0.1.0",
    port: 0,
    openStore: () => new MemorySymbolStore(),
    ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
  });
  try {
    await f(node, await readApiToken(home));
  } finally {
    await node.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Send raw bytes on a TCP connection; read one response (headers + Content-Length body). */
async function raw(port: number, request: string): Promise<{ status: number; text: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(request));
    const dec = new TextDecoder();
    const buf = new Uint8Array(64 * 1024);
    let text = "";
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += dec.decode(buf.subarray(0, n), { stream: true });
      const end = text.indexOf("\r\n\r\n");
      const len = /\r\ncontent-length: *(\d+)/i.exec(text);
      if (end >= 0 && len && text.length >= end + 4 + Number(len[1])) break;
    }
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
    return { status, text };
  } finally {
    conn.close();
  }
}

Deno.test("over HTTP: token required, right token answers status", async () => {
  await withNode(async (node, token) => {
    const url = `http://127.0.0.1:${node.port}/v1/status`;
    const none = await fetch(url);
    assert.equal(none.status, 401);
    assert.equal((await none.json()).code, "FCP-2015");
    const wrong = await fetch(url, { headers: { authorization: `Bearer ${"0".repeat(64)}` } });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    const ok = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    const status = await ok.json();
    assert.equal(status.node_id, "node-http");
    assert.equal(status.listen.port, node.port);
    // localhost resolves to the loopback listener too and passes the Host check.
    const local = await fetch(`http://localhost:${node.port}/v1/status`, {
      headers: { authorization: `Bearer ${token}` },
    }).catch(() => undefined);
    if (local) {
      assert.equal(local.status, 200);
      await local.body?.cancel();
    }
  });
});

Deno.test("over HTTP: a rebound Host header is refused even with the token", async () => {
  await withNode(async (node, token) => {
    const req = (host: string) =>
      `GET /v1/status HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\n` +
      `Connection: close\r\n\r\n`;
    const evil = await raw(node.port, req(`attacker.example:${node.port}`));
    assert.equal(evil.status, 403);
    assert.match(evil.text, /"code":"FCP-2016"/);
    const good = await raw(node.port, req(`127.0.0.1:${node.port}`));
    assert.equal(good.status, 200);
    assert.match(good.text, /"node_id":"node-http"/);
  });
});

Deno.test("over HTTP: a chunked body over the limit gets 413 FCP-1041", async () => {
  await withNode(async (node, token) => {
    const chunk = "x".repeat(600);
    const body = `258\r\n${chunk}\r\n258\r\n${chunk}\r\n0\r\n\r\n`; // 0x258 = 600
    const res = await raw(
      node.port,
      `PUT /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
        `Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${body}`,
    );
    assert.equal(res.status, 413);
    assert.match(res.text, /"code":"FCP-1041"/);
  }, 1000);
});

Deno.test("over HTTP: the OpenAPI document lists every route; unknown ones are 404", async () => {
  await withNode(async (node, token) => {
    const headers = { authorization: `Bearer ${token}` };
    const doc = await (await fetch(`http://127.0.0.1:${node.port}/v1/openapi.json`, { headers }))
      .json();
    assert.equal(doc.openapi, "3.1.0");
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      "/v1/audit/tail",
      "/v1/connectors",
      "/v1/connectors/install",
      "/v1/connectors/{id}/activate",
      "/v1/connectors/{id}/deactivate",
      "/v1/connectors/{id}/health",
      "/v1/explain/{id}",
      "/v1/invoke",
      "/v1/objects",
      "/v1/objects/{id}",
      "/v1/openapi.json",
      "/v1/status",
    ]);
    for (const path of ["/v1/nothing-here", "/v1/explain/no-such-request"]) {
      const res = await fetch(`http://127.0.0.1:${node.port}${path}`, { headers });
      assert.equal(res.status, 404, path);
      assert.equal((await res.json()).code, "FCP-6001");
    }
  });
});

Deno.test("over HTTP: objects put and get through the store pipeline, zone-scoped", async () => {
  await withNode(async (node, token) => {
    const base = `http://127.0.0.1:${node.port}`;
    const headers = { authorization: `Bearer ${token}` };
    const big = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff); // chunked (> 256 KiB)
    for (const body of [new TextEncoder().encode("hello objects"), big]) {
      const put = await fetch(`${base}/v1/objects?zone=z:work`, { method: "PUT", headers, body });
      assert.equal(put.status, 201);
      const r = await put.json();
      assert.match(r.object_id, /^[0-9a-f]{64}$/);
      assert.equal(r.size, body.length);
      const again = await fetch(`${base}/v1/objects?zone=z:work`, {
        method: "POST",
        headers,
        body,
      });
      assert.equal(again.status, 200);
      assert.equal((await again.json()).object_id, r.object_id);
      const got = await fetch(`${base}/v1/objects/${r.object_id}?zone=z:work`, { headers });
      assert.equal(got.status, 200);
      assert.deepEqual(new Uint8Array(await got.arrayBuffer()), body);
      const other = await fetch(`${base}/v1/objects/${r.object_id}?zone=z:private`, { headers });
      assert.equal(other.status, 404);
      assert.equal((await other.json()).code, "FCP-6001");
    }
    const status = await (await fetch(`${base}/v1/status`, { headers })).json();
    assert.ok(status.store.objects >= 2);
    const unknownZone = await fetch(`${base}/v1/objects?zone=z:nope`, {
      method: "PUT",
      headers,
      body: new Uint8Array([1]),
    });
    assert.equal(unknownZone.status, 403);
    assert.equal((await unknownZone.json()).code, "FCP-4005");
  });
});

Deno.test("over HTTP: the audit tail shows the node.start event of z:owner", async () => {
  await withNode(async (node, token) => {
    const headers = { authorization: `Bearer ${token}` };
    const base = `http://127.0.0.1:${node.port}`;
    const res = await fetch(`${base}/v1/audit/tail?zone=z:owner&n=5`, { headers });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.zone, "z:owner");
    assert.equal(body.events.length, 1);
    const [start] = body.events;
    assert.equal(start.event_type, "node.start");
    assert.equal(start.actor, "node-http");
    assert.equal(start.seq, 0);
    assert.equal(start.prev, null);
    assert.match(start.id, /^[0-9a-f]{64}$/);
    const empty = await (await fetch(`${base}/v1/audit/tail?zone=z:work`, { headers })).json();
    assert.deepEqual(empty, { zone: "z:work", events: [] });
    const unknown = await fetch(`${base}/v1/audit/tail?zone=z:nope`, { headers });
    assert.equal(unknown.status, 403);
    assert.equal((await unknown.json()).code, "FCP-4005");
    const bad = await fetch(`${base}/v1/audit/tail?zone=z:owner&n=0`, { headers });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).code, "FCP-1040");
  });
});
