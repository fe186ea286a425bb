/**
 * Errors callers can branch on. Bad arguments throw the built-in
 * `TypeError` or `RangeError` instead.
 *
 * No message built here ever contains an auth key, a session string or a
 * phone number.
 *
 * @module
 */

/**
 * Base class of every error this library throws for a condition a caller
 * may want to handle.
 *
 * @example Usage
 * ```ts
 * import { openSession, SessionError } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const session = await openSession(":memory:");
 * await assert.rejects(session.getInputPeer("nobody_here"), SessionError);
 * ```
 */
export class SessionError extends Error {
  /**
   * Creates the error.
   *
   * @param message What went wrong and what to do.
   * @param options Standard error options, e.g. `cause`.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SessionError";
  }
}

/** Which kind of key a failed peer lookup used. */
export type PeerKeyKind =
  | "id"
  | "username"
  | "phone"
  | "name"
  | "invite"
  | "peer";

/** What an error may quote of a key: at most this many characters. */
const MAX_QUOTED = 64;

/**
 * A key as an error may show it: at most MAX_QUOTED characters, and every
 * run of 5 or more digits (with the separators phone numbers are written
 * with) masked, since it could be a phone number.
 */
function printableKey(key: string): string {
  const head = key.length <= MAX_QUOTED ? key : key.slice(0, MAX_QUOTED);
  const masked = head.replace(
    /[\d\s().+\-\u2010-\u2015\u2212]+/g,
    (run) => run.replace(/\D/g, "").length >= 5 ? run.replace(/\d/g, "#") : run,
  );
  return key.length <= MAX_QUOTED
    ? masked
    : `${masked}… (${key.length} characters)`;
}

/**
 * No cached peer matches the key. The message names the key, except for a
 * phone number, which is never shown: a key is quoted up to 64
 * characters, with every run of five or more digits masked.
 *
 * @example Usage
 * ```ts
 * import { openSession, PeerNotFoundError } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const session = await openSession(":memory:");
 * const error = await session.getInputPeer("@durov").catch((e) => e);
 * assert.ok(error instanceof PeerNotFoundError);
 * assert.equal(error.kind, "username");
 * ```
 */
export class PeerNotFoundError extends SessionError {
  /** What the key was read as. */
  readonly kind: PeerKeyKind;
  /**
   * A printable form of the key (`"<phone number>"` for phones; others
   * bounded and with digit runs masked).
   */
  readonly key: string;

  /**
   * Creates the error.
   *
   * @param kind What the key was read as.
   * @param key A printable, non-secret form of the key.
   */
  constructor(kind: PeerKeyKind, key: string) {
    // Ids are no secret; anything else may hold a phone number.
    const shown = kind === "id" || kind === "peer" ? key : printableKey(key);
    super(
      `No cached peer for ${kind} ${shown}: the client must see this peer ` +
        `(or resolve it on Telegram) before it can be addressed`,
    );
    this.name = "PeerNotFoundError";
    this.kind = kind;
    this.key = shown;
  }
}

/**
 * The session was used after `close()` or `delete()`.
 *
 * @example Usage
 * ```ts
 * import { openSession, SessionClosedError } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const session = await openSession(":memory:");
 * await session.close();
 * await assert.rejects(session.save(), SessionClosedError);
 * ```
 */
export class SessionClosedError extends SessionError {
  /**
   * Creates the error.
   *
   * @param what What was attempted.
   */
  constructor(what: string) {
    super(`Cannot ${what}: the session is closed; open it again`);
    this.name = "SessionClosedError";
  }
}

/** The string-session formats this library reads and writes. */
export type StringFormat =
  | "telethon"
  | "pyrogram"
  | "gramjs"
  | "mtcute"
  | "mtkruto"
  | "mtsession";

/** Why one format could not read a string. */
export interface FormatAttempt {
  /** The format tried. */
  readonly format: StringFormat;
  /** Why it did not fit (never quotes the string). */
  readonly reason: string;
}

/**
 * A session string could not be read (or written). When the format was not
 * given, `attempts` says which formats were tried and why each failed. The
 * message never contains the string or any part of it.
 *
 * @example Usage
 * ```ts
 * import { decodeSessionString, SessionStringError } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const error = await decodeSessionString("not a session").catch((e) => e);
 * assert.ok(error instanceof SessionStringError);
 * assert.ok(error.attempts.some((a) => a.format === "telethon"));
 * ```
 */
export class SessionStringError extends SessionError {
  /** The format that was asked for or recognised, if any. */
  readonly format: StringFormat | null;
  /** Every format tried and why it failed. */
  readonly attempts: readonly FormatAttempt[];

