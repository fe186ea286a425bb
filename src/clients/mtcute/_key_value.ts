// mtcute's IKeyValueRepository: its own keys are read and written as the
// session's fields (`dc_main`, `current_user`) and update states
// (`updates_*`); any other key, and a value of ours that cannot be read,
// is kept in the memory area. Private to the library.

import { readMtcuteDc, writeMtcuteDc } from "../../strings/_mtcute_dc.ts";
import { dcAddress } from "../../strings/dc_table.ts";
import type { DcOption } from "../../strings/types.ts";
import type { AuthState } from "../../types.ts";
import type { Bridge } from "./_bridge.ts";
import {
  type CurrentUser,
  int32le,
  readCurrentUser,
  readInt32le,
  writeCurrentUser,
} from "./_codecs.ts";
import type { CommonState } from "./_update_states.ts";
import type { MtcuteKeyValueRepository } from "./types.ts";

// mtcute's key-value keys (storage/service/*.js, highlevel/storage/service).
const KV_DC_MAIN = "dc_main";
const KV_CURRENT_USER = "current_user";
const KV_CHANNEL = "updates_channel:";
const STATE_KEYS = new Map<string, keyof CommonState>([
  ["updates_pts", "pts"],
  ["updates_qts", "qts"],
  ["updates_date", "date"],
  ["updates_seq", "seq"],
]);

/** The channel id of an `updates_channel:<id>` key, when it is valid. */
function channelIdOf(key: string): number | undefined {
  if (!key.startsWith(KV_CHANNEL)) return undefined;
  const id = Number(key.slice(KV_CHANNEL.length));
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** mtcute's `dc_main` record, read as mtcute does, or null. */
function readDc(bytes: Uint8Array): DcOption | null {
  try {
    return readMtcuteDc(bytes, false);
  } catch {
    return null;
  }
}

/** The key-value area. */
export class KeyValue implements MtcuteKeyValueRepository {
  #b: Bridge;
  constructor(bridge: Bridge) {
    this.#b = bridge;
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    const { memory, session, states } = this.#b;
    if (key === KV_DC_MAIN) {
      const dc = readDc(value);
      if (dc) {
        await this.#setMainDc({
          dcId: dc.id,
          serverAddress: dc.address,
          port: dc.port,
          testMode: dc.testMode,
        });
        return;
      }
    } else if (key === KV_CURRENT_USER) {
      const user = readCurrentUser(value);
      memory.setUser(user);
      await session.setAuth({
        userId: user?.userId ?? null,
        isBot: user?.isBot ?? null,
      });
      return;
    } else if (STATE_KEYS.has(key)) {
      await states.setCommon(STATE_KEYS.get(key)!, readInt32le(value, false));
      return;
    } else {
      const id = channelIdOf(key);
      const pts = id === undefined ? null : readInt32le(value, true);
      if (id !== undefined && pts !== null) {
        await states.setChannel(id, pts);
        return;
      }
    }
    memory.setKv(key, value);
  }

  async get(key: string): Promise<Uint8Array | null> {
    const { memory, states } = this.#b;
    if (key === KV_DC_MAIN) return this.#mainDc();
    if (key === KV_CURRENT_USER) {
      const user = this.#currentUser();
      return user === null ? null : writeCurrentUser(user);
    }
    if (STATE_KEYS.has(key)) {
      const v = await states.common(STATE_KEYS.get(key)!);
      return v === null ? null : int32le(v, false);
    }
    const id = channelIdOf(key);
    if (id !== undefined) {
      const pts = await states.channel(id);
      return pts === undefined ? null : int32le(pts, true);
    }
    return memory.kv(key);
  }

  async delete(key: string): Promise<void> {
    const { memory, session, states } = this.#b;
    if (key === KV_DC_MAIN) {
      await this.#setMainDc({ dcId: null, serverAddress: null, port: null });
    } else if (key === KV_CURRENT_USER) {
      memory.setUser(null);
      await session.setAuth({ userId: null, isBot: null });
    } else if (STATE_KEYS.has(key)) {
      await states.setCommon(STATE_KEYS.get(key)!, null);
    } else {
      const id = channelIdOf(key);
      if (id !== undefined) await states.setChannel(id, null);
    }
    memory.deleteKv(key);
  }

  async deleteAll(): Promise<void> {
    const { memory, session, states } = this.#b;
    await states.load();
    memory.clearKv();
    memory.setUser(null);
    await session.setAuth({ userId: null, isBot: null });
    await states.clear();
    await states.save();
  }

  /** mtcute's `dc_main` record, made from the session's DC. */
  #mainDc(): Uint8Array | null {
    const s = this.#b.session;
    if (s.dcId === null || s.dcId > 255) return null;
    const testMode = this.#b.testModeFor(s.serverAddress);
    const table = dcAddress(s.dcId, testMode);
    const address = s.serverAddress ?? table?.address;
    const port = s.port ?? table?.port;
    if (address === undefined || port === undefined) return null;
    return writeMtcuteDc({
      id: s.dcId,
      address,
      port,
      ipv6: address.includes(":"),
      mediaOnly: false,
      testMode,
    });
  }

  /** Moves the session to another DC; its key goes with the old DC. */
  async #setMainDc(patch: Partial<AuthState>): Promise<void> {
    const { memory, session: s } = this.#b;
    const next = patch.dcId ?? null;
    if (next !== s.dcId) {
      const oldKey = s.authKey;
      if (s.dcId !== null && oldKey !== null) memory.setKey(s.dcId, oldKey);
      const key = next === null ? undefined : memory.key(next);
      if (next !== null) memory.setKey(next, null);
      patch = { ...patch, authKey: key ?? null };
    }
    await s.setAuth(patch);
  }

  /** The current user: the session's id and bot flag, mtcute's extras. */
  #currentUser(): CurrentUser | null {
    const { memory, session: s } = this.#b;
    if (s.userId === null) return null;
    const extra = memory.user(s.userId);
    return {
      userId: s.userId,
      isBot: s.isBot ?? false,
      isPremium: extra?.isPremium ?? false,
      usernames: extra ? extra.usernames : [],
    };
  }
}
