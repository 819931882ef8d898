import assert from "node:assert/strict";
import { type Schema, Validator } from "@cfworker/json-schema";
import { fsConnector as CONNECTOR } from "./operations.ts";
import { FS_SCHEMAS as SCHEMAS } from "./schemas.ts";
import { createTestContext } from "../_sdk/testing.ts";
import { type ConnectorContext, invokeOperation, isOperationError } from "../_sdk/mod.ts";
import type { StableCode } from "../_sdk/mod.ts";

type Out = Record<string, unknown>;

/** Invoke; a call that succeeds must have had a schema-valid input and give a schema-valid output. */
async function checked(name: string, input: unknown, ctx: ConnectorContext): Promise<unknown> {
  const schemas = (SCHEMAS as Record<string, { input: unknown; output: unknown }>)[name];
  const out = await invokeOperation(CONNECTOR, name, input, ctx);
  assert.ok(schemas, `no schema for ${name}`);
  const i = new Validator(schemas.input as Schema, "2020-12").validate(input);
  assert.ok(
    i.valid,
    `${name} input accepted by the code but not the schema: ${JSON.stringify(i.errors)}`,
  );
  const o = new Validator(schemas.output as Schema, "2020-12").validate(out);
  assert.ok(o.valid, `${name} output does not match its schema: ${JSON.stringify(o.errors)}`);
  return out;
}

function op(name: string, input: unknown, ctx: ConnectorContext): Promise<Out> {
  return checked(name, input, ctx) as Promise<Out>;
}

function code(c: StableCode) {
  return (e: unknown) => isOperationError(e, c);
}

/** A granted root and, beside it, a directory that is not granted. */
async function setup() {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "fcp_fs_" }));
  const root = `${base}/root`;
  const outside = `${base}/outside`;
  const ro = `${base}/readonly`;
  await Deno.mkdir(root);
  await Deno.mkdir(outside);
  await Deno.mkdir(ro);
  await Deno.writeTextFile(`${outside}/secret.txt`, "top secret");
  await Deno.writeTextFile(`${ro}/notes.txt`, "read me");
  const ctx = createTestContext({ read: [root, ro], write: [root] });
  return {
    base,
    root,
    outside,
    ro,
    ctx,
    [Symbol.asyncDispose]: () => Deno.remove(base, { recursive: true }),
  };
}

Deno.test("fs: write, read, list and delete inside a granted root", async () => {
  await using t = await setup();
  const w = await op("fs_write", { path: `${t.root}/a.txt`, content: "h\u00e9llo" }, t.ctx);
  assert.deepEqual(w, { path: `${t.root}/a.txt`, bytes_written: 6, created: true });
  const r = await op("fs_read", { path: `${t.root}/a.txt` }, t.ctx);
  assert.deepEqual(r, {
    path: `${t.root}/a.txt`,
    size: 6,
    encoding: "utf8",
    content: "h\u00e9llo",
    truncated: false,
  });
  await Deno.mkdir(`${t.root}/sub`);
  await Deno.writeTextFile(`${t.root}/.hidden`, "x");
  const l = await op("fs_list", { path: t.root }, t.ctx);
  const entries = l.entries as { name: string; type: string; size: number; modified: string }[];
  assert.deepEqual(entries.map((e) => [e.name, e.type]), [
    [".hidden", "file"],
    ["a.txt", "file"],
    ["sub", "directory"],
  ]);
  assert.equal(entries[1]?.size, 6);
  assert.ok(!Number.isNaN(Date.parse(entries[1]?.modified ?? "")));
  const noHidden = await op(
    "fs_list",
    { path: t.root, include_hidden: false, max_entries: 1 },
    t.ctx,
  );
  assert.deepEqual((noHidden.entries as { name: string }[]).map((e) => e.name), ["a.txt"]);
  assert.equal(noHidden.truncated, true);
  const d = await op("fs_delete", { path: `${t.root}/a.txt` }, t.ctx);
  assert.deepEqual(d, { path: `${t.root}/a.txt`, deleted: true, type: "file" });
  await assert.rejects(Deno.stat(`${t.root}/a.txt`), Deno.errors.NotFound);
});

Deno.test("fs: relative paths are taken against the first root of the operation's kind", async () => {
  await using t = await setup();
  await op("fs_write", { path: "rel.txt", content: "w" }, t.ctx);
  assert.equal(await Deno.readTextFile(`${t.root}/rel.txt`), "w");
  // reads: the first read root
  const roFirst = createTestContext({ read: [t.ro, t.root], write: [t.root] });
  const r = await op("fs_read", { path: "notes.txt" }, roFirst);
  assert.equal(r.content, "read me");
  assert.equal(r.path, `${t.ro}/notes.txt`);
});

