// The IndexedDB backend under the shared suites, in the page: the storage
// conformance suite (each storage on its own connection; reopening opens
// the database again) and the store conformance suite (every place a new
// database).

import type { SessionStorage } from "../../mod.ts";
import {
  type IdbFactoryLike,
  type IdbKeyRangeStatic,
  IndexedDbStorage,
  openIndexedDbStore,
} from "../../adapters/indexeddb.ts";
import {
  inTransaction,
  openDatabase,
  request,
  sessionRange,
  STORES,
} from "../../src/indexeddb/_db.ts";
import type { describeSessionStorage } from "../_conformance.ts";
import type { describeSessionStore } from "../_store_conformance.ts";

const g = globalThis as unknown as {
  indexedDB: IdbFactoryLike;
  IDBKeyRange: IdbKeyRangeStatic;
};
const run = `${Date.now().toString(36)}`;
let n = 0;

/** Where each storage lives: its database and session id. */
const places = new WeakMap<SessionStorage, { db: string; sid: string }>();

async function storageAt(db: string, sid: string): Promise<SessionStorage> {
  const conn = await openDatabase(g.indexedDB, db);
  const s = new IndexedDbStorage(conn, g.IDBKeyRange, sid, {
    onClose: () => conn.close(),
  });
  places.set(s, { db, sid });
  return s;
}

/** Declares the IndexedDB suites. */
export function describeIndexedDb(
  storageSuite: typeof describeSessionStorage,
  storeSuite: typeof describeSessionStore,
): void {
  storageSuite(
    "indexeddb (Chromium)",
    // Several sessions in one database, as a store keeps them.
    () => storageAt(`conformance-${run}`, `session ${n++}`),
    (closed) => {
      const place = places.get(closed)!;
      return storageAt(place.db, place.sid);
    },
  );

  storeSuite("indexeddb (Chromium)", () => {
    const name = `store-${run}-${n++}`;
    return {
      open: () => openIndexedDbStore(name),
      async stored(id: string): Promise<number> {
        const db = await openDatabase(g.indexedDB, name);
        try {
          return await inTransaction(
            db,
            [...STORES],
            "readonly",
            async (tx) => {
              const counts = await Promise.all(STORES.map((store) => {
                const keyed = store === "sessions" || store === "auth" ||
                  store === "dcs";
                return request(
                  tx.objectStore(store).count(
                    keyed ? id : sessionRange(g.IDBKeyRange, id),
                  ),
                );
              }));
              // The username and phone index entries, one each.
              const peers = tx.objectStore("peers");
              const range = sessionRange(g.IDBKeyRange, id);
              counts.push(
                await request(peers.index("username").count(range)),
                await request(peers.index("phone").count(range)),
              );
              return counts.reduce((a, b) => a + b, 0);
            },
          );
        } finally {
          db.close();
        }
      },
    };
  }, { shared: true });
}
