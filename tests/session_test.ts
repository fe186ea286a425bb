// The Session front: auth state, validation, update states, file cache,
// lifecycle (save, close, delete, clone, await using).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  MemoryStorage,
  openSession,
  Session,
  SessionClosedError,
  SessionError,
  type SessionStorage,
} from "../mod.ts";

const KEY = new Uint8Array(256).map((_, i) => (i * 13 + 1) & 0xff);

describe("Session auth state", () => {
  it("setDc keeps the key; setters are visible at once and durable after save", async () => {
    const storage = new MemoryStorage();
    const s = await openSession(storage);
    s.authKey = KEY;
    await s.setDc(4, "149.154.167.91", 443);
    s.takeoutId = -(2n ** 63n);
    s.apiId = 12345;
    s.userId = 5_123_456_789;
    s.isBot = false;
    s.testMode = false;
    s.date = 1_700_000_000;
    assert.equal(s.dcId, 4);
    assert.deepEqual(s.authKey, KEY);
    await s.save();
    const reopened = await Session.open(storage);
    assert.deepEqual(reopened.getAuth(), {
      dcId: 4,
      serverAddress: "149.154.167.91",
      port: 443,
      authKey: KEY,
      testMode: false,
      apiId: 12345,
      userId: 5_123_456_789,
      isBot: false,
      date: 1_700_000_000,
      takeoutId: -(2n ** 63n),
    });
  });

  it("the key getter returns a copy", async () => {
    const s = await openSession(":memory:");
    await s.setAuthKey(KEY);
    s.authKey![0] = 0;
    assert.deepEqual(s.authKey, KEY);
  });

  it("rejects malformed values with TypeError/RangeError, naming the field", async () => {
    const s = await openSession(":memory:");
    assert.throws(() => {
      s.authKey = new Uint8Array(255);
    }, RangeError);
    await assert.rejects(
      s.setAuthKey(new Uint8Array(257)),
      /256 bytes, got 257/,
    );
    await assert.rejects(s.setAuth({ authKey: "x" as never }), TypeError);
    await assert.rejects(s.setDc(0, "a", 443), RangeError);
    await assert.rejects(s.setDc(2, "", 443), TypeError);
    await assert.rejects(s.setDc(2, "a", 70000), /port/);
    await assert.rejects(s.setAuth({ takeoutId: 2n ** 63n }), RangeError);
    await assert.rejects(s.setAuth({ userId: 2 ** 53 }), RangeError);
    await assert.rejects(s.setAuth({ testMode: 1 as never }), TypeError);
    assert.equal(s.authKey, null, "nothing was stored");
    assert.equal(s.dcId, null);
  });

  it("a failed background write surfaces at save()", async (t) => {
    const storage = new MemoryStorage();
    const s = await openSession(storage);
    const original = storage.setAuth;
    storage.setAuth = () => Promise.reject(new Error("disk full"));
    t.after(() => {
      storage.setAuth = original;
    });
    s.authKey = KEY;
    const error = await s.save().catch((e) => e);
    assert.ok(error instanceof SessionError);
    assert.equal((error.cause as Error).message, "disk full");
    storage.setAuth = original;
    await s.save(); // reported once, then clear
  });

  it("auth writes reach the storage in the order they were made", async () => {
    // A storage whose first write is the slowest, as a pool's connections
    // can be: the later key must still be the one stored.
    class Slow extends MemoryStorage {
      delays = [60, 0, 0, 0];
      override async setAuth(
        patch: Parameters<MemoryStorage["setAuth"]>[0],
      ): Promise<void> {
        const delay = this.delays.shift() ?? 0;
        await new Promise((r) => setTimeout(r, delay));
        await super.setAuth(patch);
      }
    }
    const other = KEY.map((b) => b ^ 0xff);
    const storage = new Slow();
    const s = await openSession(storage);
    s.authKey = KEY;
    s.authKey = other;
    await s.save();
    assert.deepEqual((await storage.getAuth()).authKey, other);

    storage.delays = [60, 0];
    const durable = s.setAuth({ dcId: 1 });
    s.dcId = 4;
    await durable;
    await s.save();
    assert.equal(s.dcId, 4);
    assert.equal((await storage.getAuth()).dcId, 4);
    await s.close();
  });

  it("a failed setAuth leaves the fields as they were", async (t) => {
    const storage = new MemoryStorage();
    const s = await openSession(storage);
    await s.setDc(2, "149.154.167.51", 443);
    const original = storage.setAuth;
    storage.setAuth = () => Promise.reject(new Error("disk full"));
    t.after(() => {
      storage.setAuth = original;
    });
    await assert.rejects(s.setDc(4, "149.154.167.91", 443), /disk full/);
    assert.equal(s.dcId, 2);
    assert.equal(s.serverAddress, "149.154.167.51");
    storage.setAuth = original;
    await s.close();
  });
});

