// The model check (tests/_model_check.ts) on every storage: random batches
// of colliding peer writes, deletes, flushes and reopens must leave each
// backend agreeing with MemoryStorage, the reference, after every round:
// SqliteStorage through each SQLite driver of the runtime (and the file's
// username index in step with each peer's list), the SQLite store,
// PostgreSQL and Deno KV (their index rows and keys in step with the
// peers), and a storage of a user's own. Then the SQLite batch writer's
// own cases.

import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  MemoryStorage,
  migrateSqlite,
  openSessionStore,
  type PeerLookup,
  type PeerRecord,
  type SessionStorage,
  type SessionStore,
  type SqliteDatabase,
  SqliteStorage,
} from "../mod.ts";
import { openDenoKvStore } from "../adapters/deno_kv.ts";
import { openPostgresStore } from "../adapters/postgres.ts";
import { openDefaultDatabase } from "../src/sqlite/_pick_driver.ts";
import { driversHere } from "./_drivers.ts";
import { describeOrSkip, runtime } from "./_fixtures.ts";
import { KV_SKIP, openKv } from "./_kv_env.ts";
import { checkAgainstModel, type ModelBackend } from "./_model_check.ts";
import {
  DATABASE_URL,
  dropSchemas,
  PG_SKIP,
  rawSql,
  uniqueSchema,
} from "./_pg_env.ts";

const dir = mkdtempSync(join(tmpdir(), "mtsession-model-"));
const schemas: string[] = [];
after(async () => {
  await dropSchemas(...schemas);
  rmSync(dir, { recursive: true, force: true });
});
let files = 0;
const freshPath = (ext: string): string => join(dir, `m${files++}.${ext}`);

/** Batches stay pending until a flush, a read or close: never by time. */
const BATCHED = { flushDelayMs: 60_000, maxBatch: 1_000_000 } as const;

/** A peer's usernames, phone and name as "kind value -> id" lines. */
function keysOfPeers(peers: readonly PeerRecord[]): {
  usernames: string[];
  phones: string[];
  names: string[];
} {
  return {
    usernames: peers.flatMap((p) => p.usernames.map((u) => `${u} -> ${p.id}`))
      .sort(),
    phones: peers.flatMap((p) =>
      p.phone === null ? [] : [`${p.phone} -> ${p.id}`]
    )
      .sort(),
    names: peers.flatMap((p) => p.name === null ? [] : [`${p.name} -> ${p.id}`])
      .sort(),
  };
}

/**
 * Every (username, peer) pair of mts_usernames is in that peer's row list,
 * and every name of every row list is in mts_usernames for that peer.
 */
function assertIndexInStep(db: SqliteDatabase, where: string): void {
  const fromRows = new Set<string>();
  for (
    const row of db.prepare(
      "SELECT id, usernames FROM mts_peers WHERE session_id = 's'",
    ).all()
  ) {
    if (row.usernames === null) continue;
    for (const u of JSON.parse(String(row.usernames)) as string[]) {
      fromRows.add(`${u} -> ${row.id}`);
    }
  }
  const fromIndex = new Set(
    db.prepare(
      "SELECT username, peer_id FROM mts_usernames WHERE session_id = 's'",
    ).all().map((row) => `${row.username} -> ${row.peer_id}`),
  );
  assert.deepEqual(
    [...fromIndex].sort(),
    [...fromRows].sort(),
    `${where}: mts_usernames and the peers' username lists differ`,
  );
}

/**
 * One session of a store under the model check: reopening closes the
 * session and opens it again; `extra` gets the session's id and storage.
 */
async function sessionOf(
  store: SessionStore,
  id: string,
  extra?: (id: string, storage: SessionStorage, where: string) => Promise<void>,
): Promise<ModelBackend> {
  let session = await store.open(id);
  return {
    get storage(): SessionStorage {
      return session.storage;
    },
    reopen: async () => {
      await session.close();
      session = await store.open(id);
    },
    ...(extra === undefined
      ? {}
      : { extra: (where: string) => extra(id, session.storage, where) }),
    close: () => session.close(),
  };
}

/**
 * A storage of a user's own: MemoryStorage with a write-behind queue of its
 * own (peer writes wait for a flush or a read).
 */
class QueuedStorage extends MemoryStorage {
  #queue: PeerRecord[][] = [];

