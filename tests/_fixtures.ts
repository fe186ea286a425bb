// Test helpers: fixture paths, a JSON reader that keeps integers beyond
// 2^53 exact (as bigint), since the vectors hold 64-bit access hashes, the
// runtime at hand, and suites skipped with a reason.

import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

/** Absolute path of a file under tests/fixtures. */
export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(`./fixtures/${relative}`, import.meta.url));
}

/**
 * Parses JSON; integer literals outside the safe range become bigint.
 * Walks the text once, quoting such literals with a marker the reviver
 * turns back into bigint.
 */
export function parseJsonExact(text: string): unknown {
  const MARK = "\u0000bigint:";
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64))!;
      const lit = m[0];
      const isBig = m[1] === undefined && m[2] === undefined &&
        !Number.isSafeInteger(Number(lit));
      out += isBig ? JSON.stringify(MARK + lit) : lit;
      i += lit.length;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(
    out,
    (_k, v) =>
      typeof v === "string" && v.startsWith(MARK)
        ? BigInt(v.slice(MARK.length))
        : v,
  );
}

/** Reads a manifest (or any JSON fixture) with exact integers. */
// deno-lint-ignore no-explicit-any
export function loadFixtureJson(relative: string): any {
  return parseJsonExact(readFileSync(fixturePath(relative), "utf8"));
}

/** Bytes from hex. */
export function hex(text: string): Uint8Array {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  }
  return out;
}

/** Hex from bytes. */
export function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Which runtime runs the tests. */
export const runtime: "deno" | "bun" | "node" = "Deno" in globalThis
  ? "deno"
  : "Bun" in globalThis
  ? "bun"
  : "node";

/**
 * A describe block, or (when `skip` says why not) one skipped test that
 * says why, so that a skipped backend shows in every runtime's counts.
 */
export function describeOrSkip(
  name: string,
  skip: string | false,
  fn: () => void,
): void {
  if (skip) it(name, { skip }, () => {});
  else describe(name, fn);
}
