/**
 * Shapes shared by the string-session codecs.
 *
 * @module
 */

import type { StringFormat } from "../errors.ts";
import type { AuthState, DataCenter, DcAuthKey } from "../types.ts";

export type { StringFormat };

/** Every string format, in the order they are tried when detecting. */
export const STRING_FORMATS: readonly StringFormat[] = [
  "mtsession",
  "telethon",
  "gramjs",
  "pyrogram",
  "mtcute",
  "mtkruto",
];

/** A data-center option as mtcute strings carry it. */
export interface DcOption {
  /** Data-center id. */
  readonly id: number;
  /** IP address (or host name). */
  readonly address: string;
  /** TCP port. */
  readonly port: number;
  /** Whether the address is IPv6. */
  readonly ipv6: boolean;
  /** Whether the DC serves media only. */
  readonly mediaOnly: boolean;
  /** Whether the DC is a test-server DC. */
  readonly testMode: boolean;
}

/** What {@linkcode decodeSessionString} found. */
export interface DecodedSessionString {
  /** Which library's format the string is in. */
  readonly format: StringFormat;
  /**
   * The exact layout within the format: `telethon-ipv4`, `telethon-ipv6`,
   * `gramjs`, `pyrogram-current` (271 bytes), `pyrogram-old-32` (263),
   * `pyrogram-old-64` (267), `mtcute-v1`, `mtcute-v2` (a TL dcOption, read
   * by mtcute up to 0.17), `mtcute-v3`, `mtkruto` (dc, key, api id, bot,
   * user id), `mtkruto-dc-key-api` and `mtkruto-dc-key` (the shorter
   * layouts of MTKruto 0.1.180–0.1.600 and 0.1.142–0.1.170),
   * `mtsession-v1`, `mtsession-v1-encrypted` (one DC), `mtsession-v2`,
   * `mtsession-v2-encrypted` (every DC and key).
   */
  readonly layout: string;
  /** The session; fields the format does not carry are `null`. */
  readonly auth: AuthState;
  /**
   * The data centers the string names beside the main one: every DC of an
   * mtsession string (version 2), the media DC of an mtcute string; empty
   * for the formats that carry one DC.
   */
  readonly dataCenters: readonly DataCenter[];
  /**
   * The permanent keys of DCs other than the main one (mtsession strings
   * of version 2 only; empty for the other formats).
   */
  readonly authKeys: readonly DcAuthKey[];
  /** mtcute only: the media DC, when the string names one of its own. */
  readonly mediaDc?: DcOption;
}

/** Options for {@linkcode encodeSessionString}. */
export interface EncodeOptions {
  /** API id, used when the session has none. */
  apiId?: number;
  /** Account id, used when the session has none. */
  userId?: number;
  /** Bot flag, used when the session has none. */
  isBot?: boolean;
  /**
   * Test-server flag, used when the session has none. Without it, the flag
   * is inferred from the address (Telegram's test DCs) or taken as false.
   */
  testMode?: boolean;
  /** Pyrogram only: which layout to write (default `current`). */
  pyrogramLayout?: "current" | "old-32" | "old-64";
  /**
   * mtcute only: a separate media DC to write (default: the media DC of
   * the main DC in `dataCenters`, else the one a decoded string named).
   */
  mediaDc?: DcOption;
  /**
   * The session's data centers (`Session.dataCenters`): an mtsession
   * string carries them all, an mtcute string the main DC's media one.
   * Default: those of a decoded string given as `data`.
   */
  dataCenters?: readonly DataCenter[];
  /**
   * The permanent keys of DCs other than the main one (a key for the main
   * DC is ignored: that one is the auth key). Only an mtsession string
   * carries them. Default: those of a decoded string given as `data`.
   */
  authKeys?: readonly DcAuthKey[];
  /** mtsession only: encrypt the string with this passphrase. */
  passphrase?: string;
  /**
   * mtsession only: PBKDF2-SHA256 iterations for the passphrase (default
   * 600,000; at least 1,000, at most 10,000,000).
   */
  iterations?: number;
}

/** Options for {@linkcode decodeSessionString}. */
export interface DecodeOptions {
  /** Read the string as this format only (no detection). */
  format?: StringFormat;
  /** The passphrase of an encrypted mtsession string. */
  passphrase?: string;
}

/** Thrown by a codec when a string is not in its format. @internal */
export class Unfit extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "Unfit";
  }
}