Deno.test("fs: `..` segments are refused with FCP-3003, even when they would stay inside", async () => {
  await using t = await setup();
  for (const path of ["../outside/secret.txt", `${t.root}/../outside/secret.txt`, "a/../b.txt"]) {
    await assert.rejects(op("fs_read", { path }, t.ctx), code("FCP-3003"), path);
    await assert.rejects(op("fs_write", { path, content: "x" }, t.ctx), code("FCP-3003"), path);
    await assert.rejects(op("fs_delete", { path }, t.ctx), code("FCP-3003"), path);
  }
  assert.equal(await Deno.readTextFile(`${t.outside}/secret.txt`), "top secret");
});

Deno.test("fs: absolute paths outside the roots are refused with FCP-3003", async () => {
  await using t = await setup();
  await assert.rejects(op("fs_read", { path: `${t.outside}/secret.txt` }, t.ctx), code("FCP-3003"));
  await assert.rejects(op("fs_list", { path: t.outside }, t.ctx), code("FCP-3003"));
  await assert.rejects(op("fs_list", { path: "/" }, t.ctx), code("FCP-3003"));
  await assert.rejects(
    op("fs_write", { path: `${t.outside}/new.txt`, content: "x" }, t.ctx),
    code("FCP-3003"),
  );
  await assert.rejects(
    op("fs_delete", { path: `${t.outside}/secret.txt` }, t.ctx),
    code("FCP-3003"),
  );
  // a sibling whose name starts with the root's name is not inside it
  await Deno.mkdir(`${t.root}2`);
  await Deno.writeTextFile(`${t.root}2/x.txt`, "x");
  await assert.rejects(op("fs_read", { path: `${t.root}2/x.txt` }, t.ctx), code("FCP-3003"));
  assert.equal(await Deno.readTextFile(`${t.outside}/secret.txt`), "top secret");
});

Deno.test("fs: a read root is not writable", async () => {
  await using t = await setup();
  await assert.rejects(
    op("fs_write", { path: `${t.ro}/notes.txt`, content: "x" }, t.ctx),
    code("FCP-3003"),
  );
  await assert.rejects(op("fs_delete", { path: `${t.ro}/notes.txt` }, t.ctx), code("FCP-3003"));
  assert.equal(await Deno.readTextFile(`${t.ro}/notes.txt`), "read me");
});

Deno.test("fs: no granted directory means every path is refused", async () => {
  const ctx = createTestContext();
  await assert.rejects(op("fs_read", { path: "/etc/hostname" }, ctx), code("FCP-3003"));
  await assert.rejects(op("fs_list", { path: "x" }, ctx), code("FCP-3003"));
});

Deno.test("fs: symlinks pointing outside the roots are refused (FCP-3003)", async () => {
  await using t = await setup();
  await Deno.symlink(t.outside, `${t.root}/dirlink`);
  await Deno.symlink(`${t.outside}/secret.txt`, `${t.root}/filelink`);
  await Deno.symlink(`${t.outside}/not-yet.txt`, `${t.root}/dangling`);
  await assert.rejects(op("fs_read", { path: "dirlink/secret.txt" }, t.ctx), code("FCP-3003"));
  await assert.rejects(op("fs_list", { path: "dirlink" }, t.ctx), code("FCP-3003"));
  await assert.rejects(op("fs_read", { path: "filelink" }, t.ctx), code("FCP-3003"));
  await assert.rejects(
    op("fs_write", { path: "filelink", content: "pwned" }, t.ctx),
    code("FCP-3003"),
  );
  await assert.rejects(
    op("fs_write", { path: "dirlink/new.txt", content: "pwned" }, t.ctx),
    code("FCP-3003"),
  );
  await assert.rejects(
    op("fs_write", { path: "dangling", content: "pwned" }, t.ctx),
    code("FCP-3003"),
  );
  await assert.rejects(
    op("fs_write", { path: "dirlink/a/b.txt", content: "x", make_parents: true }, t.ctx),
    code("FCP-3003"),
  );
  await assert.rejects(op("fs_delete", { path: "dirlink/secret.txt" }, t.ctx), code("FCP-3003"));
  // make_parents never creates through a dangling symlink
  await Deno.symlink(`${t.outside}/made`, `${t.root}/dangdir`);
  await assert.rejects(
    op("fs_write", { path: "dangdir/x/f.txt", content: "x", make_parents: true }, t.ctx),
    code("FCP-3003"),
  );
  await assert.rejects(Deno.lstat(`${t.outside}/made`), Deno.errors.NotFound);
  assert.equal(await Deno.readTextFile(`${t.outside}/secret.txt`), "top secret");
  await assert.rejects(Deno.lstat(`${t.outside}/not-yet.txt`), Deno.errors.NotFound);
  await assert.rejects(Deno.lstat(`${t.outside}/new.txt`), Deno.errors.NotFound);
  await assert.rejects(Deno.lstat(`${t.outside}/a`), Deno.errors.NotFound);
  // deleting the link removes the link, not what it points to
  const d = await op("fs_delete", { path: "dirlink", recursive: true }, t.ctx);
  assert.equal(d.type, "symlink");
  assert.equal(await Deno.readTextFile(`${t.outside}/secret.txt`), "top secret");
});