  override putPeers(records: readonly PeerRecord[]): Promise<void> {
    this.#queue.push(
      records.map((r) => ({ ...r, usernames: [...r.usernames] })),
    );
    return Promise.resolve();
  }

  async #drain(): Promise<void> {
    for (const batch of this.#queue.splice(0)) await super.putPeers(batch);
  }

  override async flush(): Promise<void> {
    await this.#drain();
    await super.flush();
  }

  override async findPeer(lookup: PeerLookup): Promise<PeerRecord | undefined> {
    await this.#drain();
    return await super.findPeer(lookup);
  }

  override async listPeers(): Promise<PeerRecord[]> {
    await this.#drain();
    return await super.listPeers();
  }

  override async countPeers(): Promise<number> {
    await this.#drain();
    return await super.countPeers();
  }

  override async deletePeers(ids: readonly number[]): Promise<void> {
    await this.#drain();
    await super.deletePeers(ids);
  }

  override async close(): Promise<void> {
    await this.#drain();
    await super.close();
  }
}

describe(`model check: every storage agrees with MemoryStorage (${runtime})`, () => {
  const drivers = driversHere();
  it("the runtime has SQLite drivers to check", () => {
    assert.ok(drivers.length > 0);
  });
  // Each driver twice: a connection of the caller's (a transaction per
  // slice), and a WAL file the storage owns alone, as a session file's
  // (a flush's slices share one held transaction).
  for (const driver of drivers) {
    for (const own of [false, true]) {
      const how = own ? ", owning its WAL file (held transaction)" : "";
      it(
        `SqliteStorage over ${driver.name}${how}; the username index stays in step`,
        {
          timeout: 120_000,
        },
        async () => {
          await checkAgainstModel(async () => {
            const path = freshPath("db");
            let db = await driver.open(path);
            const make = (d: SqliteDatabase): SqliteStorage => {
              if (own) d.exec("PRAGMA journal_mode = WAL");
              migrateSqlite(d);
              return new SqliteStorage(d, "s", {
                ...BATCHED,
                ...(own ? { checkpointWal: true, ownConnection: true } : {}),
                onClose: () => d.close(),
              });
            };
            let storage = make(db);
            return {
              get storage(): SessionStorage {
                return storage;
              },
              reopen: async () => {
                await storage.close();
                db = await driver.open(path);
                assert.equal(db.driver, driver.name);
                storage = make(db);
              },
              extra: (where) => assertIndexInStep(db, where),
              close: () => storage.close(),
            };
          });
        },
      );
    }
  }

  it("the SQLite store (openSessionStore)", { timeout: 120_000 }, async () => {
    await checkAgainstModel(async (seed) => {
      const path = freshPath("db");
      let store = await openSessionStore(path, BATCHED);
      let session = await store.open(`model-${seed}`);
      return {
        get storage(): SessionStorage {
          return session.storage;
        },
        reopen: async () => {
          await store.close();
          store = await openSessionStore(path, BATCHED);
          session = await store.open(`model-${seed}`);
        },
        close: () => store.close(),
      };
    });
  });

  it("a storage of the user's own (a class extending MemoryStorage)", async () => {
    await checkAgainstModel(() => {
      const storage = new QueuedStorage();
      return Promise.resolve({ storage, close: () => storage.close() });
    });
  });
});

describeOrSkip(`model check: PostgreSQL (${runtime})`, PG_SKIP, () => {
  it("PostgresStorage; no username or phone row without its peer", {
    timeout: 120_000,
  }, async () => {
    const schema = uniqueSchema("model");
    schemas.push(schema);
    const sql = rawSql();
    const store = await openPostgresStore(DATABASE_URL!, {
      schema,
      ...BATCHED,
    });
    try {
      await checkAgainstModel(
        (seed) =>
          sessionOf(store, `model-${seed}`, async (id, storage, where) => {
            const peers = await storage.listPeers();
            const usernames = await sql.unsafe(
              `SELECT username, peer_id::text AS peer FROM "${schema}".mtsession_usernames WHERE session_id = $1`,
              [id],
            );
            const phones = await sql.unsafe(
              `SELECT phone, peer_id::text AS peer FROM "${schema}".mtsession_phones WHERE session_id = $1`,
              [id],
            );
            const want = keysOfPeers(peers);
            assert.deepEqual(
              usernames.map((r) => `${r.username} -> ${r.peer}`).sort(),
              want.usernames,
              `${where}: username rows`,
            );
            assert.deepEqual(
              phones.map((r) => `${r.phone} -> ${r.peer}`).sort(),
              want.phones,
              `${where}: phone rows`,
            );
          }),
        { seeds: 25 },
      );
    } finally {
      await store.close();
      await sql.end();
    }
  });
});