  /**
   * Creates the error.
   *
   * @param message What went wrong and what to do.
   * @param format The format concerned, if known.
   * @param attempts The formats tried.
   * @param options Standard error options.
   */
  constructor(
    message: string,
    format: StringFormat | null = null,
    attempts: readonly FormatAttempt[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "SessionStringError";
    this.format = format;
    this.attempts = attempts;
  }
}

/**
 * An encrypted session string needs a passphrase, or the one given is wrong
 * (or the string was altered: the two cannot be told apart). A Telegram
 * Desktop `tdata` folder with a local passcode gives the same error when the
 * passcode is missing or wrong (`format` is then `null`).
 *
 * @example Usage
 * ```ts
 * import { decodeSessionString, encodeSessionString, PassphraseError } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const text = await encodeSessionString(
 *   { dcId: 2, authKey: new Uint8Array(256).fill(1) },
 *   "mtsession",
 *   { passphrase: "right", iterations: 1000 },
 * );
 * await assert.rejects(decodeSessionString(text, { passphrase: "wrong" }), PassphraseError);
 * ```
 */
export class PassphraseError extends SessionStringError {
  /**
   * Creates the error.
   *
   * @param message What went wrong.
   * @param format The string format, or `null` for a tdata folder.
   */
  constructor(message: string, format: StringFormat | null = "mtsession") {
    super(message, format);
    this.name = "PassphraseError";
  }
}

/**
 * The target format needs fields the session does not have. Pass them as
 * options (`apiId`, `userId`, `isBot`, `testMode`) to fill them.
 *
 * @example Usage
 * ```ts
 * import { encodeSessionString, MissingFieldsError } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const error = await encodeSessionString(
 *   { dcId: 2, authKey: new Uint8Array(256).fill(1) },
 *   "pyrogram",
 * ).catch((e) => e);
 * assert.ok(error instanceof MissingFieldsError);
 * assert.deepEqual(error.fields, ["apiId", "userId", "isBot"]);
 * ```
 */
export class MissingFieldsError extends SessionStringError {
  /** The fields the target format needs and the session lacks. */
  readonly fields: readonly string[];

  /**
   * Creates the error.
   *
   * @param format The target format.
   * @param fields The missing fields.
   */
  constructor(format: StringFormat, fields: readonly string[]) {
    super(
      `Cannot write a ${format} session string: it needs ${
        fields.join(", ")
      }, which this session does not have; pass ${
        fields.length === 1 ? "it" : "them"
      } as options`,
      format,
    );
    this.name = "MissingFieldsError";
    this.fields = fields;
  }
}

/**
 * The session file is open in another process (or another connection of
 * this one). A session must not run twice: Telegram revokes an auth key
 * used from two places at once (AUTH_KEY_DUPLICATED). Pass `wait` to wait
 * for the other user to close it instead.
 *
 * @example Usage
 * ```ts ignore
 * import { openSession, SessionInUseError } from "@mtsession/mtsession";
 *
 * try {
 *   await openSession("bot");
 * } catch (e) {
 *   if (e instanceof SessionInUseError) console.error(e.message);
 * }
 * ```
 */
export class SessionInUseError extends SessionError {
  /** The file, or store and session id, that is in use. */
  readonly path: string;

  /**
   * Creates the error.
   *
   * @param path The session file (or `store#id`).
   * @param options Standard error options (the driver's error as `cause`).
   */
  constructor(path: string, options?: ErrorOptions) {
    super(
      `Session ${path} is in use by another process or connection: close it ` +
        `there first, or open with { wait } to wait for it`,
      options,
    );
    this.name = "SessionInUseError";
    this.path = path;
  }
}

/**
 * A file is not a session this library can open for writing: not SQLite,
 * empty, corrupted, another program's database, a foreign session file
 * (Telethon, Pyrogram) where an mtsession file was expected, or one written
 * by a newer mtsession. `found` says what it is. The file is never
 * modified.
 *
 * @example Usage
 * ```ts ignore
 * import { openSession, SessionFileError } from "@mtsession/mtsession";
 *
 * try {
 *   await openSession("notes.txt");
 * } catch (e) {
 *   if (e instanceof SessionFileError) console.error(e.found);
 * }
 * ```
 */
export class SessionFileError extends SessionError {
  /** The file. */
  readonly path: string;
  /** What the file was found to be. */
  readonly found: string;

