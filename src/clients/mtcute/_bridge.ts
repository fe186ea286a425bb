// The state the five repositories of one mtcute storage share: the session
// (where everything of mtcute's goes) and the write-behind update states.
// The repositories translate mtcute's calls onto these; they keep nothing
// of their own. Private to the library.

import type { Session } from "../../session.ts";
import { findDcByAddress } from "../../strings/dc_table.ts";
import { UpdateStates } from "./_update_states.ts";
import type { MtcuteStorageOptions } from "./types.ts";

/**
 * The prefix of the session's client values that hold mtcute's: a
 * key-value entry the session has no field for is the value
 * `mtcute:<key>`; the current user's extra fields are
 * `mtcute:current_user`.
 */
export const VALUE_PREFIX = "mtcute:";

/** The shared state of one mtcute storage. */
export class Bridge {
  readonly session: Session;
  readonly options: MtcuteStorageOptions;
  readonly states: UpdateStates;

  constructor(session: Session, options: MtcuteStorageOptions) {
    this.session = session;
    this.options = options;
    this.states = new UpdateStates(session);
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
