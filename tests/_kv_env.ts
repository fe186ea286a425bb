// Deno KV test helpers: whether Deno KV is here, Deno.openKv typed
// without Deno's global types (this file also loads on Node and Bun), and
// a wrapper that counts the mutations of each atomic commit.

import type {
  DenoKvAtomicOperation,
  DenoKvKey,
  DenoKvLike,
} from "../adapters/deno_kv.ts";
import { runtime } from "./_fixtures.ts";

/** Why the Deno KV tests are skipped, or `false` when they run. */
export const KV_SKIP: string | false = runtime !== "deno"
  ? `Deno KV runs on Deno only (this is ${runtime})`
  : typeof (globalThis as { Deno?: { openKv?: unknown } }).Deno?.openKv !==
      "function"
  ? "Deno.openKv needs --unstable-kv"
  : false;

/** Opens a KV database (a temporary in-memory one by default). */
export function openKv(path = ":memory:"): Promise<DenoKvLike> {
  const deno = (globalThis as {
    Deno?: { openKv(path?: string): Promise<DenoKvLike> };
  }).Deno;
  if (!deno) throw new Error("Deno KV needs Deno");
  return deno.openKv(path);
}

/** A KV database that counts commits and their mutations. */
export function countingKv(kv: DenoKvLike): {
  kv: DenoKvLike;
  commits(): number;
  conflicts(): number;
  maxMutations(): number;
} {
  let commits = 0;
  let conflicts = 0;
  let most = 0;
  const wrapped: DenoKvLike = {
    get: (key) => kv.get(key),
    getMany: (keys) => kv.getMany(keys),
    list: (selector) => kv.list(selector),
    close: () => kv.close(),
    atomic: () => {
      const inner = kv.atomic();
      let n = 0;
      const op: DenoKvAtomicOperation = {
        check: (...checks) => (inner.check(...checks), op),
        set: (
          key: DenoKvKey,
          value: unknown,
          options?: { expireIn?: number },
        ) => {
          n++;
          inner.set(key, value, options);
          return op;
        },
        delete: (key: DenoKvKey) => {
          n++;
          inner.delete(key);
          return op;
        },
        commit: async () => {
          commits++;
          most = Math.max(most, n);
          const result = await inner.commit();
          if (!result.ok) conflicts++;
          return result;
        },
      };
      return op;
    },
  };
  return {
    kv: wrapped,
    commits: () => commits,
    conflicts: () => conflicts,
    maxMutations: () => most,
  };
}
