/**
 * The client threads of `fcp bench invoke-local` (an agent is its own process): `http1`, one
 * keep-alive loopback connection with the request written as bytes and the response read by
 * {@link readHttp1Response}, and `fetch`. The lean client costs the timed loop ~0.1 ms less per
 * call than `fetch` on this machine (docs/perf.md), so its figure is the node's latency rather
 * than the client library's. The node's side is the same for both: `Deno.serve`, the
 * LocalAPI's auth and routing, the pipeline.
 *
 * Each client is a worker built from source text; {@link readHttp1Response} and
 * {@link timeCalls} are written without outside references so that their own source can go
 * into that text. A client's message is `{ url, token, body, warmup, n }`; it answers
 * `{ samples }` (ms) or `{ error }`.
 *
 * @module
 */

/** One response read from the start of a buffer. */
export interface Http1Response {
  /** Status code. */
  readonly status: number;
  /** Body bytes (de-chunked). */
  readonly body: Uint8Array;
  /** Bytes of the buffer the response took. */
  readonly length: number;
}

/**
 * Parse the HTTP/1.1 response at the start of `buf`: `undefined` while it is incomplete; an
 * `Error` when it is not HTTP/1.1 or has neither `content-length` nor chunked framing.
 *
 * @example
 * ```ts
 * import { readHttp1Response } from "./_bench_clients.ts";
 * import assert from "node:assert/strict";
 * const raw = new TextEncoder().encode("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}");
 * const r = readHttp1Response(raw)!;
 * assert.equal(r.status, 200);
 * assert.equal(new TextDecoder().decode(r.body), "{}");
 * assert.equal(readHttp1Response(raw.subarray(0, 20)), undefined);
 * ```
 */
export function readHttp1Response(buf: Uint8Array): Http1Response | undefined {
  let end = -1;
  for (let i = 3; i < buf.length; i++) {
    if (buf[i] === 10 && buf[i - 1] === 13 && buf[i - 2] === 10 && buf[i - 3] === 13) {
      end = i + 1;
      break;
    }
  }
  if (end < 0) {
    if (buf.length > 65536) throw new Error("response headers over 64 KiB");
    return undefined;
  }
  const lines = new TextDecoder().decode(buf.subarray(0, end - 4)).split("\r\n");
  const m = /^HTTP\/1\.1 ([0-9]{3})/.exec(lines[0] ?? "");
  if (m === null) throw new Error("not an HTTP/1.1 response");
  const status = Number(m[1]);
  let contentLength = -1;
  let chunked = false;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-length") {
      if (!/^[0-9]+$/.test(value)) throw new Error("bad content-length");
      contentLength = Number(value);
    } else if (name === "transfer-encoding") {
      chunked = value.toLowerCase().split(",").map((s) => s.trim()).includes("chunked");
    }
  }
  if (chunked) {
    const parts: Uint8Array[] = [];
    let at = end;
    for (;;) {
      let eol = -1;
      for (let i = at + 1; i < buf.length; i++) {
        if (buf[i] === 10 && buf[i - 1] === 13) {
          eol = i + 1;
          break;
        }
      }
      if (eol < 0) return undefined;
      const sizeText = new TextDecoder().decode(buf.subarray(at, eol - 2)).split(";")[0]!.trim();
      if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new Error("bad chunk size");
      const size = parseInt(sizeText, 16);
      if (size === 0) {
        // No trailers are expected: the last chunk is followed by an empty line.
        if (buf.length < eol + 2) return undefined;
        const body = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        let o = 0;
        for (const p of parts) {
          body.set(p, o);
          o += p.length;
        }
        return { status, body, length: eol + 2 };
      }
      if (buf.length < eol + size + 2) return undefined;
      parts.push(buf.subarray(eol, eol + size));
      at = eol + size + 2;
    }
  }
  if (contentLength < 0) throw new Error("a response without content-length or chunked framing");
  if (buf.length < end + contentLength) return undefined;
  return { status, body: buf.subarray(end, end + contentLength), length: end + contentLength };
}

/**
 * Run `once` `warmup` times untimed, then `n` times, each timed from call to settled result
 * (ms).
 *
 * @example
 * ```ts
 * import { timeCalls } from "./_bench_clients.ts";
 * import assert from "node:assert/strict";
 * let calls = 0;
 * const samples = await timeCalls(() => Promise.resolve(void calls++), 2, 3);
 * assert.equal(samples.length, 3);
 * assert.equal(calls, 5);
 * ```
 */
export async function timeCalls(
  once: () => Promise<void>,
  warmup: number,
  n: number,
): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await once();
    samples.push(performance.now() - t0);
  }
  return samples;
}

/** Source of the `fetch` client worker. */
export const FETCH_BENCH_CLIENT = `${timeCalls.toString()}
self.onmessage = async (e) => {
  const { url, token, body, warmup, n } = e.data;
  const headers = { authorization: "Bearer " + token, "content-type": "application/json" };
  const once = async () => {
    const res = await fetch(url, { method: "POST", headers, body });
    const json = await res.json();
    if (!res.ok) throw new Error(json.code + " " + json.message);
  };
  try {
    self.postMessage({ samples: await timeCalls(once, warmup, n) });
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
};`;

/** Source of the `http1` client worker: sequential `POST`s over one keep-alive connection. */
export const HTTP1_BENCH_CLIENT = `${readHttp1Response.toString()}
${timeCalls.toString()}
self.onmessage = async (e) => {
  const { url, token, body, warmup, n } = e.data;
  let conn;
  try {
    const u = new URL(url);
    conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
    const enc = new TextEncoder();
    const bytes = enc.encode(body);
    const head = enc.encode("POST " + u.pathname + " HTTP/1.1\\r\\nhost: " + u.host +
      "\\r\\nauthorization: Bearer " + token + "\\r\\ncontent-type: application/json" +
      "\\r\\ncontent-length: " + bytes.length + "\\r\\n\\r\\n");
    const req = new Uint8Array(head.length + bytes.length);
    req.set(head);
    req.set(bytes, head.length);
    let buf = new Uint8Array(0);
    const chunk = new Uint8Array(65536);
    const once = async () => {
      for (let w = 0; w < req.length;) w += await conn.write(req.subarray(w));
      for (;;) {
        const r = readHttp1Response(buf);
        if (r !== undefined) {
          buf = buf.slice(r.length);
          const json = JSON.parse(new TextDecoder().decode(r.body));
          if (r.status < 200 || r.status > 299) throw new Error(json.code + " " + json.message);
          return;
        }
        const got = await conn.read(chunk);
        if (got === null) throw new Error("the node closed the connection");
        const next = new Uint8Array(buf.length + got);
        next.set(buf);
        next.set(chunk.subarray(0, got), buf.length);
        buf = next;
      }
    };
    self.postMessage({ samples: await timeCalls(once, warmup, n) });
  } catch (err) {
    self.postMessage({ error: String(err) });
  } finally {
    try { conn?.close(); } catch { /* closed */ }
  }
};`;
