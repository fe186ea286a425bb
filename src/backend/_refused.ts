// Peers a backend could not hold, reported once as PeerRefusedError by the
// flush (save) or close after the write that left them out. Private to the
// library.

import { PeerRefusedError, type RefusedPeer } from "../errors.ts";
import type { PeerRecord } from "../types.ts";
import type { Refused } from "./_write_behind.ts";

/** Why a backend refused one peer: the field, if known, and a reason. */
export type Explain = (
  record: PeerRecord,
  error: unknown,
) => { field: string | null; reason: string };

/**
 * Throws PeerRefusedError for what a queue left out, if anything; the
 * first underlying error is its cause.
 */
export function reportRefused(
  storage: string,
  refused: readonly Refused<PeerRecord>[],
  explain: Explain,
): void {
  if (refused.length === 0) return;
  const peers: RefusedPeer[] = refused.map(({ item, error }) => ({
    id: item.id,
    ...explain(item, error),
  }));
  throw new PeerRefusedError(storage, peers, { cause: refused[0]!.error });
}
