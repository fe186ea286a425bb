/**
 * Reading and writing session strings of every format people hold:
 * Telethon, Pyrogram (three layouts), GramJS, mtcute (string versions 1–3),
 * MTKruto (three layouts), and mtsession's own checked (optionally
 * encrypted) format. Every layout a released version of those libraries
 * wrote is read; the current one of each is written.
 *
 * This file is the public face (re-exported by mod.ts). The private
 * `_dispatch.ts` behind it picks each format's reader or writer
 * (`_telethon.ts`, `_pyrogram.ts`, …); it loads on the first call of
 * {@linkcode decodeSessionString} or {@linkcode encodeSessionString}, not
 * when the library is imported.
 *
 * @module
 */

import type { StringFormat } from "../errors.ts";
import type { AuthState, DataCenter, DcAuthKey } from "../types.ts";
import { blankAuth, inferTestMode } from "./_common.ts";
import { type DcCapacity, droppedDcParts } from "./_dropped_dcs.ts";
import { dcAddress } from "./dc_table.ts";
import { canonicalAddress } from "./_ip.ts";
import type {
  DecodedSessionString,
  DecodeOptions,
  EncodeOptions,
} from "./types.ts";

const dispatch = () => import("./_dispatch.ts");

/**
 * Reads a session string of any supported format, detecting which one it
 * is the way the real libraries tell them apart (prefix, length, version
 * byte, structure). Leading and trailing white space is ignored.
 *
 * @param text The session string.
 * @param options A format to insist on; the passphrase of an encrypted
 * mtsession string.
 * @returns The format found and the session it holds.
 * @throws {SessionStringError} When no format fits; `attempts` lists each
 * format tried and why it failed.
 * @throws {PassphraseError} When an encrypted string has no or a wrong
 * passphrase.
 *
 * @example Usage
 * ```ts
 * import { decodeSessionString, encodeSessionString } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const telethon = await encodeSessionString(
 *   { dcId: 2, serverAddress: "149.154.167.51", port: 443, authKey: new Uint8Array(256).fill(9) },
 *   "telethon",
 * );
 * const found = await decodeSessionString(`  ${telethon}\n`);
 * assert.equal(found.format, "telethon");
 * assert.equal(found.auth.serverAddress, "149.154.167.51");
 * ```
 */
export async function decodeSessionString(
  text: string,
  options: DecodeOptions = {},
): Promise<DecodedSessionString> {
  const { decodeString } = await dispatch();
  return await decodeString(text, options);
}

/**
 * The data centers and keys of a session beside its auth state, for
 * {@linkcode droppedFields}: what `Session.dataCenters` and
 * `Session.authKeys()` give.
 *
 * @example Usage
 * ```ts
 * import type { WholeSessionParts } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const parts: WholeSessionParts = {
 *   authKeys: [{ dcId: 4, key: new Uint8Array(256).fill(4) }],
 * };
 * assert.equal(parts.authKeys?.length, 1);
 * ```
 */
export interface WholeSessionParts {
  /** The data centers the session knows. */
  readonly dataCenters?: readonly DataCenter[];
  /** Permanent keys by DC (the main DC's, when given, is not counted). */
  readonly authKeys?: readonly DcAuthKey[];
}

/**
 * The fields of a session that a format cannot carry (and that a string
 * in that format would therefore lose): auth fields by name, and, when
 * the session's data centers and keys are given, each one the format
 * drops ("auth key of DC 4", "DC 2 media address", "DC 2 IPv6 address").
 *
 * @param auth The session's auth state.
 * @param format The target format.
 * @param whole The session's data centers and keys (optional).
 * @returns Names of the known fields and parts the format drops.
 *
 * @example Usage
 * ```ts
 * import { droppedFields } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(
 *   droppedFields({ dcId: 2, apiId: 1, userId: 5, isBot: false, takeoutId: 3n }, "telethon"),
 *   ["apiId", "userId", "isBot", "takeoutId"],
 * );
 * assert.deepEqual(
 *   droppedFields({ dcId: 2 }, "pyrogram", {
 *     authKeys: [{ dcId: 4, key: new Uint8Array(256) }],
 *   }),
 *   ["auth key of DC 4"],
 * );
 * ```
 */
