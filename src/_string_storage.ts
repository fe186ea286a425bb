// A memory storage holding what a decoded session string carries: the
// auth state, the data centers and the other DCs' keys. Shared by
// openSession({ string }) and the CLI. Private to the library.

import { MemoryStorage } from "./memory/memory_storage.ts";
import type { DecodedSessionString } from "./strings/types.ts";

/** A memory storage filled from a decoded string. */
export async function decodedStorage(
  decoded: DecodedSessionString,
): Promise<MemoryStorage> {
  const storage = new MemoryStorage();
  await storage.setAuth(decoded.auth);
  if (decoded.dataCenters.length > 0) await storage.setDcs(decoded.dataCenters);
  if (decoded.authKeys.length > 0) await storage.setAuthKeys(decoded.authKeys);
  return storage;
}
