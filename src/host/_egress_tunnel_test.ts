import assert from "node:assert/strict";
import { EgressTunnel, type TunnelTicket } from "./_egress_tunnel.ts";

/** A loopback echo server that reports each connection's first bytes. */
function echoServer() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const loop = (async () => {
    for await (const c of listener) {
      conns.push(c);
      (async () => {
        const buf = new Uint8Array(1024);
        try {
          while (true) {
            const n = await c.read(buf);
            if (n === null) break;
            await c.write(buf.subarray(0, n));
          }
        } catch { /* closed */ }
        try {
          c.close();
        } catch { /* closed */ }
      })();
    }
  })();
  return {
    port: listener.addr.port,
    async close() {
      listener.close();
      await loop;
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
    },
  };
}

async function readN(conn: Deno.Conn, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await conn.read(out.subarray(got));
    if (r === null) break;
    got += r;
  }
  return out.subarray(0, got);
}

function domainRequest(host: string, port: number, cmd = 1): Uint8Array {
  const name = new TextEncoder().encode(host);
  return new Uint8Array([5, cmd, 0, 3, name.length, ...name, port >> 8, port & 0xff]);
}

function auth(user: string, pass: string): Uint8Array {
  const u = new TextEncoder().encode(user);
  const p = new TextEncoder().encode(pass);
  return new Uint8Array([1, u.length, ...u, p.length, ...p]);
}

/** Run a SOCKS5 exchange; returns the auth status and (if authenticated) the reply code. */
async function socks(
  tunnel: EgressTunnel,
  user: string,
  pass: string,
  request: Uint8Array,
  after?: (c: Deno.Conn) => Promise<void>,
): Promise<{ auth: number; reply?: number }> {
  const c = await Deno.connect({ hostname: "127.0.0.1", port: tunnel.port });
  try {
    await c.write(new Uint8Array([5, 1, 2]));
    assert.deepEqual([...await readN(c, 2)], [5, 2]);
    await c.write(auth(user, pass));
    const a = await readN(c, 2);
    if (a[1] !== 0) return { auth: a[1]! };
    await c.write(request);
    const r = await readN(c, 10);
    if (r[1] === 0 && after !== undefined) await after(c);
    return { auth: 0, reply: r[1]! };
  } finally {
    c.close();
  }
}

function ticketFor(tunnel: EgressTunnel, port: number, host = "api.test"): TunnelTicket {
  return tunnel.issue({ host, port, addresses: ["127.0.0.1"], connectTimeoutMs: 2000 });
}

Deno.test("tunnel: a valid ticket connects to the vetted address, not the requested name", async () => {
  const echo = echoServer();
  const tunnel = EgressTunnel.start();
  try {
    const t = ticketFor(tunnel, echo.port);
    const res = await socks(
      tunnel,
      t.username,
      t.password,
      domainRequest("api.test", echo.port),
      async (c) => {
        await c.write(new TextEncoder().encode("ping"));
        assert.equal(new TextDecoder().decode(await readN(c, 4)), "ping");
      },
    );
    assert.deepEqual(res, { auth: 0, reply: 0 });
    assert.deepEqual(t.outcome(), { kind: "connected", address: "127.0.0.1" });
  } finally {
    await tunnel.close();
    await echo.close();
  }
});

Deno.test("tunnel refuses clients without the ticket, reused tickets and other targets", async () => {
  const echo = echoServer();
  const tunnel = EgressTunnel.start();
  try {
    // no username/password method offered
    const c = await Deno.connect({ hostname: "127.0.0.1", port: tunnel.port });
    await c.write(new Uint8Array([5, 1, 0]));
    assert.deepEqual([...await readN(c, 2)], [5, 0xff]);
    assert.equal((await readN(c, 1)).length, 0, "disconnected");
    c.close();

    const t = ticketFor(tunnel, echo.port);
    const req = domainRequest("api.test", echo.port);
    assert.deepEqual(await socks(tunnel, "nobody", t.password, req), { auth: 1 });
    assert.deepEqual(await socks(tunnel, t.username, "wrong", req), { auth: 1 });
    // another host, another port, an IP for a name ticket, BIND instead of CONNECT
    for (
      const [bad, code] of [
        [domainRequest("evil.test", echo.port), 2],
        [domainRequest("api.test", echo.port + 1), 2],
        [new Uint8Array([5, 1, 0, 1, 127, 0, 0, 1, echo.port >> 8, echo.port & 0xff]), 2],
        [domainRequest("api.test", echo.port, 2), 7],
      ] as const
    ) {
      const fresh = ticketFor(tunnel, echo.port);
      assert.deepEqual(await socks(tunnel, fresh.username, fresh.password, bad), {
        auth: 0,
        reply: code,
      });
      assert.equal(fresh.outcome().kind, "refused");
    }
    // one-time: the first use consumes the ticket
    assert.deepEqual(await socks(tunnel, t.username, t.password, req), { auth: 0, reply: 0 });
    assert.deepEqual(await socks(tunnel, t.username, t.password, req), { auth: 1 });
    // revoked before use
    const r = ticketFor(tunnel, echo.port);
    r.revoke();
    assert.deepEqual(await socks(tunnel, r.username, r.password, req), { auth: 1 });
  } finally {
    await tunnel.close();
    await echo.close();
  }
});

Deno.test("tunnel reports an unreachable target", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  const tunnel = EgressTunnel.start();
  try {
    const t = ticketFor(tunnel, port);
    assert.deepEqual(await socks(tunnel, t.username, t.password, domainRequest("api.test", port)), {
      auth: 0,
      reply: 5,
    });
    assert.equal(t.outcome().kind, "unreachable");
  } finally {
    await tunnel.close();
  }
});

Deno.test("tunnel.close closes open tunnels and stops issuing", async () => {
  const echo = echoServer();
  const tunnel = EgressTunnel.start();
  const t = ticketFor(tunnel, echo.port);
  const c = await Deno.connect({ hostname: "127.0.0.1", port: tunnel.port });
  await c.write(new Uint8Array([5, 1, 2]));
  await readN(c, 2);
  await c.write(auth(t.username, t.password));
  await readN(c, 2);
  await c.write(domainRequest("api.test", echo.port));
  assert.equal((await readN(c, 10))[1], 0);
  await tunnel.close();
  assert.equal((await readN(c, 1)).length, 0, "the tunnel was closed");
  c.close();
  assert.throws(() => ticketFor(tunnel, echo.port), /FCP-9001/);
  await echo.close();
});