  /**
   * Creates the error.
   *
   * @param path The file.
   * @param found What it is (e.g. "a Telethon session file (schema 7)").
   * @param advice What to do instead.
   * @param options Standard error options.
   */
  constructor(
    path: string,
    found: string,
    advice: string,
    options?: ErrorOptions,
  ) {
    super(`${path} is ${found}: ${advice}; it was not modified`, options);
    this.name = "SessionFileError";
    this.path = path;
    this.found = found;
  }
}

/** Why a ZIP file was refused, as {@linkcode ZipError} tells. */
export type ZipProblem =
  | "damaged"
  | "encrypted"
  | "zip64"
  | "unsupported"
  | "too large";

/**
 * A ZIP file (a zipped tdata folder) could not be read: it is cut short or
 * damaged (`"damaged"`), password-protected (`"encrypted"`), needs ZIP64
 * (`"zip64"`: over 4 GiB or 65,535 entries), uses a compression other than
 * stored or DEFLATE or spans disks (`"unsupported"`), or an entry is larger
 * than allowed (`"too large"`, against zip bombs). `path` is the ZIP, or
 * the entry inside it (`backup.zip/tdata/key_datas`).
 *
 * @example Usage
 * ```ts
 * import { readTdataZip, ZipError } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   readTdataZip(new Uint8Array([0x50, 0x4b, 3, 4]), { name: "cut.zip" }),
 *   (e) => e instanceof ZipError && e.problem === "damaged",
 * );
 * ```
 */
export class ZipError extends SessionFileError {
  /** Why the ZIP was refused. */
  readonly problem: ZipProblem;

  /**
   * Creates the error.
   *
   * @param path The ZIP file, or the entry inside it.
   * @param problem Why it was refused.
   * @param found What it was found to be.
   * @param options Standard error options.
   */
  constructor(
    path: string,
    problem: ZipProblem,
    found: string,
    options?: ErrorOptions,
  ) {
    super(
      path,
      found,
      problem === "encrypted"
        ? "unzip it with its password and zip the folder again without one"
        : problem === "damaged"
        ? "zip the folder again, or copy it whole"
        : "zip the tdata folder alone again with a plain ZIP tool (stored " +
          "or DEFLATE, no ZIP64)",
      options,
    );
    this.name = "ZipError";
    this.problem = problem;
  }
}

/** An account of a tdata folder, as {@linkcode TdataAccountError} lists it. */
export interface TdataAccountChoice {
  /** Its index in Telegram Desktop (0-5): the value to pass as `account`. */
  readonly index: number;
  /** Its user id (0 when not logged in). */
  readonly userId: number | bigint;
  /** Whether Telegram Desktop opens it first. */
  readonly active: boolean;
}

/**
 * A Telegram Desktop `tdata` folder was read as one session, but it holds
 * several accounts and none was chosen, or not the account asked for.
 * `accounts` lists what the folder has (indexes and user ids, never a
 * key); pass one index as the `account` option (`--account N` in the
 * CLI). The folder is never modified.
 *
 * @example Usage
 * ```ts ignore
 * import { readSessionFile, TdataAccountError } from "@mtsession/mtsession";
 *
 * try {
 *   await readSessionFile("tdata");
 * } catch (e) {
 *   if (!(e instanceof TdataAccountError)) throw e;
 *   const first = e.accounts[0]!.index;
 *   await readSessionFile("tdata", { account: first });
 * }
 * ```
 */
export class TdataAccountError extends SessionFileError {
  /** The accounts the folder holds, in its order. */
  readonly accounts: readonly TdataAccountChoice[];
  /** The index asked for, or `null` when none was. */
  readonly requested: number | null;

