// node:fs when it is needed, not at import: importing it costs Bun about
// 2 ms, which opening and reading an existing session file never needs.
// Private to the library.

import type * as NodeFs from "node:fs";

/** The node:fs module. */
export type NodeFsModule = typeof NodeFs;

let loaded: NodeFsModule | undefined;

function builtin(): NodeFsModule | undefined {
  const p = (globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
  }).process;
  return typeof p?.getBuiltinModule === "function"
    ? p.getBuiltinModule("node:fs") as NodeFsModule | undefined
    : undefined;
}

/**
 * Imports node:fs (once).
 *
 * @returns The module.
 */
export async function loadFs(): Promise<NodeFsModule> {
  loaded ??= builtin() ?? await import("node:fs");
  return loaded;
}

/**
 * Whether {@linkcode fsNow} can load node:fs itself, without
 * {@linkcode loadFs} first: it can where `process.getBuiltinModule` is
 * (Node >= 22.3, Bun, Deno 2).
 *
 * @returns `true` when node:fs can be had synchronously.
 */
export function fsAvailableNow(): boolean {
  const p = (globalThis as { process?: { getBuiltinModule?: unknown } })
    .process;
  return loaded !== undefined || typeof p?.getBuiltinModule === "function";
}

/**
 * node:fs synchronously: the module imported before, or the runtime's
 * `process.getBuiltinModule`.
 *
 * @returns The module.
 * @throws {Error} When neither is there ({@linkcode loadFs} did not run).
 */
export function fsNow(): NodeFsModule {
  loaded ??= builtin();
  if (loaded === undefined) throw new Error("node:fs is not loaded");
  return loaded;
}

/**
 * Whether a path exists, as `existsSync` tells, without importing node:fs
 * on Deno (where that costs about 10 ms): there `Deno.stat` answers.
 *
 * @param path The path.
 * @returns `true` when something is there.
 */
export async function pathExists(path: string): Promise<boolean> {
  const deno = (globalThis as { Deno?: { stat?: (p: string) => unknown } })
    .Deno;
  if (typeof deno?.stat === "function") {
    try {
      await deno.stat(path);
      return true;
    } catch {
      return false;
    }
  }
  return (await loadFs()).existsSync(path);
}
