// Argument checks for what callers hand to Session. Bad arguments get the
// built-in TypeError / RangeError, naming the field; never its value when
// the value is a secret.

import { storableName, storableUsernames } from "./peers/_text.ts";
import { isInt64 } from "./_int64.ts";
import type {
  AuthState,
  CachedFile,
  DataCenter,
  MessageRef,
  UpdateState,
} from "./types.ts";
import { PEER_TYPES, type PeerRecord } from "./types.ts";

/** Checks an integer in a range, naming the field in the error. */
export function int(
  value: unknown,
  what: string,
  min: number,
  max: number,
): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new TypeError(`Expected ${what} to be an integer`);
  }
  if (value < min || value > max) {
    throw new RangeError(
      `Expected ${what} to be between ${min} and ${max}, got ${value}`,
    );
  }
  return value;
}

function nullable<T>(
  value: T | null | undefined,
  check: (v: T) => T,
): T | null {
  return value === null || value === undefined ? null : check(value);
}

/** Checks an auth key: 256 bytes. Returns a private copy. */
export function checkAuthKey(key: unknown): Uint8Array {
  if (!(key instanceof Uint8Array)) {
    throw new TypeError("Expected the auth key to be a Uint8Array");
  }
  if (key.length !== 256) {
    throw new RangeError(
      `Expected the auth key to be 256 bytes, got ${key.length}`,
    );
  }
  return new Uint8Array(key);
}

/** Checks every field present in an auth patch; returns a clean copy. */
export function checkAuthPatch(patch: Partial<AuthState>): Partial<AuthState> {
  if (typeof patch !== "object" || patch === null) {
    throw new TypeError("Expected an auth state object");
  }
  const out: Partial<AuthState> = {};
  const has = (k: keyof AuthState) => Object.hasOwn(patch, k);
  if (has("dcId")) {
    out.dcId = nullable(patch.dcId, (v) => int(v, "dcId", 1, 0x7fffffff));
  }
  if (has("serverAddress")) {
    out.serverAddress = nullable(patch.serverAddress, (v) => {
      if (typeof v !== "string" || v.trim() === "") {
        throw new TypeError("Expected serverAddress to be a non-empty string");
      }
      return v;
    });
  }
  if (has("port")) {
    out.port = nullable(patch.port, (v) => int(v, "port", 1, 65535));
  }
  if (has("authKey")) out.authKey = nullable(patch.authKey, checkAuthKey);
  if (has("testMode")) {
    out.testMode = nullable(patch.testMode, (v) => bool(v, "testMode"));
  }
  if (has("apiId")) {
    out.apiId = nullable(patch.apiId, (v) => int(v, "apiId", 1, 0x7fffffff));
  }
  if (has("userId")) {
    out.userId = nullable(
      patch.userId,
      (v) => int(v, "userId", 1, Number.MAX_SAFE_INTEGER),
    );
  }
  if (has("isBot")) out.isBot = nullable(patch.isBot, (v) => bool(v, "isBot"));
  if (has("date")) {
    out.date = nullable(patch.date, (v) => {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
        throw new RangeError("Expected date to be a unix time in seconds");
      }
      return v;
    });
  }
  if (has("takeoutId")) {
    out.takeoutId = nullable(patch.takeoutId, (v) => {
      if (!isInt64(v)) {
        throw new RangeError("Expected takeoutId to be a signed 64-bit bigint");
      }
      return v;
    });
  }
  return out;
}

function bool(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`Expected ${what} to be a boolean`);
  }
  return value;
}

