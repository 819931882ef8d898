/**
 * `fcp manifest lint PATH` and `fcp manifest fix PATH [--check]`: check a connector manifest
 * (spec §11.1) and fill its interface hash and safe defaults.
 *
 * @module
 */
import { FcpError } from "../../core/mod.ts";
import { fixManifest, formatProblem, lintManifest, type ManifestProblem } from "../../host/mod.ts";
import type { CliCommand, CommandContext } from "../types.ts";

async function manifestPath(arg: string): Promise<string> {
  try {
    const st = await Deno.stat(arg);
    return st.isDirectory ? `${arg.replace(/[\\/]+$/, "")}/manifest.toml` : arg;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new FcpError("FCP-6001", `no such file: ${arg}`, { cause: e });
    }
    throw new FcpError("FCP-9002", `cannot stat ${arg}`, { cause: e });
  }
}

async function readManifest(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new FcpError("FCP-6001", `no such file: ${path}`, { cause: e });
    }
    throw new FcpError("FCP-9002", `cannot read ${path}`, { cause: e });
  }
}

function problemJson(p: ManifestProblem): Record<string, unknown> {
  return {
    line: p.line,
    ...(p.column === undefined ? {} : { column: p.column }),
    severity: p.severity,
    code: p.code,
    message: p.message,
    key: p.path,
    fixable: p.fixable,
  };
}

function counts(problems: readonly ManifestProblem[]) {
  const errors = problems.filter((p) => p.severity === "error").length;
  return { errors, warnings: problems.length - errors };
}

function printProblems(ctx: CommandContext, path: string, problems: readonly ManifestProblem[]) {
  for (const p of problems) ctx.out(formatProblem(path, p));
  const { errors, warnings } = counts(problems);
  ctx.err(`${path}: ${errors} error(s), ${warnings} warning(s)`);
}

/** `fcp manifest lint PATH`. */
export const manifestLint: CliCommand = {
  path: ["manifest", "lint"],
  summary: "Check a connector manifest and print every problem with its line",
  usage: "fcp manifest lint PATH [--json]",
  description: [
    "Prints each problem as PATH:LINE: code message (warnings are marked). Exit 1 when there",
    "is an error; warnings do not fail. PATH is a manifest.toml or a connector folder.",
  ].join("\n"),
  args: [{ name: "PATH", description: "manifest.toml, or a folder holding one" }],
  async run(ctx) {
    const path = await manifestPath(ctx.positionals[0]!);
    const r = lintManifest(await readManifest(path));
    const { errors, warnings } = counts(r.problems);
    if (ctx.json) {
      ctx.printJson({
        path,
        ok: errors === 0,
        errors,
        warnings,
        ...(r.manifest === undefined ? {} : { connector_id: r.manifest.id }),
        ...(r.computedInterfaceHash === undefined
          ? {}
          : { interface_hash: r.computedInterfaceHash }),
        problems: r.problems.map(problemJson),
      });
    } else {
      printProblems(ctx, path, r.problems);
    }
    return errors > 0 ? 1 : 0;
  },
};

/** `fcp manifest fix PATH [--check]`. */
export const manifestFix: CliCommand = {
  path: ["manifest", "fix"],
  summary: "Fill a manifest's interface hash and safe defaults (--check: only report)",
  usage: "fcp manifest fix PATH [--check] [--json]",
  description: [
    "Fills interface_hash, adds system.exec to capabilities.forbidden, a strict [sandbox]",
    "with default limits and missing network limits, keeping comments and layout. With",
    "--check nothing is written and the exit code is 1 when the file would change (for CI).",
    "Either way the exit code is 1 while errors remain that need a manual fix.",
  ].join("\n"),
  args: [{ name: "PATH", description: "manifest.toml, or a folder holding one" }],
  options: {
    check: {
      type: "boolean",
      description: "do not write; exit 1 if the file would change or has errors",
    },
  },
  async run(ctx) {
    const path = await manifestPath(ctx.positionals[0]!);
    const before = await readManifest(path);
    const r = fixManifest(before);
    const check = ctx.flag("check");
    if (r.changed && !check) {
      try {
        await Deno.writeTextFile(path, r.text);
      } catch (e) {
        throw new FcpError("FCP-9002", `cannot write ${path}`, { cause: e });
      }
    }
    const remaining = r.lint.problems;
    const { errors, warnings } = counts(remaining);
    if (ctx.json) {
      ctx.printJson({
        path,
        changed: r.changed,
        written: r.changed && !check,
        applied: r.applied,
        errors,
        warnings,
        problems: remaining.map(problemJson),
      });
    } else {
      const verb = check ? "would apply" : "applied";
      for (const a of r.applied) ctx.out(`${path}: ${verb}: ${a}`);
      if (!r.changed) ctx.out(`${path}: nothing to fix`);
      printProblems(ctx, path, remaining);
    }
    // --check fails on a file that would change and on problems a fix cannot mend.
    return (check && r.changed) || errors > 0 ? 1 : 0;
  },
};