describeOrSkip(`model check: Deno KV (${runtime})`, KV_SKIP, () => {
  it("DenoKvStorage; the username, phone and name keys stay in step", {
    timeout: 120_000,
  }, async () => {
    const kv = await openKv(freshPath("kv"));
    const store = await openDenoKvStore(kv, BATCHED);
    try {
      await checkAgainstModel(
        (seed) =>
          sessionOf(store, `model-${seed}`, async (id, storage, where) => {
            const peers = await storage.listPeers();
            const got = { usernames: [], phones: [], names: [] } as {
              usernames: string[];
              phones: string[];
              names: string[];
            };
            for await (const e of kv.list({ prefix: ["mtsession", id] })) {
              const [kind, value, peer] = e.key.slice(2).map(String);
              if (kind === "username") {
                got.usernames.push(`${value} -> ${String(e.value)}`);
              }
              if (kind === "phone") {
                got.phones.push(`${value} -> ${String(e.value)}`);
              }
              if (kind === "name") got.names.push(`${value} -> ${peer}`);
            }
            for (const list of Object.values(got)) list.sort();
            assert.deepEqual(got, keysOfPeers(peers), `${where}: index keys`);
          }),
        { seeds: 25 },
      );
    } finally {
      await store.close();
      kv.close();
    }
  });
});

/** A SessionStorage over a new in-memory SQLite database. */
async function sqlite(
  make: (db: SqliteDatabase) => SessionStorage,
): Promise<SessionStorage> {
  const db = await openDefaultDatabase(":memory:");
  migrateSqlite(db);
  return make(db);
}

describe(`SqliteStorage batched writes (${runtime})`, () => {
  it("keeps usernames exactly, spaces and all", async () => {
    const s = await sqlite((db) =>
      new SqliteStorage(db, "s", { onClose: () => db.close() })
    );
    const odd = ["with space", "x,y", '"quoted"', "üñí", "[]"];
    await s.putPeers([{
      id: 9,
      type: "user",
      accessHash: 1n,
      usernames: odd,
      phone: null,
      name: null,
      updatedAt: 1,
    }]);
    assert.deepEqual(
      (await s.findPeer({ by: "id", ids: [9] }))?.usernames,
      odd,
    );
    assert.equal(
      (await s.findPeer({ by: "username", value: "with space" }))?.id,
      9,
    );
    await s.close();
  });

  it("a known peer seen again unchanged writes only its row", async () => {
    // Through the public behaviour: the result is the same whichever path
    // the writer took; this checks the fast path keeps every field.
    const s = await sqlite((db) =>
      new SqliteStorage(db, "s", { onClose: () => db.close() })
    );
    const p: PeerRecord = {
      id: 5,
      type: "user",
      accessHash: 5n,
      usernames: ["five", "fünf"],
      phone: "15550105",
      name: "Five",
      updatedAt: 10,
    };
    await s.putPeers([p]);
    await s.flush();
    await s.putPeers([{ ...p, accessHash: -5n, phone: null, name: null }]);
    await s.putPeers([{ ...p, accessHash: -6n, updatedAt: 11 }]);
    assert.deepEqual(await s.findPeer({ by: "phone", value: "15550105" }), {
      ...p,
      accessHash: -6n,
      updatedAt: 11,
    });
    await s.close();
  });

  it("a background write that failed and then succeeded is not reported", async () => {
    const db = await openDefaultDatabase(":memory:");
    migrateSqlite(db);
    let failNext = false;
    const flaky = {
      ...db,
      driver: db.driver,
      path: db.path,
      exec(sql: string): void {
        if (failNext && sql.startsWith("BEGIN")) {
          failNext = false;
          throw new Error("disk I/O hiccup");
        }
        db.exec(sql);
      },
      prepare: db.prepare.bind(db),
      close: db.close.bind(db),
    };
    const s = new SqliteStorage(flaky, "s", {
      flushDelayMs: 5,
      onClose: () => db.close(),
    });
    const p: PeerRecord = {
      id: 5,
      type: "user",
      accessHash: 5n,
      usernames: [],
      phone: null,
      name: null,
      updatedAt: 1,
    };
    failNext = true;
    await s.putPeers([p]);
    await new Promise((r) => setTimeout(r, 50)); // the timer's write fails
    assert.equal(failNext, false, "the background write ran");
    assert.equal(await s.countPeers(), 1); // this read writes the batch
    await s.flush(); // nothing is lost: nothing to report
    await s.close();
  });
});
