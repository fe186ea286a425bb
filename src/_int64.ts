// Lossless integer conversions for the shapes clients hand over: native
// bigint, safe numbers, decimal strings, GramJS big-integer objects and
// long.js Long objects (mtcute). Private to the library.

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return typeof value;
}

/** Whether a long.js part is a 32-bit integer (signed or unsigned). */
function isInt32Part(n: number): boolean {
  return Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 32;
}

/** Reads any integer-like value as a bigint, or returns undefined. */
function asBigInt(value: unknown, what: string): bigint | undefined {
  if (
    typeof value === "number" && Number.isInteger(value) &&
    !Number.isSafeInteger(value)
  ) {
    throw new RangeError(
      `Expected ${what} as a bigint or decimal string: a number beyond ` +
        `2^53 has already lost precision`,
    );
  }
  switch (typeof value) {
    case "bigint":
      return value;
    case "number":
      return Number.isSafeInteger(value) ? BigInt(value) : undefined;
    case "string":
      return /^-?\d{1,20}$/.test(value) ? BigInt(value) : undefined;
    case "object": {
      if (value === null) return undefined;
      const o = value as Record<string, unknown>;
      // long.js Long: { low, high, unsigned }
      if (
        typeof o.low === "number" && typeof o.high === "number" &&
        typeof o.unsigned === "boolean"
      ) {
        // Its parts are 32-bit integers; anything else (NaN, 1.5) is no
        // number at all, not 0.
        if (!isInt32Part(o.low) || !isInt32Part(o.high)) return undefined;
        const raw = (BigInt(o.high >>> 0) << 32n) | BigInt(o.low >>> 0);
        return o.unsigned ? raw : BigInt.asIntN(64, raw);
      }
      // GramJS big-integer: { value: bigint | number } with toString().
      if (typeof o.value === "bigint") return o.value;
      if (typeof o.value === "number" && Number.isSafeInteger(o.value)) {
        return BigInt(o.value);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * Converts to a signed 64-bit bigint. Unsigned long.js values and values in
 * [2^63, 2^64) are reinterpreted as signed, as Telegram's `long` is signed.
 */
export function toInt64(value: unknown, what: string): bigint {
  // The usual shapes first: a bigint, and GramJS's big-integer around one.
  if (typeof value === "bigint" && value >= INT64_MIN && value <= INT64_MAX) {
    return value;
  }
  const big = asBigInt(value, what);
  if (big === undefined) {
    throw new TypeError(
      `Expected ${what} to be an integer (bigint, safe number or decimal ` +
        `string), got ${describe(value)}`,
    );
  }
  if (big > INT64_MAX && big <= UINT64_MAX) return BigInt.asIntN(64, big);
  if (big < INT64_MIN || big > UINT64_MAX) {
    throw new RangeError(`Expected ${what} to fit in 64 bits`);
  }
  return big;
}

/** Converts to a safe integer `number` (ids). */
export function toSafeInteger(value: unknown, what: string): number {
  // Ids are mostly safe numbers already (mtcute, JSON, callers' keys).
  if (typeof value === "number" && Number.isSafeInteger(value)) {
    return value === 0 ? 0 : value; // never -0
  }
  const big = asBigInt(value, what);
  if (big === undefined) {
    throw new TypeError(
      `Expected ${what} to be an integer, got ${describe(value)}`,
    );
  }
  if (big > SAFE_MAX || big < SAFE_MIN) {
    throw new RangeError(
      // The value is not repeated: digits may be a phone number.
      `Expected ${what} to be a safe integer (|x| < 2^53), got one of ` +
        `${big.toString().replace("-", "").length} digits`,
    );
  }
  return Number(big);
}

/** Whether the value is a bigint inside the signed 64-bit range. */
export function isInt64(value: unknown): value is bigint {
  return typeof value === "bigint" && value >= INT64_MIN &&
    value <= INT64_MAX;
}
