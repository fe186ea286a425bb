// mtcute's update states (`updates_pts/qts/date/seq`, `updates_channel:<id>`)
// over the session's: read once, changed in memory, written on save.
// Private to the library.

import { CHANNEL_ID_OFFSET, markPeerId, parsePeerId } from "../../peers/ids.ts";
import type { Session } from "../../session.ts";
import type { UpdateState } from "../../types.ts";

/** The fields of the account's update state that mtcute writes one by one. */
export interface CommonState {
  pts: number | null;
  qts: number | null;
  date: number | null;
  seq: number | null;
}

/** A write-behind copy of the session's update states. */
export class UpdateStates {
  readonly #session: Session;
  #common: CommonState = { pts: null, qts: null, date: null, seq: null };
  #commonDirty = false;
  /** Channel pts by bare channel id. */
  readonly #channels = new Map<number, number>();
  readonly #channelsDirty = new Set<number>();
  #loaded: Promise<void> | undefined;

  constructor(session: Session) {
    this.#session = session;
  }

  /** Reads the session's states, once (again after a failure). */
  load(): Promise<void> {
    this.#loaded ??= this.#load().catch((e: unknown) => {
      this.#loaded = undefined;
      throw e;
    });
    return this.#loaded;
  }

  async #load(): Promise<void> {
    for (const state of await this.#session.getUpdateStates()) {
      if (state.entityId === 0) {
        if (!this.#commonDirty) {
          this.#common = {
            pts: state.pts,
            qts: state.qts,
            date: Math.floor(state.date),
            seq: state.seq,
          };
        }
      } else if (state.entityId < -CHANNEL_ID_OFFSET) {
        const { id } = parsePeerId(state.entityId);
        if (!this.#channelsDirty.has(id)) this.#channels.set(id, state.pts);
      }
    }
  }

  async common(field: keyof CommonState): Promise<number | null> {
    await this.load();
    return this.#common[field];
  }

  async setCommon(
    field: keyof CommonState,
    value: number | null,
  ): Promise<void> {
    await this.load();
    this.#common[field] = value;
    this.#commonDirty = true;
  }

  async channel(id: number): Promise<number | undefined> {
    await this.load();
    return this.#channels.get(id);
  }

  async setChannel(id: number, pts: number | null): Promise<void> {
    await this.load();
    if (pts === null) this.#channels.delete(id);
    else this.#channels.set(id, pts);
    this.#channelsDirty.add(id);
  }

  /** Forgets every state (written on the next save). */
  async clear(): Promise<void> {
    await this.load();
    this.#common = { pts: null, qts: null, date: null, seq: null };
    this.#commonDirty = true;
    for (const id of this.#channels.keys()) this.#channelsDirty.add(id);
    this.#channels.clear();
  }

  /**
   * Writes what changed: the account's state once all four fields are set
   * (deleted once all four are cleared), each changed channel's pts.
   */
  async save(): Promise<void> {
    const session = this.#session;
    if (this.#commonDirty) {
      const { pts, qts, date, seq } = this.#common;
      if (pts !== null && qts !== null && date !== null && seq !== null) {
        await session.setUpdateState({ entityId: 0, pts, qts, date, seq });
      } else if (
        pts === null && qts === null && date === null && seq === null
      ) {
        await session.deleteUpdateState(0);
      }
      this.#commonDirty = false;
    }
    for (const id of [...this.#channelsDirty]) {
      const entityId = markPeerId("channel", id);
      const pts = this.#channels.get(id);
      if (pts === undefined) await session.deleteUpdateState(entityId);
      else {
        const state: UpdateState = { entityId, pts, qts: 0, date: 0, seq: 0 };
        await session.setUpdateState(state);
      }
      this.#channelsDirty.delete(id);
    }
  }
}
