/**
 * The part of Deno KV mtsession uses, typed structurally: nothing here
 * assumes Deno's global types, so the module loads (and type-strips) on
 * Node and Bun too. `Deno.Kv` fits it, and so does the `@deno/kv` npm
 * client's `Kv`.
 *
 * @module
 */

import { SessionError } from "../errors.ts";

/**
 * One part of a KV key.
 *
 * @example Usage
 * ```ts
 * import type { DenoKvKeyPart } from "@mtsession/mtsession/deno-kv";
 *
 * const parts: DenoKvKeyPart[] = ["mtsession", 42, 5_000_000_000n, true];
 * void parts;
 * ```
 */
export type DenoKvKeyPart =
  | Uint8Array
  | string
  | number
  | bigint
  | boolean
  | symbol;

/**
 * A KV key: a list of parts.
 *
 * @example Usage
 * ```ts
 * import type { DenoKvKey } from "@mtsession/mtsession/deno-kv";
 *
 * const key: DenoKvKey = ["mtsession", "my_bot", "peer", 5123456789];
 * void key;
 * ```
 */
export type DenoKvKey = readonly DenoKvKeyPart[];

/**
 * A read entry; `versionstamp` is `null` when the key has no value.
 *
 * @example Usage
 * ```ts
 * import type { DenoKvEntryMaybe } from "@mtsession/mtsession/deno-kv";
 *
 * const missing: DenoKvEntryMaybe = { key: ["a"], value: null, versionstamp: null };
 * void missing;
 * ```
 */
export interface DenoKvEntryMaybe {
  /** The key. */
  readonly key: DenoKvKey;
  /** The value, or `null`. */
  readonly value: unknown;
  /** The version of the value, or `null` when there is none. */
  readonly versionstamp: string | null;
}

/**
 * An atomic operation: checks, then mutations, committed all or nothing.
 *
 * @example Usage
 * ```ts ignore
 * import type { DenoKvAtomicOperation } from "@mtsession/mtsession/deno-kv";
 *
 * const kv = await Deno.openKv(":memory:");
 * const op: DenoKvAtomicOperation = kv.atomic();
 * await op.check({ key: ["k"], versionstamp: null }).set(["k"], 1n).commit();
 * kv.close();
 * ```
 */
export interface DenoKvAtomicOperation {
  /**
   * Fails the commit unless each key still has this versionstamp.
   *
   * @param checks Keys with the versionstamps they must have.
   */
  check(
    ...checks: { key: DenoKvKey; versionstamp: string | null }[]
  ): DenoKvAtomicOperation;
  /**
   * Sets a value.
   *
   * @param key The key.
   * @param value The value (structured-clone serialized).
   * @param options `expireIn` (ms).
   */
  set(
    key: DenoKvKey,
    value: unknown,
    options?: { expireIn?: number },
  ): DenoKvAtomicOperation;
  /**
   * Deletes a key.
   *
   * @param key The key.
   */
  delete(key: DenoKvKey): DenoKvAtomicOperation;
  /** Commits; `ok: false` when a check failed. */
  commit(): Promise<{ ok: boolean; versionstamp?: string }>;
}

/**
 * A Deno KV database (`Deno.Kv`), or anything with the same methods.
 *
 * @example Usage
 * ```ts ignore
 * import { type DenoKvLike, openDenoKvStore } from "@mtsession/mtsession/deno-kv";
 *
 * const kv: DenoKvLike = await Deno.openKv("./sessions.kv");
 * const store = await openDenoKvStore(kv); // left open by store.close()
 * await store.close();
 * kv.close();
 * ```
 */
export interface DenoKvLike {
  /**
   * Reads a key.
   *
   * @param key The key.
   */
  get(key: DenoKvKey): Promise<DenoKvEntryMaybe>;
  /**
   * Reads up to 10 keys at once.
   *
   * @param keys The keys.
   */
  getMany(keys: readonly DenoKvKey[]): Promise<readonly DenoKvEntryMaybe[]>;
  /**
   * Lists the entries under a prefix, in key order.
   *
   * @param selector The prefix.
   */
  list(selector: { prefix: DenoKvKey }): AsyncIterable<DenoKvEntryMaybe>;
  /** Starts an atomic operation. */
  atomic(): DenoKvAtomicOperation;
  /** Closes the database. */
  close(): void;
}

/**
 * Deno KV is not available: not on Deno (Node and Bun have no
 * `Deno.openKv`; pass a `Kv` from the `@deno/kv` npm package instead), or
 * Deno without `--unstable-kv` (or `"unstable": ["kv"]` in deno.json).
 *
 * @example Usage
 * ```ts
 * import { DenoKvUnavailableError } from "@mtsession/mtsession/deno-kv";
 * import assert from "node:assert/strict";
 *
 * const error = new DenoKvUnavailableError("node");
 * assert.equal(error.runtime, "node");
 * assert.match(error.message, /Deno KV/);
 * ```
 */
export class DenoKvUnavailableError extends SessionError {
  /** The runtime it was asked for in. */
  readonly runtime: "deno" | "bun" | "node";

  /**
   * Creates the error.
   *
   * @param runtime The runtime at hand.
   * @param options Standard error options.
   */
  constructor(runtime: "deno" | "bun" | "node", options?: ErrorOptions) {
    super(
      runtime === "deno"
        ? "Cannot open Deno KV: Deno.openKv is missing; run with " +
          '--unstable-kv (or add "unstable": ["kv"] to deno.json)'
        : `Cannot open Deno KV on ${runtime}: Deno.openKv exists only on ` +
          "Deno; pass a Kv of the @deno/kv package instead of a path",
      options,
    );
    this.name = "DenoKvUnavailableError";
    this.runtime = runtime;
  }
}

/** Opens a KV database with `Deno.openKv`, or throws a typed error. */
export async function openDenoKv(path?: string): Promise<DenoKvLike> {
  const g = globalThis as {
    Deno?: { openKv?: (path?: string) => Promise<DenoKvLike> };
    Bun?: unknown;
  };
  const open = g.Deno?.openKv;
  if (typeof open !== "function") {
    throw new DenoKvUnavailableError(
      g.Deno !== undefined ? "deno" : g.Bun !== undefined ? "bun" : "node",
    );
  }
  return await open.call(g.Deno, path);
}

/** Whether a value looks like a KV database. */
export function isDenoKv(value: unknown): value is DenoKvLike {
  if (typeof value !== "object" || value === null) return false;
  const o = value as Record<string, unknown>;
  return ["get", "getMany", "list", "atomic", "close"].every((m) =>
    typeof o[m] === "function"
  );
}

function isBusy(e: unknown): boolean {
  return e instanceof Error &&
    /database is locked|SQLITE_BUSY/i.test(e.message);
}

/**
 * Commits an atomic operation built by `build`, rebuilt and retried while
 * a local (SQLite) database is locked by another connection: another
 * process or handle writing the same file.
 */
export async function commitAtomic(
  build: () => DenoKvAtomicOperation,
): Promise<{ ok: boolean; versionstamp?: string }> {
  for (let attempt = 1;; attempt++) {
    try {
      return await build().commit();
    } catch (e) {
      if (!isBusy(e) || attempt >= 200) throw e;
      await new Promise((r) => setTimeout(r, Math.min(2 * attempt, 50)));
    }
  }
}