  /**
   * Creates the error.
   *
   * @param path The tdata folder.
   * @param accounts Its accounts.
   * @param requested The index asked for, if any.
   */
  constructor(
    path: string,
    accounts: readonly TdataAccountChoice[],
    requested: number | null,
  ) {
    const list = accounts.map((a) =>
      `${a.index}: user ${a.userId}${a.active ? ", active" : ""}`
    ).join("; ");
    super(
      path,
      requested === null
        ? `a Telegram Desktop folder with ${accounts.length} accounts (${list})`
        : `a Telegram Desktop folder without account ${requested} (it has ${list})`,
      "choose one by its index with the account option (--account N on " +
        "the command line)",
    );
    this.name = "TdataAccountError";
    this.accounts = accounts.map((a) => ({ ...a }));
    this.requested = requested;
  }
}

/** One peer a storage could not hold, and why. */
export interface RefusedPeer {
  /** Its marked id. */
  readonly id: number;
  /** The field that did not fit (`"name"`, `"usernames"`, …), if known. */
  readonly field: string | null;
  /** Why, without the value itself. */
  readonly reason: string;
}

/**
 * Peers a storage could not hold were left out; every other peer of the
 * same writes was stored. Reported once, by the `save()` (or `close()`)
 * after the write. Values every backend can hold are normalised before
 * they reach a storage (see the README), so this names what one backend
 * alone cannot store, such as a Deno KV key over 2 KiB.
 *
 * @example Usage
 * ```ts
 * import { PeerRefusedError } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const error = new PeerRefusedError("deno-kv", [
 *   { id: 42, field: "usernames", reason: "a key over 2048 bytes" },
 * ]);
 * assert.match(error.message, /peer 42 \(usernames: a key over 2048 bytes\)/);
 * ```
 */
export class PeerRefusedError extends SessionError {
  /** The peers left out. */
  readonly peers: readonly RefusedPeer[];

  /**
   * Creates the error.
   *
   * @param storage Which storage refused them.
   * @param peers The peers left out.
   * @param options The first underlying error as `cause`.
   */
  constructor(
    storage: string,
    peers: readonly RefusedPeer[],
    options?: ErrorOptions,
  ) {
    const shown = peers.slice(0, 5).map((p) =>
      `peer ${p.id} (${p.field === null ? "" : `${p.field}: `}${p.reason})`
    ).join(", ");
    super(
      `${peers.length} ${peers.length === 1 ? "peer was" : "peers were"} ` +
        `not stored: ${storage} cannot hold ${shown}` +
        `${peers.length > 5 ? `, and ${peers.length - 5} more` : ""}; ` +
        "every other peer was stored",
      options,
    );
    this.name = "PeerRefusedError";
    this.peers = peers;
  }
}

/** One client value a storage could not hold, and why. */
export interface RefusedValue {
  /** The value's name (at most 64 characters of it). */
  readonly name: string;
  /** Why, without the bytes. */
  readonly reason: string;
}

/**
 * Client values a storage could not hold were left out; every other
 * change of the same `setValues` was stored, and later writes are not
 * affected. Thrown by that `setValues`. Deno KV, for instance, holds
 * values up to 64 KiB and keys up to 2 KiB: keep such a value smaller
 * (split it under several names), or use another backend.
 *
 * @example Usage
 * ```ts
 * import { ValueRefusedError } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const error = new ValueRefusedError("deno-kv", [
 *   { name: "salts:2", reason: "its bytes are over 65536 bytes" },
 * ]);
 * assert.match(error.message, /"salts:2" \(its bytes are over 65536 bytes\)/);
 * assert.equal(error.values[0]?.name, "salts:2");
 * ```
 */
export class ValueRefusedError extends SessionError {
  /** The values left out. */
  readonly values: readonly RefusedValue[];

  /**
   * Creates the error.
   *
   * @param storage Which storage refused them.
   * @param values The values left out (names are shortened to 64
   * characters).
   * @param options Standard error options.
   */
  constructor(
    storage: string,
    values: readonly RefusedValue[],
    options?: ErrorOptions,
  ) {
    const named = values.map((v) => ({
      name: v.name.length <= MAX_QUOTED
        ? v.name
        : `${v.name.slice(0, MAX_QUOTED)}…`,
      reason: v.reason,
    }));
    const shown = named.slice(0, 5).map((v) =>
      `${JSON.stringify(v.name)} (${v.reason})`
    ).join(", ");
    super(
      `${values.length} client ${
        values.length === 1 ? "value was" : "values were"
      } not stored: ${storage} cannot hold ${shown}` +
        `${values.length > 5 ? `, and ${values.length - 5} more` : ""}; ` +
        "every other change was stored; store a smaller value (or split it " +
        "under several names), or use another backend",
      options,
    );
    this.name = "ValueRefusedError";
    this.values = named;
  }
}