describe("Session update states and file cache", () => {
  it("stores account and channel states", async () => {
    const s = await openSession(":memory:");
    await s.setUpdateState({ entityId: 0, pts: 1, qts: 2, date: 3, seq: 4 });
    await s.setUpdateState({
      entityId: -1001876543210,
      pts: 5,
      qts: 0,
      date: 6.5,
      seq: 0,
    });
    assert.deepEqual(await s.getUpdateState(0), {
      entityId: 0,
      pts: 1,
      qts: 2,
      date: 3,
      seq: 4,
    });
    assert.equal((await s.getUpdateStates()).length, 2);
    await s.deleteUpdateState(0);
    assert.equal(await s.getUpdateState(0), undefined);
    await assert.rejects(
      s.setUpdateState({ entityId: 0, pts: -1, qts: 0, date: 0, seq: 0 }),
      RangeError,
    );
  });

  it("caches uploads by md5, size and type", async () => {
    const s = await openSession(":memory:");
    const md5 = new Uint8Array(16).fill(9);
    await s.cacheFile({
      md5,
      size: 10,
      type: "photo",
      id: 2n ** 62n,
      accessHash: -3n,
    });
    assert.equal((await s.getCachedFile(md5, 10, "photo"))?.id, 2n ** 62n);
    assert.equal(await s.getCachedFile(md5, 10, "document"), undefined);
    await assert.rejects(
      s.cacheFile({
        md5: new Uint8Array(3),
        size: 1,
        type: "photo",
        id: 1n,
        accessHash: 1n,
      }),
      TypeError,
    );
    await assert.rejects(s.getCachedFile(md5, 10, "video" as never), TypeError);
  });
});

describe("Session lifecycle", () => {
  it("close() ends use; a second close is harmless", async () => {
    const s = await openSession(":memory:");
    await s.close();
    await s.close();
    assert.equal(s.closed, true);
    await assert.rejects(s.getInputPeer(1), SessionClosedError);
    assert.throws(() => {
      s.dcId = 2;
    }, SessionClosedError);
  });

  it("await using closes the session", async () => {
    let outer: Session | undefined;
    {
      await using s = await openSession(":memory:");
      outer = s;
      assert.equal(s.closed, false);
    }
    assert.equal(outer.closed, true);
  });

  it("clone() copies everything into an independent session", async () => {
    const s = await openSession(":memory:");
    await s.setDc(2, "149.154.167.51", 443);
    await s.setAuthKey(KEY);
    await s.processEntities({
      _: "user",
      id: 1,
      accessHash: 2n ** 63n - 1n,
      username: "one",
      phone: "123",
    });
    await s.setUpdateState({ entityId: 0, pts: 1, qts: 1, date: 1, seq: 1 });
    await s.cacheFile({
      md5: new Uint8Array(16),
      size: 1,
      type: "document",
      id: 1n,
      accessHash: 1n,
    });
    const c = await s.clone();
    assert.deepEqual(c.getAuth(), s.getAuth());
    assert.deepEqual(await c.listPeers(), await s.listPeers());
    assert.deepEqual(await c.getUpdateStates(), await s.getUpdateStates());
    assert.deepEqual(await c.listCachedFiles(), await s.listCachedFiles());
    await c.processEntities({ _: "user", id: 2, accessHash: 1n });
    assert.equal(await s.countPeers(), 1, "the original is untouched");
  });

  it("delete() forgets everything", async () => {
    const storage = new MemoryStorage();
    const s = await openSession(storage);
    await s.setAuthKey(KEY);
    await s.delete();
    assert.equal(s.closed, true);
    await assert.rejects(storage.getAuth(), SessionClosedError);
  });

  it("openSession accepts a storage of your own, and rejects other things", async () => {
    const calls: string[] = [];
    const inner = new MemoryStorage();
    const own: SessionStorage = new Proxy(inner, {
      get(target, prop, receiver): unknown {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== "function") return v;
        return (...args: unknown[]) => {
          calls.push(String(prop));
          return v.apply(target, args);
        };
      },
    });
    const s = await openSession(own);
    await s.processEntities({ _: "user", id: 1, accessHash: 1n });
    await s.getInputPeer(1);
    // Opening reads the login: auth, data centers and the other DCs' keys.
    assert.deepEqual(calls, [
      "getAuth",
      "getDcs",
      "getAuthKeys",
      "putPeers",
      "findPeer",
    ]);
    await assert.rejects(openSession({} as never), TypeError);
    await assert.rejects(
      openSession("no/such/dir/file"),
      /Cannot create no\/such\/dir\/file\.session: the directory no\/such\/dir does not exist/,
    );
    await assert.rejects(openSession(""), TypeError);
  });
});