Deno.test("fs: symlinks that stay inside a root are followed", async () => {
  await using t = await setup();
  await Deno.mkdir(`${t.root}/real`);
  await Deno.writeTextFile(`${t.root}/real/f.txt`, "inside");
  await Deno.symlink(`${t.root}/real`, `${t.root}/alias`);
  const r = await op("fs_read", { path: "alias/f.txt" }, t.ctx);
  assert.equal(r.content, "inside");
  assert.equal(r.path, `${t.root}/real/f.txt`);
  const w = await op("fs_write", { path: "alias/g.txt", content: "g" }, t.ctx);
  assert.equal(w.path, `${t.root}/real/g.txt`);
  // a root given through a symlink still confines to its target
  await Deno.symlink(t.root, `${t.base}/rootlink`);
  const ctx = createTestContext({ write: [`${t.base}/rootlink`] });
  const r2 = await op("fs_read", { path: `${t.base}/rootlink/real/f.txt` }, ctx);
  assert.equal(r2.content, "inside");
  await assert.rejects(op("fs_read", { path: `${t.outside}/secret.txt` }, ctx), code("FCP-3003"));
});

Deno.test("fs: a hard link to a file is not written through", async () => {
  await using t = await setup();
  await Deno.link(`${t.outside}/secret.txt`, `${t.root}/hard.txt`);
  await assert.rejects(
    op("fs_write", { path: "hard.txt", content: "pwned" }, t.ctx),
    code("FCP-3003"),
  );
  assert.equal(await Deno.readTextFile(`${t.outside}/secret.txt`), "top secret");
});

Deno.test("fs: reads above max_bytes are refused (FCP-6002) or truncated on request", async () => {
  await using t = await setup();
  await Deno.writeTextFile(`${t.root}/big.txt`, "0123456789".repeat(10));
  await assert.rejects(
    op("fs_read", { path: "big.txt", max_bytes: 10 }, t.ctx),
    (e) => isOperationError(e, "FCP-6002") && e.details?.size === 100,
  );
  const r = await op("fs_read", { path: "big.txt", max_bytes: 10, truncate: true }, t.ctx);
  assert.deepEqual([r.content, r.truncated, r.size], ["0123456789", true, 100]);
  const exact = await op("fs_read", { path: "big.txt", max_bytes: 100 }, t.ctx);
  assert.equal(exact.truncated, false);
  // the default limit is 1 MiB
  await Deno.writeFile(`${t.root}/mib.bin`, new Uint8Array(1024 * 1024 + 1));
  await assert.rejects(
    op("fs_read", { path: "mib.bin", encoding: "base64" }, t.ctx),
    code("FCP-6002"),
  );
  await assert.rejects(
    op("fs_read", { path: "big.txt", max_bytes: 16 * 1024 * 1024 + 1 }, t.ctx),
    code("FCP-1040"),
  );
});

Deno.test("fs: truncation never splits a UTF-8 character; invalid UTF-8 needs base64", async () => {
  await using t = await setup();
  await Deno.writeTextFile(`${t.root}/u.txt`, "a\u00e9b");
  const r = await op("fs_read", { path: "u.txt", max_bytes: 2, truncate: true }, t.ctx);
  assert.equal(r.content, "a");
  await Deno.writeFile(`${t.root}/bin`, new Uint8Array([0xff, 0x00, 0x80]));
  await assert.rejects(op("fs_read", { path: "bin" }, t.ctx), code("FCP-1040"));
  const b = await op("fs_read", { path: "bin", encoding: "base64" }, t.ctx);
  assert.equal(b.content, "/wCA");
});

