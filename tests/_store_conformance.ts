// The store conformance suite: what the SessionStore interface
// (src/store/store.ts) promises, checked on every store of many sessions
// (SQLite, PostgreSQL, Deno KV). describeSessionStore(name, make), where
// make() gives a new, empty place (a file, a schema, a KV database) to
// open stores on; the backend's own test file adds what only it does.

import { after, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import {
  type Session,
  SessionClosedError,
  SessionError,
  SessionInUseError,
  type SessionStore,
} from "../mod.ts";
import { describeOrSkip, toHex } from "./_fixtures.ts";

/** Where stores of one backend are opened: new and empty from `make()`. */
export interface StorePlace {
  /** Opens a store on the place; opened again, it has the same data. */
  open(): Promise<SessionStore>;
  /**
   * How many records the backend holds for a session, counted by hand
   * (not through the store), for a backend that keeps the session's own
   * record, each peer, username, phone, update state and file in a row or
   * key of its own. Absent where the store's database cannot be read
   * beside it (SQLite's exclusive lock).
   */
  stored?(id: string): Promise<number>;
  /** Text that must never show in what the store prints (a URL password). */
  readonly secrets?: readonly string[];
}

/** Options of {@linkcode describeSessionStore}. */
export interface StoreSuiteOptions {
  /** Why the suite cannot run here, or false. */
  skip?: string | false;
  /**
   * Whether two stores may be open on one place at once (each session is
   * still open in one of them at a time). SQLite: no, a store holds its
   * whole file.
   */
  shared: boolean;
}

const KEY = new Uint8Array(256).map((_, i) => (i * 13 + 5) & 0xff);
const PHONE = "79990001122";

/** Fills a session with one of each kind of data. */
async function fill(s: Session, id = 5): Promise<void> {
  await s.setDc(2, "149.154.167.51", 443);
  await s.setAuthKey(KEY);
  await s.processEntities({
    _: "user",
    id,
    accessHash: BigInt(id),
    username: `user${id}`,
    phone: PHONE,
  });
  await s.setUpdateState({ entityId: 0, pts: 1, qts: 2, date: 3, seq: 4 });
  await s.cacheFile({
    md5: new Uint8Array(16).fill(id),
    size: 1,
    type: "photo",
    id: 1n,
    accessHash: 1n,
  });
}

/** Runs the SessionStore contract against the places `make` gives. */
export function describeSessionStore(
  name: string,
  make: () => StorePlace | Promise<StorePlace>,
  options: StoreSuiteOptions,
): void {
  describeOrSkip(
    `SessionStore conformance: ${name}`,
    options.skip ?? false,
    () => suite(make, options.shared),
  );
}

function suite(
  make: () => StorePlace | Promise<StorePlace>,
  shared: boolean,
): void {
  const opened: SessionStore[] = [];
  after(async () => {
    for (const s of opened) await s.close().catch(() => {});
  });
  const open = async (place: StorePlace): Promise<SessionStore> => {
    const s = await place.open();
    opened.push(s);
    return s;
  };
  const fresh = async (): Promise<[SessionStore, StorePlace]> => {
    const place = await make();
    return [await open(place), place];
  };

  it("lists the sessions, sorted; an open session is in use: not opened twice, not deleted", async () => {
    const [s] = await fresh();
    assert.deepEqual(await s.list(), []);
    const sessions = await Promise.all(["b", "a", "c"].map((id) => s.open(id)));
    assert.deepEqual(await s.list(), ["a", "b", "c"]);
    await assert.rejects(s.open("b"), SessionInUseError);
    await assert.rejects(s.delete("b"), SessionInUseError);
    await sessions[0]!.close();
    const again = await s.open("b");
    assert.equal(again.closed, false, "a closed session's id opens again");
    for (const x of [again, sessions[1]!, sessions[2]!]) await x.close();
  });

  it("refuses an id that is empty, too long or not text", async () => {
    const [s] = await fresh();
    await assert.rejects(s.open(""), TypeError);
    await assert.rejects(s.open("x".repeat(256)), TypeError);
    await assert.rejects(s.open(5 as unknown as string), TypeError);
    await assert.rejects(s.delete(""), TypeError);
    const longest = await s.open("y".repeat(255));
    await longest.close();
    assert.deepEqual(await s.list(), ["y".repeat(255)]);
  });

  it("delete() removes everything the session stored; the id opens again, empty", async () => {
    const [s, place] = await fresh();
    const [b, a, c] = await Promise.all(
      ["b", "a", "c"].map((id) => s.open(id)),
    );
    await fill(b!);
    await fill(a!, 6);
    await a!.save();
    await b!.close();
    // auth, a peer, its username and phone, an update state, a file
    if (place.stored) assert.ok(await place.stored("b") >= 6);
    await s.delete("b");
    if (place.stored) assert.equal(await place.stored("b"), 0);
    assert.ok(!place.stored || await place.stored("a") >= 6, "a is kept");
    assert.deepEqual(await s.list(), ["a", "c"]);
    const fresh_ = await s.open("b");
    assert.equal(fresh_.authKey, null);
    assert.equal(fresh_.dcId, null);
    assert.equal(await fresh_.storage.countPeers(), 0);
    assert.deepEqual(await fresh_.getUpdateStates(), []);
    assert.deepEqual(await fresh_.storage.listFiles(), []);
    assert.equal(await fresh_.getPeer("@user5"), undefined);
    assert.deepEqual(a!.authKey, KEY, "the others are untouched");
    assert.equal((await a!.getPeer("@user6"))?.id, 6);
    for (const x of [fresh_, a!, c!]) await x.close();
  });

  it("session.delete() removes the session from its store", async () => {
    const [s, place] = await fresh();
    const session = await s.open("gone");
    await session.processEntities({
      _: "user",
      id: 5,
      accessHash: 5n,
      username: "five",
    });
    await session.save();
    await session.delete();
    if (place.stored) assert.equal(await place.stored("gone"), 0);
    assert.deepEqual(await s.list(), []);
    const again = await s.open("gone");
    assert.equal(await again.storage.countPeers(), 0);
    await again.close();
  });

  it("keeps sessions isolated: in one store, and in two places under one id", async () => {
    const [a] = await fresh();
    const [b] = await fresh();
    const a1 = await a.open("same");
    const b1 = await b.open("same");
    const a2 = await a.open("other");
    await a1.setDc(1, "149.154.175.53", 443);
    await b1.setDc(2, "149.154.167.51", 443);
    await a1.setAuthKey(new Uint8Array(256).fill(1));
    await a2.setAuthKey(new Uint8Array(256).fill(2));
    for (
      const [s, id, hash] of [[a1, 10, 11n], [b1, 20, 22n], [
        a2,
        30,
        33n,
      ]] as const
    ) {
      await s.processEntities({
        _: "user",
        id,
        accessHash: hash,
        username: "shared_name",
        phone: PHONE,
      });
      // The same peer id in every session, each with its own hash.
      await s.processEntities({ _: "user", id: 1, accessHash: hash });
    }
    assert.equal((await a1.getPeer("@shared_name"))?.id, 10);
    assert.equal((await b1.getPeer("@shared_name"))?.id, 20);
    assert.equal((await a2.getPeer("@shared_name"))?.id, 30);
    assert.equal((await a1.getPeer(`+${PHONE}`))?.id, 10);
    assert.equal((await a2.getPeer(`+${PHONE}`))?.id, 30);
    assert.equal((await a1.getPeer(1))?.accessHash, 11n);
    assert.equal((await b1.getPeer(1))?.accessHash, 22n);
    assert.equal((await a2.getPeer(1))?.accessHash, 33n);
    assert.equal(await a1.storage.countPeers(), 2);
    assert.equal(await a2.storage.countPeers(), 2);
    assert.deepEqual(a1.authKey, new Uint8Array(256).fill(1));
    assert.deepEqual(a2.authKey, new Uint8Array(256).fill(2));
    assert.equal(b1.authKey, null);
    await a1.close();
    await b1.close();
    const a1again = await a.open("same");
    const b1again = await b.open("same");
    assert.equal(a1again.dcId, 1);
    assert.equal(b1again.dcId, 2);
    assert.deepEqual(await a.list(), ["other", "same"]);
    assert.deepEqual(await b.list(), ["same"]);
  });

  it("a store opened again keeps every session's data", async () => {
    const [s, place] = await fresh();
    const alice = await s.open("alice");
    await fill(alice);
    alice.takeoutId = -(2n ** 63n);
    await alice.save();
    await (await s.open("bob")).setAuthKey(new Uint8Array(256).fill(2));
    await s.close();
    assert.equal(alice.closed, true);
    const reopened = await open(place);
    assert.deepEqual(await reopened.list(), ["alice", "bob"]);
    const a = await reopened.open("alice");
    assert.deepEqual(a.authKey, KEY);
    assert.equal(a.dcId, 2);
    assert.equal(a.takeoutId, -(2n ** 63n));
    assert.equal(await a.countPeers(), 1);
    assert.equal((await a.getPeer("@user5"))?.accessHash, 5n);
    assert.equal((await a.getPeer(`+${PHONE}`))?.id, 5);
    assert.deepEqual(await a.getUpdateStates(), [{
      entityId: 0,
      pts: 1,
      qts: 2,
      date: 3,
      seq: 4,
    }]);
    assert.equal(
      (await a.getCachedFile(new Uint8Array(16).fill(5), 1, "photo"))?.id,
      1n,
    );
    const b = await reopened.open("bob");
    assert.deepEqual(b.authKey, new Uint8Array(256).fill(2));
    assert.equal(await b.countPeers(), 0);
    await reopened.close();
  });

  it("two racing opens of one id: one wins, the other is SessionInUseError", async () => {
    const [s] = await fresh();
    const results = await Promise.allSettled([s.open("same"), s.open("same")]);
    const opened = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    assert.equal(opened.length, 1);
    assert.equal(refused.length, 1);
    assert.ok(
      (refused[0] as PromiseRejectedResult).reason instanceof
        SessionInUseError,
      String((refused[0] as PromiseRejectedResult).reason),
    );
    assert.match(String(s), /1 open/);
    const winner = (opened[0] as PromiseFulfilledResult<Session>).value;
    await s.close();
    assert.equal(winner.closed, true);
  });

  it("close() closes every session, whatever the others did, and reports the first failure", async () => {
    const [s, place] = await fresh();
    const sessions: Session[] = [];
    for (const id of ["a", "b", "c", "d"]) {
      const session = await s.open(id);
      await session.processEntities({ _: "user", id: 7, accessHash: 7n });
      sessions.push(session);
    }
    // b's and c's storages fail as they close (after closing for real:
    // what a failed last write looks like from the store).
    const failures = new Map<string, Error>();
    for (const [i, id] of [[1, "b"], [2, "c"]] as const) {
      const storage = sessions[i]!.storage;
      const close = storage.close.bind(storage);
      const error = new Error(`closing ${id} failed`);
      failures.set(id, error);
      storage.close = async () => {
        await close();
        throw error;
      };
    }
    await assert.rejects(s.close(), (e) => e === failures.get("b"));
    for (const session of sessions) assert.equal(session.closed, true);
    await s.close(); // closed already: nothing to do, nothing to report
    // Everything was released: every session opens again, with its data.
    const again = await open(place);
    for (const id of ["a", "b", "c", "d"]) {
      const session = await again.open(id);
      assert.equal((await session.getPeer(7))?.accessHash, 7n, id);
      await session.close();
    }
    await again.close();
  });

  it("a closed store refuses open, list and delete; its sessions are closed", async () => {
    const [s] = await fresh();
    const [kept, other] = await Promise.all([s.open("kept"), s.open("other")]);
    await other!.close();
    await s.close();
    assert.equal(kept!.closed, true);
    await assert.rejects(kept!.save(), SessionClosedError);
    for (
      const attempt of [
        () => s.list(),
        () => s.open("new"),
        () => s.open("other"),
        () => s.delete("other"),
      ]
    ) {
      await assert.rejects(
        attempt,
        (e) => e instanceof SessionError && /store is closed/.test(e.message),
      );
    }
    await s.close();
    await s[Symbol.asyncDispose]();
  });

  it("await using closes the store and its sessions", async () => {
    const place = await make();
    let session: Session | undefined;
    {
      await using s = await place.open();
      session = await s.open("scoped");
      await session.setDc(4, "149.154.167.91", 443);
    }
    assert.equal(session.closed, true);
    await using again = await open(place);
    assert.equal((await again.open("scoped")).dcId, 4);
  });

  it("prints no secret: toString, JSON and inspect name the store and count open sessions", async () => {
    const [s, place] = await fresh();
    const session = await s.open("acct");
    await fill(session);
    const json = JSON.parse(JSON.stringify(s)) as Record<string, unknown>;
    assert.equal(typeof json.kind, "string");
    assert.equal(json.open, 1);
    assert.match(String(s), /1 open/);
    const secrets = [
      toHex(KEY).slice(0, 32),
      PHONE,
      ...(place.secrets ?? []),
    ];
    for (
      const text of [
        String(s),
        `${s}`,
        JSON.stringify(s),
        JSON.stringify({ store: s }),
        inspect(s, { depth: 10 }),
        String(session.storage),
        JSON.stringify(session.storage),
        inspect(session.storage, { depth: 10 }),
      ]
    ) {
      for (const secret of secrets) {
        assert.ok(!text.includes(secret), `a secret in ${text}`);
      }
    }
    await session.close();
    assert.match(String(s), /0 open/);
    assert.equal((JSON.parse(JSON.stringify(s)) as { open: number }).open, 0);
  });

  it(
    "a session open in one store is in use in the other, which can wait for it",
    {
      skip: shared ? false : "a store of this kind holds its whole database",
    },
    async () => {
      const place = await make();
      const one = await open(place);
      const two = await open(place);
      const held = await one.open("bot");
      await held.setDc(4, "149.154.167.91", 443);
      const error = await two.open("bot").catch((e) => e);
      assert.ok(error instanceof SessionInUseError, String(error));
      await assert.rejects(two.delete("bot"), SessionInUseError);
      const started = Date.now();
      const waiting = two.open("bot", { wait: 10_000 });
      setTimeout(() => void held.close(), 200);
      const got = await waiting;
      assert.ok(Date.now() - started >= 150);
      assert.equal(got.dcId, 4, "the other store's writes are there");
      await got.close();
      // Closed in both: deleted from either.
      await one.delete("bot");
      assert.deepEqual(await two.list(), []);
    },
  );
}
