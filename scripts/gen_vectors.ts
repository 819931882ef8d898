/**
 * `deno task vectors`: rewrite the project's golden vectors in `vectors/` from
 * `src/conformance/golden.ts`. With `--check`, only compare and exit 1 on a difference.
 *
 * @module
 */
import { goldenFileText, goldenVectorFiles } from "../src/conformance/golden.ts";

const dir = new URL("../vectors/", import.meta.url);
const check = Deno.args.includes("--check");
let differ = 0;
for (const [name, file] of Object.entries(goldenVectorFiles())) {
  const url = new URL(name, dir);
  const text = goldenFileText(file);
  let old = "";
  try {
    old = await Deno.readTextFile(url);
  } catch {
    // a new file
  }
  if (old === text) continue;
  differ++;
  if (check) {
    console.error(`vectors/${name} differs from what the code produces`);
  } else {
    await Deno.writeTextFile(url, text);
    console.log(`wrote vectors/${name} (${file.vectors.length} vectors)`);
  }
}
if (check && differ > 0) Deno.exit(1);
if (!check && differ === 0) console.log("vectors/ is up to date");
