import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { manifestDrift, missingExports } from "../scripts/check_manifest.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const read = (f: string) => JSON.parse(readFileSync(`${root}/${f}`, "utf8"));

describe("deno.json and jsr.json", () => {
  it("agree on name, version, exports and publish lists", () => {
    assert.deepEqual(manifestDrift(read("deno.json"), read("jsr.json")), []);
    assert.deepEqual(missingExports(read("deno.json"), root), []);
  });

  it("the check notices drift and missing files", () => {
    const deno = read("deno.json");
    const drifted = {
      ...read("jsr.json"),
      version: "9.9.9",
      exports: { ".": "./nope.ts" },
    };
    const problems = manifestDrift(deno, drifted);
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /version/);
    assert.deepEqual(missingExports(drifted, root), [
      "export target ./nope.ts does not exist",
    ]);
  });
});
