// What a Deno KV write may hold, and writes of many mutations in atomic
// operations that fit it. Private to the library.

import { commitAtomic, type DenoKvKey, type DenoKvLike } from "./kv.ts";

/** Mutations per atomic operation: KV allows 1000, one is the version. */
export const MAX_MUTATIONS = 999;
/** KV allows 800 KiB of keys and values per atomic operation. */
export const MAX_BYTES = 512 * 1024;
/** Deno KV's largest key (for a write) and value, in bytes. */
export const KEY_LIMIT = 2048;
export const VALUE_LIMIT = 65536;

/** One change of an atomic operation; `value: undefined` deletes. */
export interface Mutation {
  readonly key: DenoKvKey;
  readonly value: unknown;
}

const utf8 = new TextEncoder();

/** The UTF-8 length of a text. */
export function bytesOf(text: string): number {
  return utf8.encode(text).length;
}

/**
 * The size of a key as Deno KV encodes it: a text or bytes part is a tag,
 * its bytes (each NUL escaped by one more byte) and a NUL; a number is a
 * tag and 8 bytes. Exact for texts, numbers and bytes.
 */
export function keySize(key: DenoKvKey): number {
  let n = 0;
  for (const part of key) {
    if (typeof part === "string" || part instanceof Uint8Array) {
      const b = typeof part === "string" ? utf8.encode(part) : part;
      n += 2 + b.length;
      for (const x of b) if (x === 0) n++;
    } else if (typeof part === "number") n += 9;
    else if (typeof part === "boolean") n += 1;
    else n += 18; // a bigint (at most 64 bits here) or a symbol
  }
  return n;
}

/** A generous guess of the serialized size of a value. */
function valueSize(v: unknown): number {
  if (v instanceof Uint8Array) return 8 + v.length;
  if (typeof v === "string") return 8 + v.length * 3;
  if (Array.isArray(v)) {
    let n = 8;
    for (const x of v) n += valueSize(x);
    return n;
  }
  if (typeof v === "object" && v !== null) {
    let n = 8;
    for (const [k, x] of Object.entries(v)) n += k.length + valueSize(x);
    return n;
  }
  return 16;
}

/** A generous guess of the size of a mutation: its key and its value. */
export function sizeOf(key: DenoKvKey, value: unknown): number {
  return 16 + keySize(key) + (value === undefined ? 0 : valueSize(value));
}

/**
 * Writes mutations in order, in atomic operations of at most 1000
 * mutations and 512 KiB: each operation is all or nothing, the whole is
 * not. A pair of mutations that must go together is never split when
 * `group` (mutations per item) divides every run.
 */
export async function writeInChunks(
  kv: DenoKvLike,
  mutations: readonly Mutation[],
  group = 1,
): Promise<void> {
  let i = 0;
  while (i < mutations.length) {
    let n = 0;
    let bytes = 0;
    while (i + n < mutations.length && n + group <= 1000) {
      let more = 0;
      for (let g = 0; g < group && i + n + g < mutations.length; g++) {
        const m = mutations[i + n + g]!;
        more += sizeOf(m.key, m.value);
      }
      if (n > 0 && bytes + more > MAX_BYTES) break;
      bytes += more;
      n += group;
    }
    const run = mutations.slice(i, i + n);
    await commitAtomic(() => {
      const op = kv.atomic();
      for (const m of run) {
        if (m.value === undefined) op.delete(m.key);
        else op.set(m.key, m.value);
      }
      return op;
    });
    i += n;
  }
}
