// The work behind decodeSessionString and encodeSessionString (codec.ts,
// the public face): detecting a string's format and picking that format's
// reader or writer. Private; codec.ts loads it on the first call, so
// importing the library does not load the codecs.

import {
  checkAuthKey,
  checkAuthPatch,
  checkDcId,
  checkDcs,
} from "../_validate.ts";
import {
  type FormatAttempt,
  MissingFieldsError,
  SessionStringError,
  type StringFormat,
} from "../errors.ts";
import type { AuthState, DcAuthKey } from "../types.ts";
import { Truncated } from "./_bytes.ts";
import { blankAuth, inferTestMode } from "./_common.ts";
import { dcAddress } from "./dc_table.ts";
import { decodeGramjs, encodeGramjs } from "./_gramjs.ts";
import { decodeMtcute, encodeMtcute, mediaDcOf } from "./_mtcute.ts";
import { decodeMtkruto, encodeMtkruto } from "./_mtkruto.ts";
import {
  decodeNative,
  decryptNative,
  encodeNative,
  ENCRYPTED_PREFIX,
  encryptNative,
} from "./_native.ts";
import { decodePyrogram, encodePyrogram } from "./_pyrogram.ts";
import { decodeTelethon, encodeTelethon } from "./_telethon.ts";
import {
  type DecodedSessionString,
  type DecodeOptions,
  type EncodeOptions,
  STRING_FORMATS,
  Unfit,
} from "./types.ts";

const DECODERS: Record<StringFormat, (text: string) => DecodedSessionString> = {
  mtsession: decodeNative,
  telethon: decodeTelethon,
  gramjs: decodeGramjs,
  pyrogram: decodePyrogram,
  mtcute: decodeMtcute,
  mtkruto: decodeMtkruto,
};

function reasonOf(e: unknown): string | undefined {
  if (e instanceof Unfit) return e.message;
  if (e instanceof Truncated) return "ends too early or holds invalid fields";
  return undefined;
}

function isFormat(value: unknown): value is StringFormat {
  return STRING_FORMATS.includes(value as StringFormat);
}

/** Reads a session string (see `decodeSessionString` in codec.ts). */
export async function decodeString(
  text: string,
  options: DecodeOptions = {},
): Promise<DecodedSessionString> {
  if (typeof text !== "string") {
    throw new TypeError("Expected the session string to be a string");
  }
  const wanted = options.format;
  if (wanted !== undefined && !isFormat(wanted)) {
    throw new TypeError(
      `Unknown string format "${String(wanted)}": use one of ${
        STRING_FORMATS.join(", ")
      }`,
    );
  }
  const t = text.trim();
  if (t === "") {
    throw new SessionStringError("The session string is empty", wanted ?? null);
  }
  if (
    t.startsWith(ENCRYPTED_PREFIX) &&
    (wanted === undefined || wanted === "mtsession")
  ) {
    try {
      return await decryptNative(t, options.passphrase);
    } catch (e) {
      const reason = reasonOf(e);
      if (reason === undefined) throw e;
      throw new SessionStringError(
        `Cannot read this encrypted mtsession string: it ${reason}`,
        "mtsession",
        [{ format: "mtsession", reason }],
      );
    }
  }
  const attempts: FormatAttempt[] = [];
  for (const format of wanted ? [wanted] : STRING_FORMATS) {
    try {
      return DECODERS[format](t);
    } catch (e) {
      const reason = reasonOf(e);
      if (reason === undefined) throw e;
      attempts.push({ format, reason });
    }
  }
  const message = wanted
    ? `Cannot read this as a ${wanted} session string: it ${
      attempts[0]!.reason
    }`
    : `Cannot read this session string (${t.length} characters) in any ` +
      `known format: ${
        attempts.map((a) => `${a.format}: it ${a.reason}`).join("; ")
      }`;
  throw new SessionStringError(message, wanted ?? null, attempts);
}

/**
 * The other DCs' keys, checked, by ascending DC id; the main DC's left out
 * (that one is the auth key).
 */
function otherKeys(
  keys: readonly DcAuthKey[],
  mainDc: number | null,
): DcAuthKey[] {
  if (!Array.isArray(keys)) throw new TypeError("Expected an array of keys");
  const out = keys.map((k) => ({
    dcId: checkDcId(k?.dcId),
    key: checkAuthKey(k?.key),
  })).filter((k) => k.dcId !== mainDc).sort((a, b) => a.dcId - b.dcId);
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.dcId === out[i - 1]!.dcId) {
      throw new RangeError(`DC ${out[i]!.dcId} has two auth keys`);
    }
  }
  return out;
}

