// A page whose tests must all fail: proves that the node:test and
// node:assert shims report what does not hold (a runner that cannot fail
// checks nothing).

import assert from "node:assert/strict";
import { describe, it, run } from "./_node_test.ts";

describe("shims", () => {
  it("equal: a bigint is not a number", () => assert.equal(1n, 1));
  it("deepEqual: bytes differ", () =>
    assert.deepEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])));
  it("deepEqual: a missing key", () =>
    assert.deepEqual({ a: 1 }, { a: 1, b: undefined }));
  it("deepEqual: prototypes differ", () =>
    assert.deepEqual(new Uint8Array([1]), [1] as unknown as Uint8Array));
  it("rejects: a promise that resolves", () =>
    assert.rejects(Promise.resolve(1)));
  it("rejects: the wrong class", () =>
    assert.rejects(Promise.reject(new Error("x")), TypeError));
  it("throws: nothing thrown", () => assert.throws(() => {}));
  it("match: no match", () => assert.match("abc", /d/));
  it("an async test that throws later", async () => {
    await new Promise((r) => setTimeout(r, 1));
    throw new Error("late");
  });
});

(globalThis as { __mtsessionDone?: unknown }).__mtsessionDone = await run();
