// Runtime detection and driver imports shared by the driver wrappers.
// Private to the library.

import { SqliteDriverUnavailableError, type SqliteRuntime } from "./errors.ts";
import type { SqliteDriverName } from "./driver.ts";

/** Which runtime runs this code. Bun and Deno also define `process`. */
export function detectRuntime(): SqliteRuntime {
  if ("Bun" in globalThis) return "bun";
  if ("Deno" in globalThis) return "deno";
  return "node";
}

/**
 * Imports a driver module. The specifier is a parameter, not a literal, so
 * type checkers and bundlers never try to resolve it. An import failure
 * becomes a {@linkcode SqliteDriverUnavailableError} carrying `hint`.
 */
export async function importDriver(
  driver: SqliteDriverName,
  specifier: string,
  hint: string,
): Promise<Record<string, unknown>> {
  try {
    const mod: unknown = await import(specifier);
    return mod as Record<string, unknown>;
  } catch (cause) {
    throw new SqliteDriverUnavailableError(driver, detectRuntime(), hint, {
      cause,
    });
  }
}
