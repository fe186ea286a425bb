// The driver conformance suite's files for sql.js: paths in one set of
// sql.js's in-memory files (tests/sqlite_wasm_test.ts, and the same in the
// browser page).

import type { SqlJsFiles } from "../adapters/sqlite_wasm.ts";
import type { DriverFiles } from "./_driver_conformance.ts";

/** The conformance suite's files, in one set of sql.js files. */
export function sqlJsPlace(files: SqlJsFiles): DriverFiles {
  const made: string[] = [];
  return {
    setUp(): void {},
    path(name: string): string {
      const path = `/conformance/${name}`;
      made.push(path);
      return path;
    },
    exists: (path: string): boolean => files.exists(path),
    tearDown(): void {
      for (const p of made) {
        if (files.exists(p)) files.remove(p);
      }
    },
  };
}