/** Checks an update state. */
export function checkUpdateState(s: UpdateState): UpdateState {
  if (typeof s !== "object" || s === null) {
    throw new TypeError("Expected an update state object");
  }
  const max = 0x7fffffff;
  int(s.entityId, "entityId", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (typeof s.date !== "number" || !Number.isFinite(s.date)) {
    throw new TypeError("Expected date to be a unix time in seconds");
  }
  return {
    entityId: s.entityId,
    pts: int(s.pts, "pts", 0, max),
    qts: int(s.qts, "qts", 0, max),
    date: s.date,
    seq: int(s.seq, "seq", 0, max),
  };
}

/** Checks a cached-file entry. */
export function checkFile(f: CachedFile): CachedFile {
  if (typeof f !== "object" || f === null) {
    throw new TypeError("Expected a cached file object");
  }
  checkMd5(f.md5);
  int(f.size, "size", 0, Number.MAX_SAFE_INTEGER);
  checkFileType(f.type);
  if (!isInt64(f.id)) throw new RangeError("Expected id to be a 64-bit bigint");
  if (!isInt64(f.accessHash)) {
    throw new RangeError("Expected accessHash to be a 64-bit bigint");
  }
  return { ...f, md5: f.md5.slice() };
}

/** Checks an MD5 digest: 16 bytes. */
export function checkMd5(md5: unknown): Uint8Array {
  if (!(md5 instanceof Uint8Array) || md5.length !== 16) {
    throw new TypeError("Expected md5 to be a 16-byte Uint8Array");
  }
  return md5;
}

/** Checks a file type. */
export function checkFileType(type: unknown): "document" | "photo" {
  if (type !== "document" && type !== "photo") {
    throw new TypeError('Expected type to be "document" or "photo"');
  }
  return type;
}

/** Checks a peer record given by a caller (not one we normalised). */
export function checkPeer(p: PeerRecord): PeerRecord {
  if (typeof p !== "object" || p === null) {
    throw new TypeError("Expected a peer record object");
  }
  int(p.id, "id", Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (p.id === 0) throw new RangeError("A peer id cannot be 0");
  if (!PEER_TYPES.includes(p.type)) {
    throw new TypeError(`Unknown peer type ${JSON.stringify(p.type)}`);
  }
  if (!isInt64(p.accessHash)) {
    throw new RangeError("Expected accessHash to be a signed 64-bit bigint");
  }
  if (
    !Array.isArray(p.usernames) ||
    p.usernames.some((u) => typeof u !== "string")
  ) {
    throw new TypeError("Expected usernames to be an array of strings");
  }
  if (
    p.phone !== null && (typeof p.phone !== "string" || !/^\d+$/.test(p.phone))
  ) {
    throw new TypeError("Expected phone to be digits or null");
  }
  if (p.name !== null && typeof p.name !== "string") {
    throw new TypeError("Expected name to be a string or null");
  }
  if (typeof p.updatedAt !== "number" || !Number.isFinite(p.updatedAt)) {
    throw new TypeError("Expected updatedAt to be a unix time in seconds");
  }
  if (p.min !== undefined && typeof p.min !== "boolean") {
    throw new TypeError("Expected min to be a boolean when given");
  }
  const out: PeerRecord = {
    id: p.id,
    type: p.type,
    accessHash: p.accessHash,
    usernames: storableUsernames(p.usernames),
    phone: p.phone,
    name: storableName(p.name),
    updatedAt: p.updatedAt,
  };
  if (p.min === true) out.min = true;
  if (p.raw !== undefined) out.raw = checkBytes(p.raw, "raw", MAX_RAW);
  return out;
}

/** The most bytes a peer's `raw` or a client value may hold (1 MiB). */
export const MAX_RAW: number = 1 << 20;

/** Checks bytes of at most `max` length; returns a private copy. */
export function checkBytes(
  value: unknown,
  what: string,
  max: number,
): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`Expected ${what} to be a Uint8Array`);
  }
  if (value.length > max) {
    throw new RangeError(
      `Expected ${what} to hold at most ${max} bytes, got ${value.length}`,
    );
  }
  return value.slice();
}

/** Checks a data-center id (a positive 32-bit integer). */
export function checkDcId(id: unknown): number {
  return int(id, "the DC id", 1, 0x7fffffff);
}

/** Checks a data-center entry; returns a copy. */
export function checkDc(d: DataCenter): DataCenter {
  if (typeof d !== "object" || d === null) {
    throw new TypeError("Expected a data-center object");
  }
  const address = (v: unknown, what: string): string | null => {
    if (v === null) return null;
    if (
      typeof v !== "string" || v.length === 0 || v.length > 253 ||
      /[\s\0]/.test(v)
    ) {
      throw new TypeError(
        `Expected ${what} of DC ${d.id} to be an address or null`,
      );
    }
    return v;
  };
  if (typeof d.testMode !== "boolean" || typeof d.mediaOnly !== "boolean") {
    throw new TypeError("Expected testMode and mediaOnly to be booleans");
  }
  return {
    id: checkDcId(d.id),
    testMode: d.testMode,
    mediaOnly: d.mediaOnly,
    ipv4: address(d.ipv4, "ipv4"),
    ipv6: address(d.ipv6, "ipv6"),
    port: int(d.port, "the port", 1, 65535),
  };
}

/** Checks a list of data centers: one entry per id and mediaOnly. */
export function checkDcs(dcs: readonly DataCenter[]): DataCenter[] {
  if (!Array.isArray(dcs)) {
    throw new TypeError("Expected an array of data centers");
  }
  const seen = new Set<string>();
  return dcs.map((d) => {
    const c = checkDc(d);
    const k = `${c.id}:${c.mediaOnly}`;
    if (seen.has(k)) {
      throw new RangeError(
        `DC ${c.id}${c.mediaOnly ? " (media)" : ""} is listed twice`,
      );
    }
    seen.add(k);
    return c;
  });
}

/** Checks a temporary key's index and expiry. */
export function checkTempKey(index: unknown, expiresAt: unknown): void {
  int(index, "the temporary key's index", 0, 0x7fffffff);
  int(expiresAt, "the temporary key's expiry", 0, Number.MAX_SAFE_INTEGER);
}

/**
 * Checks a client value's name: 1–256 characters, no NUL, no lone
 * surrogate (every backend can hold it as text).
 */
export function checkValueName(name: unknown): string {
  if (typeof name !== "string") {
    throw new TypeError("Expected the value's name to be a string");
  }
  if (name.length === 0 || name.length > 256) {
    throw new RangeError("Expected the value's name to have 1–256 characters");
  }
  if (name.includes("\0") || !name.isWellFormed()) {
    throw new TypeError(
      "Expected the value's name to hold no NUL and no lone surrogate",
    );
  }
  return name;
}

/** Checks a message reference; returns a copy. */
export function checkRef(r: MessageRef): MessageRef {
  if (typeof r !== "object" || r === null) {
    throw new TypeError("Expected a message reference object");
  }
  const id = (v: unknown, what: string): number => {
    const n = int(v, what, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (n === 0) throw new RangeError(`Expected ${what} not to be 0`);
    return n;
  };
  return {
    peerId: id(r.peerId, "the reference's peer id"),
    chatId: id(r.chatId, "the reference's chat id"),
    messageId: int(r.messageId, "the message id", 1, 0x7fffffff),
  };
}