export function droppedFields(
  auth: Partial<AuthState>,
  format: StringFormat,
  whole: WholeSessionParts = {},
): string[] {
  const a: AuthState = { ...blankAuth(), ...auth };
  // Pyrogram and MTKruto keep only the DC id: the address survives when it
  // is the one Telegram's DC table gives for that id.
  const fromTable = (): boolean => {
    if (a.dcId === null || a.serverAddress === null) return true;
    const dc = dcAddress(a.dcId, a.testMode ?? inferTestMode(a.serverAddress));
    return dc !== undefined &&
      dc.address === canonicalAddress(a.serverAddress) &&
      (a.port === null || a.port === dc.port);
  };
  const address = ["serverAddress", "port"] as const;
  const carried: Record<StringFormat, readonly (keyof AuthState)[]> = {
    telethon: ["dcId", ...address, "authKey"],
    gramjs: ["dcId", ...address, "authKey"],
    pyrogram: ["dcId", "authKey", "testMode", "apiId", "userId", "isBot"],
    mtcute: ["dcId", ...address, "authKey", "testMode", "userId", "isBot"],
    mtkruto: ["dcId", "authKey", "testMode", "apiId", "userId", "isBot"],
    mtsession: Object.keys(a) as (keyof AuthState)[],
  };
  const keeps = (k: keyof AuthState): boolean =>
    carried[format].includes(k) ||
    ((format === "pyrogram" || format === "mtkruto") &&
      (k === "serverAddress" || k === "port") && fromTable());
  const fields = (Object.keys(a) as (keyof AuthState)[]).filter((k) =>
    a[k] !== null && !keeps(k)
  );
  const table = a.dcId === null
    ? undefined
    : dcAddress(a.dcId, a.testMode ?? inferTestMode(a.serverAddress));
  const cap: DcCapacity = format === "mtsession"
    ? { dcs: "all", keys: true, mainAddress: null }
    : {
      dcs: format === "mtcute" ? "media" : "none",
      keys: false,
      mainAddress: format === "pyrogram" || format === "mtkruto"
        ? table?.address ?? null
        : a.serverAddress ?? table?.address ?? null,
    };
  return [
    ...fields,
    ...droppedDcParts(
      a.dcId,
      whole.dataCenters ?? [],
      whole.authKeys ?? [],
      cap,
    ),
  ];
}

/**
 * Writes a session as a string of the given format.
 *
 * Fields the format needs and the session lacks come from `options`
 * (`apiId`, `userId`, `isBot`, `testMode`); without them a
 * {@linkcode MissingFieldsError} names what is missing. Where a format
 * needs an address the session lacks (a Pyrogram session going to
 * Telethon), Telegram's DC table supplies it. Use
 * {@linkcode droppedFields} to see what the format cannot carry.
 *
 * @param data An auth state (or part of one), or a decoded string.
 * @param format The target format.
 * @param options Fills for missing fields; format-specific options.
 * @returns The session string.
 * @throws {MissingFieldsError} When the format needs a field the session
 * lacks.
 * @throws {SessionStringError} When the format cannot express the session
 * (a host name in a Telethon string, a port above 32767 for GramJS, …).
 * @throws {TypeError | RangeError} When a field is malformed.
 *
 * @example Convert a Pyrogram session to Telethon
 * ```ts
 * import { decodeSessionString, encodeSessionString } from "@mtsession/mtsession";
 * import assert from "node:assert/strict";
 *
 * const pyrogram = await encodeSessionString(
 *   { dcId: 4, authKey: new Uint8Array(256).fill(3), apiId: 12345, userId: 777, isBot: false },
 *   "pyrogram",
 * );
 * const telethon = await encodeSessionString(await decodeSessionString(pyrogram), "telethon");
 * const back = await decodeSessionString(telethon);
 * assert.equal(back.format, "telethon");
 * assert.equal(back.auth.serverAddress, "149.154.167.91");
 * ```
 */
export async function encodeSessionString(
  data: Partial<AuthState> | DecodedSessionString,
  format: StringFormat,
  options: EncodeOptions = {},
): Promise<string> {
  const { encodeString } = await dispatch();
  return await encodeString(data, format, options);
}
