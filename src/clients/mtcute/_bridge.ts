// The state the five repositories of one mtcute storage share: the session
// (where everything it has a place for goes), the write-behind update
// states, and the memory-only area. The repositories translate mtcute's
// calls onto these; they keep nothing of their own. Private to the library.

import type { Session } from "../../session.ts";
import { findDcByAddress } from "../../strings/dc_table.ts";
import { MemoryArea } from "./_memory_area.ts";
import { UpdateStates } from "./_update_states.ts";
import type { MtcuteStorageOptions } from "./types.ts";

/** The shared state of one mtcute storage. */
export class Bridge {
  readonly session: Session;
  readonly options: MtcuteStorageOptions;
  readonly states: UpdateStates;
  readonly memory: MemoryArea;

  constructor(session: Session, options: MtcuteStorageOptions) {
    this.session = session;
    this.options = options;
    this.states = new UpdateStates(session);
    this.memory = new MemoryArea(options.completeCacheSize ?? 10_000);
  }

  /**
   * Whether the client is on test servers: the session's flag, else the
   * option, else what the DC table says of the address.
   */
  testModeFor(address: string | null): boolean {
    return this.session.testMode ?? this.options.testMode ??
      (address === null ? false : findDcByAddress(address)?.testMode ?? false);
  }
}
