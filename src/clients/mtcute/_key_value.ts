// mtcute's IKeyValueRepository over the session: its DC records are the
// session's main DC and data centers (`dc_main`, `dc_media`), its current
// user is the session's `userId` and `isBot` plus the client value
// `mtcute:current_user` (premium, usernames), its update states the
// session's (`updates_*`), and any other key (`salts:<dc>`, …) the client
// value `mtcute:<key>`. Private to the library.

import { readMtcuteDc, writeMtcuteDc } from "../../strings/_mtcute_dc.ts";
import { dcAddress } from "../../strings/dc_table.ts";
import type { DcOption } from "../../strings/types.ts";
import type { DataCenter } from "../../types.ts";
import { type Bridge, VALUE_PREFIX } from "./_bridge.ts";
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
const KV_DC_MEDIA = "dc_media";
const KV_CURRENT_USER = "current_user";
const KV_CHANNEL = "updates_channel:";
const STATE_KEYS = new Map<string, keyof CommonState>([
  ["updates_pts", "pts"],
  ["updates_qts", "qts"],
  ["updates_date", "date"],
  ["updates_seq", "seq"],
]);
const USER_VALUE = `${VALUE_PREFIX}${KV_CURRENT_USER}`;

/** The channel id of an `updates_channel:<id>` key, when it is valid. */
function channelIdOf(key: string): number | undefined {
  if (!key.startsWith(KV_CHANNEL)) return undefined;
  const id = Number(key.slice(KV_CHANNEL.length));
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

/** mtcute's DC record, read as mtcute does, or null when unusable. */
function readDc(bytes: Uint8Array): DcOption | null {
  try {
    const dc = readMtcuteDc(bytes, false);
    const usable = dc.id > 0 && dc.port > 0 && dc.port <= 65535 &&
      dc.address !== "" && dc.address.length <= 253 &&
      !/[\s\0]/.test(dc.address);
    return usable ? dc : null;
  } catch {
    return null;
  }
}

/** The session's data-center entry for an mtcute DC record. */
function toDataCenter(dc: DcOption, mediaOnly: boolean): DataCenter {
  return {
    id: dc.id,
    testMode: dc.testMode,
    mediaOnly,
    ipv4: dc.ipv6 ? null : dc.address,
    ipv6: dc.ipv6 ? dc.address : null,
    port: dc.port,
  };
}

function sameDc(a: DataCenter, b: DataCenter): boolean {
  return a.id === b.id && a.testMode === b.testMode &&
    a.mediaOnly === b.mediaOnly && a.ipv4 === b.ipv4 && a.ipv6 === b.ipv6 &&
    a.port === b.port;
}

/** The key-value area. */
export class KeyValue implements MtcuteKeyValueRepository {
  #b: Bridge;
  constructor(bridge: Bridge) {
    this.#b = bridge;
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    const { session, states } = this.#b;
    // A value of a key the session maps that mtcute could not have written
    // (unreadable) is ignored: mtcute would read it as none.
    if (key === KV_DC_MAIN) {
      const dc = readDc(value);
      if (dc) await this.#setMainDc(dc);
    } else if (key === KV_DC_MEDIA) {
      const dc = readDc(value);
      if (dc) await this.#putDc(toDataCenter(dc, true));
    } else if (key === KV_CURRENT_USER) {
      const user = readCurrentUser(value);
      await session.setAuth({
        userId: user?.userId ?? null,
        isBot: user?.isBot ?? null,
      });
      await session.setValue(USER_VALUE, user && writeCurrentUser(user));
    } else if (STATE_KEYS.has(key)) {
      const v = readInt32le(value, false);
      if (v !== null) await states.setCommon(STATE_KEYS.get(key)!, v);
    } else {
      const id = channelIdOf(key);
      if (id === undefined) {
        await session.setValue(VALUE_PREFIX + key, value);
      } else {
        const pts = readInt32le(value, true);
        if (pts !== null) await states.setChannel(id, pts);
      }
    }
  }

  async get(key: string): Promise<Uint8Array | null> {
    const { session, states } = this.#b;
    if (key === KV_DC_MAIN) return this.#mainDc();
    if (key === KV_DC_MEDIA) return this.#mediaDc();
    if (key === KV_CURRENT_USER) {
      const user = await this.#currentUser();
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
    return (await session.getValue(VALUE_PREFIX + key)) ?? null;
  }

  async delete(key: string): Promise<void> {
    const { session, states } = this.#b;
    if (key === KV_DC_MAIN) {
      await this.#clearMainDc();
    } else if (key === KV_DC_MEDIA) {
      const media = this.#mediaEntry();
      if (media) {
        await session.setDataCenters(
          session.dataCenters.filter((d) => !sameDc(d, media)),
        );
      }
    } else if (key === KV_CURRENT_USER) {
      await session.setAuth({ userId: null, isBot: null });
      await session.setValue(USER_VALUE, null);
    } else if (STATE_KEYS.has(key)) {
      await states.setCommon(STATE_KEYS.get(key)!, null);
    } else {
      const id = channelIdOf(key);
      if (id !== undefined) await states.setChannel(id, null);
      else await session.setValue(VALUE_PREFIX + key, null);
    }
  }

  async deleteAll(): Promise<void> {
    const { session, states } = this.#b;
    await states.load();
    for (const { name } of await session.listValues()) {
      if (name.startsWith(VALUE_PREFIX)) await session.setValue(name, null);
    }
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

  /** The session's media-only data center of the main DC. */
  #mediaEntry(): DataCenter | undefined {
    const s = this.#b.session;
    return s.dataCenters.find((d) => d.mediaOnly && d.id === s.dcId);
  }

  /** mtcute's `dc_media` record, made from the media entry. */
  #mediaDc(): Uint8Array | null {
    const media = this.#mediaEntry();
    const address = media?.ipv4 ?? media?.ipv6 ?? null;
    if (media === undefined || address === null || media.id > 255) {
      return null;
    }
    return writeMtcuteDc({
      id: media.id,
      address,
      port: media.port,
      ipv6: media.ipv4 === null,
      mediaOnly: true,
      testMode: media.testMode,
    });
  }

  /** Adds or replaces a data center, unless the session has it already. */
  async #putDc(dc: DataCenter): Promise<void> {
    const s = this.#b.session;
    if (s.dataCenters.some((d) => sameDc(d, dc))) return;
    await s.putDataCenter(dc);
  }

  /** Moves the session to a DC (its key comes along) and records it. */
  async #setMainDc(dc: DcOption): Promise<void> {
    const s = this.#b.session;
    if (dc.id !== s.dcId) await s.switchDc(dc.id, dc.address, dc.port);
    if (
      s.serverAddress !== dc.address || s.port !== dc.port ||
      s.testMode !== dc.testMode
    ) {
      await s.setAuth({
        serverAddress: dc.address,
        port: dc.port,
        testMode: dc.testMode,
      });
    }
    await this.#putDc(toDataCenter(dc, false));
  }

  /**
   * Leaves the session without a main DC; its key is kept as the old
   * DC's (first, so that a crash in between leaves it twice, never lost).
   */
  async #clearMainDc(): Promise<void> {
    const s = this.#b.session;
    const { dcId, authKey } = s;
    await s.setAuth({ dcId: null, serverAddress: null, port: null });
    if (dcId !== null && authKey !== null) {
      await s.setAuthKeyFor(dcId, authKey);
      await s.setAuthKey(null);
    }
  }

  /** The current user: the session's id and bot flag, mtcute's extras. */
  async #currentUser(): Promise<CurrentUser | null> {
    const s = this.#b.session;
    if (s.userId === null) return null;
    const stored = await s.getValue(USER_VALUE);
    const extra = stored === undefined ? null : readCurrentUser(stored);
    const mine = extra?.userId === s.userId ? extra : null;
    return {
      userId: s.userId,
      isBot: s.isBot ?? false,
      isPremium: mine?.isPremium ?? false,
      usernames: mine ? mine.usernames : [],
    };
  }
}
