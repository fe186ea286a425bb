/**
 * Marked peer ids in Bot-API form: users keep their id, basic chats become
 * `-id`, channels and supergroups `-(10^12 + id)`.
 *
 * @module
 */

/** The offset that separates channel ids from chat ids in marked form. */
export const CHANNEL_ID_OFFSET = 1_000_000_000_000;

/** The three kinds of peer a marked id can stand for. */
export type PeerKind = "user" | "chat" | "channel";

/**
 * Turns a bare id into its marked form.
 *
 * @param kind What the id belongs to.
 * @param id The bare, positive id Telegram uses.
 * @returns The marked id.
 * @throws {RangeError} When `id` is not a positive safe integer.
 *
 * @example Usage
 * ```ts
 * import { markPeerId } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * assert.equal(markPeerId("channel", 1987654321), -1001987654321);
 * assert.equal(markPeerId("chat", 987654321), -987654321);
 * ```
 */
export function markPeerId(kind: PeerKind, id: number): number {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new RangeError(`Expected a positive ${kind} id, got ${id}`);
  }
  if (kind === "user") return id;
  if (kind === "chat") return -id;
  if (id >= Number.MAX_SAFE_INTEGER - CHANNEL_ID_OFFSET) {
    throw new RangeError(`Channel id ${id} is too large to mark`);
  }
  return -(CHANNEL_ID_OFFSET + id);
}

/**
 * Splits a marked id into its kind and bare id.
 *
 * @param markedId A marked id.
 * @returns The kind and the bare, positive id.
 * @throws {RangeError} When the id is 0 or not a safe integer.
 *
 * @example Usage
 * ```ts
 * import { parsePeerId } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parsePeerId(-1002876543210), { kind: "channel", id: 2876543210 });
 * assert.deepEqual(parsePeerId(5123456789), { kind: "user", id: 5123456789 });
 * ```
 */
export function parsePeerId(markedId: number): { kind: PeerKind; id: number } {
  if (!Number.isSafeInteger(markedId) || markedId === 0) {
    throw new RangeError(`Expected a non-zero marked peer id, got ${markedId}`);
  }
  if (markedId > 0) return { kind: "user", id: markedId };
  if (markedId < -CHANNEL_ID_OFFSET) {
    return { kind: "channel", id: -markedId - CHANNEL_ID_OFFSET };
  }
  return { kind: "chat", id: -markedId };
}