/** Writes a session string (see `encodeSessionString` in codec.ts). */
export async function encodeString(
  data: Partial<AuthState> | DecodedSessionString,
  format: StringFormat,
  options: EncodeOptions = {},
): Promise<string> {
  if (!isFormat(format)) {
    throw new TypeError(
      `Unknown string format "${String(format)}": use one of ${
        STRING_FORMATS.join(", ")
      }`,
    );
  }
  if (typeof data !== "object" || data === null) {
    throw new TypeError("Expected an auth state or a decoded session string");
  }
  const decoded = "auth" in data && "format" in data
    ? data as DecodedSessionString
    : undefined;
  const source = decoded ? decoded.auth : data as Partial<AuthState>;
  const auth: AuthState = { ...blankAuth(), ...checkAuthPatch(source) };
  const fill = checkAuthPatch({
    ...(options.apiId === undefined ? {} : { apiId: options.apiId }),
    ...(options.userId === undefined ? {} : { userId: options.userId }),
    ...(options.isBot === undefined ? {} : { isBot: options.isBot }),
    ...(options.testMode === undefined ? {} : { testMode: options.testMode }),
  });
  const apiId = auth.apiId ?? fill.apiId ?? null;
  const userId = auth.userId ?? fill.userId ?? null;
  const isBot = auth.isBot ?? fill.isBot ?? null;
  const testMode = auth.testMode ?? fill.testMode ??
    inferTestMode(auth.serverAddress);
  const dcs = checkDcs(options.dataCenters ?? decoded?.dataCenters ?? []);
  const keys = otherKeys(
    options.authKeys ?? decoded?.authKeys ?? [],
    auth.dcId,
  );

  const need: string[] = [];
  const needs = <T>(value: T | null, name: string): T => {
    if (value === null) need.push(name);
    return value as T;
  };

  try {
    if (format === "mtsession") {
      const full = {
        ...auth,
        apiId,
        userId,
        isBot,
        testMode: auth.testMode ?? fill.testMode ?? null,
      };
      const whole = { auth: full, dcs, authKeys: keys };
      return options.passphrase === undefined
        ? encodeNative(whole)
        : await encryptNative(whole, options.passphrase, options.iterations);
    }
    const dcId = needs(auth.dcId, "dcId");
    const key = needs(auth.authKey, "authKey");
    const table = dcId === null ? undefined : dcAddress(dcId, testMode);
    const address = auth.serverAddress ?? table?.address ?? null;
    const port = auth.port ?? table?.port ?? null;
    switch (format) {
      case "telethon":
      case "gramjs": {
        if (need.length === 0) needs(address, "serverAddress");
        if (need.length > 0) throw new MissingFieldsError(format, need);
        const p = port ?? 443;
        return format === "telethon"
          ? encodeTelethon(dcId, address!, p, key)
          : encodeGramjs(dcId, address!, p, key);
      }
      case "pyrogram": {
        const layout = options.pyrogramLayout ?? "current";
        if (layout === "current") needs(apiId, "apiId");
        needs(userId, "userId");
        needs(isBot, "isBot");
        if (need.length > 0) throw new MissingFieldsError(format, need);
        if (!table) {
          throw new Unfit(
            `cannot name dc ${dcId} on Telegram's ${
              testMode ? "test" : "production"
            } servers (Pyrogram derives the address from the DC id)`,
          );
        }
        return encodePyrogram(layout, {
          dcId,
          apiId,
          testMode,
          key,
          userId: userId!,
          isBot: isBot!,
        });
      }
      case "mtcute": {
        if (need.length === 0) needs(address, "serverAddress");
        if (userId !== null) needs(isBot, "isBot");
        if (need.length > 0) throw new MissingFieldsError(format, need);
        return encodeMtcute({
          dcId,
          address: address!,
          port: port ?? 443,
          testMode,
          key,
          self: userId === null ? null : { userId, isBot: isBot! },
          media: options.mediaDc ??
            (options.dataCenters === undefined
              ? decoded?.mediaDc
              : undefined) ??
            mediaDcOf(dcs, dcId),
        });
      }
      case "mtkruto": {
        needs(apiId, "apiId");
        needs(userId, "userId");
        needs(isBot, "isBot");
        if (need.length > 0) throw new MissingFieldsError(format, need);
        return encodeMtkruto({
          dcId,
          testMode,
          key,
          apiId: apiId!,
          isBot: isBot!,
          userId: userId!,
        });
      }
    }
  } catch (e) {
    if (e instanceof Unfit) {
      throw new SessionStringError(
        `Cannot write a ${format} session string: it ${e.message}`,
        format,
      );
    }
    throw e;
  }
}