Deno.test("fs: base64 writes, modes create/overwrite/append, file_mode and make_parents", async () => {
  await using t = await setup();
  const w = await op("fs_write", { path: "b.bin", content: "/wCA", encoding: "base64" }, t.ctx);
  assert.equal(w.bytes_written, 3);
  assert.deepEqual(await Deno.readFile(`${t.root}/b.bin`), new Uint8Array([0xff, 0, 0x80]));
  await assert.rejects(
    op("fs_write", { path: "b.bin", content: "x", mode: "create" }, t.ctx),
    code("FCP-6004"),
  );
  await assert.rejects(
    op("fs_write", { path: "c.bin", content: "abc", encoding: "base64" }, t.ctx),
    code("FCP-1040"),
  );
  const o = await op("fs_write", { path: "b.bin", content: "one" }, t.ctx);
  assert.equal(o.created, false);
  await op("fs_write", { path: "b.bin", content: "+two", mode: "append" }, t.ctx);
  assert.equal(await Deno.readTextFile(`${t.root}/b.bin`), "one+two");
  await op("fs_write", { path: "m.txt", content: "", mode: "create", file_mode: 0o600 }, t.ctx);
  assert.equal((await Deno.stat(`${t.root}/m.txt`)).mode! & 0o777, 0o600);
  await assert.rejects(
    op("fs_write", { path: "x/y/z.txt", content: "z" }, t.ctx),
    code("FCP-6001"),
  );
  const deep = await op("fs_write", { path: "x/y/z.txt", content: "z", make_parents: true }, t.ctx);
  assert.equal(deep.path, `${t.root}/x/y/z.txt`);
  assert.equal(await Deno.readTextFile(`${t.root}/x/y/z.txt`), "z");
  await Deno.mkdir(`${t.root}/dir`);
  await assert.rejects(op("fs_write", { path: "dir", content: "x" }, t.ctx), code("FCP-1040"));
  await assert.rejects(op("fs_write", { path: "q.txt" }, t.ctx), code("FCP-1040"));
});

Deno.test("fs: delete needs recursive for directories and never removes a root", async () => {
  await using t = await setup();
  await Deno.mkdir(`${t.root}/d/e`, { recursive: true });
  await Deno.writeTextFile(`${t.root}/d/e/f.txt`, "f");
  await assert.rejects(op("fs_delete", { path: "d" }, t.ctx), code("FCP-1040"));
  assert.ok((await Deno.stat(`${t.root}/d/e/f.txt`)).isFile);
  const d = await op("fs_delete", { path: "d", recursive: true }, t.ctx);
  assert.equal(d.type, "directory");
  await assert.rejects(Deno.stat(`${t.root}/d`), Deno.errors.NotFound);
  await assert.rejects(op("fs_delete", { path: t.root, recursive: true }, t.ctx), code("FCP-3003"));
  await assert.rejects(
    op("fs_delete", { path: `${t.root}/`, recursive: true }, t.ctx),
    code("FCP-3003"),
  );
  await assert.rejects(op("fs_delete", { path: "gone.txt" }, t.ctx), code("FCP-6001"));
  assert.ok((await Deno.stat(t.root)).isDirectory);
});

Deno.test("fs: missing paths are FCP-6001; wrong kinds and bad input are FCP-1040", async () => {
  await using t = await setup();
  await assert.rejects(op("fs_read", { path: "nope.txt" }, t.ctx), code("FCP-6001"));
  await assert.rejects(op("fs_list", { path: "nope" }, t.ctx), code("FCP-6001"));
  await Deno.mkdir(`${t.root}/dir`);
  await assert.rejects(op("fs_read", { path: "dir" }, t.ctx), code("FCP-1040"));
  await Deno.writeTextFile(`${t.root}/f`, "f");
  await assert.rejects(op("fs_list", { path: "f" }, t.ctx), code("FCP-1040"));
  await assert.rejects(op("fs_read", { path: "" }, t.ctx), code("FCP-1040"));
  await assert.rejects(op("fs_read", { path: "f", extra: 1 }, t.ctx), code("FCP-1040"));
  await assert.rejects(op("fs_read", { path: 7 }, t.ctx), code("FCP-1040"));
  await assert.rejects(op("fs_read", "f", t.ctx), code("FCP-1040"));
  await assert.rejects(op("fs_read", { path: "f\0x" }, t.ctx), code("FCP-1040"));
  await assert.rejects(op("fs_chmod", { path: "f" }, t.ctx), code("FCP-1040"));
});

Deno.test("fs: health reports missing roots", async () => {
  await using t = await setup();
  assert.deepEqual(await CONNECTOR.health!(t.ctx), { ok: true });
  const missing = createTestContext({ read: [`${t.base}/nope`] });
  assert.equal((await CONNECTOR.health!(missing)).ok, false);
  assert.equal((await CONNECTOR.health!(createTestContext())).ok, false);
});
