// A small stand-in for node:assert/strict in the browser page: the
// assertions the conformance suites use, with strict semantics
// (Object.is for primitives, prototypes and own keys compared deeply,
// typed arrays by element, Maps and Sets by content). Bundled in place of
// "node:assert/strict" by tests/browser/_harness.ts.

/** Thrown when an assertion does not hold. */
export class AssertionError extends Error {
  /** What was found. */
  readonly actual: unknown;
  /** What was expected. */
  readonly expected: unknown;

  constructor(message: string, actual?: unknown, expected?: unknown) {
    super(message);
    this.name = "AssertionError";
    this.actual = actual;
    this.expected = expected;
  }
}

function show(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (typeof v === "string") return JSON.stringify(v);
  if (v instanceof Uint8Array) {
    return `Uint8Array(${v.length}) [${v.slice(0, 16).join(", ")}${
      v.length > 16 ? ", …" : ""
    }]`;
  }
  if (typeof v === "object" && v !== null) {
    try {
      return JSON.stringify(
        v,
        (_k, x) =>
          typeof x === "bigint"
            ? `${x}n`
            : x instanceof Uint8Array
            ? `Uint8Array(${x.length})`
            : x,
      );
    } catch {
      return Object.prototype.toString.call(v);
    }
  }
  return String(v);
}

function isDeepEqual(
  a: unknown,
  b: unknown,
  seen: Map<object, object>,
): boolean {
  if (Object.is(a, b)) return true;
  if (
    typeof a !== "object" || typeof b !== "object" || a === null || b === null
  ) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) {
      if (!Object.is(x[i], y[i])) return false;
    }
    return true;
  }
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (a instanceof Map) {
    const m = b as Map<unknown, unknown>;
    if (a.size !== m.size) return false;
    for (const [k, v] of a) {
      if (!m.has(k) || !isDeepEqual(v, m.get(k), seen)) return false;
    }
    return true;
  }
  if (a instanceof Set) {
    const s = b as Set<unknown>;
    if (a.size !== s.size) return false;
    for (const v of a) if (!s.has(v)) return false;
    return true;
  }
  if (a instanceof Error && a.message !== (b as Error).message) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (
      !isDeepEqual(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        seen,
      )
    ) return false;
  }
  return true;
}

function fail(
  message: string | Error | undefined,
  fallback: string,
  actual?: unknown,
  expected?: unknown,
): never {
  if (message instanceof Error) throw message;
  throw new AssertionError(message ?? fallback, actual, expected);
}

/** Fails unless `value` is truthy. */
function ok(value: unknown, message?: string | Error): asserts value {
  if (!value) {
    fail(message, `Expected a truthy value, got ${show(value)}`, value, true);
  }
}

/** Fails unless `Object.is(actual, expected)`. */
function equal<T>(
  actual: unknown,
  expected: T,
  message?: string | Error,
): asserts actual is T {
  if (!Object.is(actual, expected)) {
    fail(
      message,
      `Expected ${show(expected)}, got ${show(actual)}`,
      actual,
      expected,
    );
  }
}

/** Fails when `Object.is(actual, expected)`. */
function notEqual(
  actual: unknown,
  expected: unknown,
  message?: string | Error,
): void {
  if (Object.is(actual, expected)) {
    fail(message, `Expected anything but ${show(expected)}`, actual, expected);
  }
}

/** Fails unless the two are deeply and strictly equal. */
function deepEqual<T>(
  actual: unknown,
  expected: T,
  message?: string | Error,
): asserts actual is T {
  if (!isDeepEqual(actual, expected, new Map())) {
    fail(
      message,
      `Expected deep equality:\n  actual:   ${show(actual)}\n  expected: ${
        show(expected)
      }`,
      actual,
      expected,
    );
  }
}

/** Fails when the two are deeply and strictly equal. */
function notDeepEqual(
  actual: unknown,
  expected: unknown,
  message?: string | Error,
): void {
  if (isDeepEqual(actual, expected, new Map())) {
    fail(message, `Expected ${show(actual)} to differ`, actual, expected);
  }
}

/** Fails unless `text` matches `re`. */
function match(text: string, re: RegExp, message?: string | Error): void {
  if (typeof text !== "string" || !re.test(text)) {
    fail(message, `Expected ${show(text)} to match ${re}`, text, re);
  }
}

/** Fails when `text` matches `re`. */
function doesNotMatch(
  text: string,
  re: RegExp,
  message?: string | Error,
): void {
  if (typeof text === "string" && re.test(text)) {
    fail(message, `Expected ${show(text)} not to match ${re}`, text, re);
  }
}

type Expected =
  | (new (...args: never[]) => unknown)
  | RegExp
  | ((e: unknown) => boolean)
  | Record<string, unknown>
  | Error;

function check(
  e: unknown,
  expected: Expected | string | undefined,
  message?: string,
): void {
  if (expected === undefined || typeof expected === "string") return;
  if (expected instanceof RegExp) {
    if (!expected.test(String(e))) {
      fail(
        message,
        `The error ${show(String(e))} does not match ${expected}`,
        e,
        expected,
      );
    }
    return;
  }
  if (typeof expected === "function") {
    if (
      expected.prototype !== undefined &&
      e instanceof (expected as new () => unknown)
    ) return;
    if (expected.prototype instanceof Error || expected === Error) {
      fail(
        message,
        `Expected a ${(expected as { name: string }).name}, got ${
          show(String(e))
        }`,
        e,
        expected,
      );
    }
    if ((expected as (e: unknown) => boolean)(e) !== true) {
      fail(
        message,
        `The error ${show(String(e))} failed validation`,
        e,
        expected,
      );
    }
    return;
  }
  for (const [k, v] of Object.entries(expected)) {
    const got = (e as Record<string, unknown>)?.[k];
    const same = v instanceof RegExp && typeof got === "string"
      ? v.test(got)
      : isDeepEqual(got, v, new Map());
    if (!same) {
      fail(
        message,
        `The error's ${k} is ${show(got)}, expected ${show(v)}`,
        e,
        expected,
      );
    }
  }
}

/** Fails unless `fn` throws (an error matching `expected`). */
function throws(
  fn: () => unknown,
  expected?: Expected | string,
  message?: string,
): void {
  try {
    fn();
  } catch (e) {
    check(e, expected, typeof expected === "string" ? expected : message);
    return;
  }
  fail(
    typeof expected === "string" ? expected : message,
    "Missing expected exception",
  );
}

/** Fails when `fn` throws. */
function doesNotThrow(fn: () => unknown, message?: string): void {
  try {
    fn();
  } catch (e) {
    fail(message, `Got unwanted exception: ${show(String(e))}`, e);
  }
}

/** Fails unless the promise (or what `fn` returns) rejects (to match `expected`). */
async function rejects(
  promise: Promise<unknown> | (() => Promise<unknown>),
  expected?: Expected | string,
  message?: string,
): Promise<void> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (e) {
    check(e, expected, typeof expected === "string" ? expected : message);
    return;
  }
  fail(
    typeof expected === "string" ? expected : message,
    "Missing expected rejection",
  );
}

/** Fails when the promise rejects. */
async function doesNotReject(
  promise: Promise<unknown> | (() => Promise<unknown>),
  message?: string,
): Promise<void> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (e) {
    fail(message, `Got unwanted rejection: ${show(String(e))}`, e);
  }
}

/** Always fails. */
function failNow(message?: string | Error): never {
  fail(message, "Failed");
}

/** `assert(value)` is `assert.ok(value)`; the rest are properties. */
const assert = Object.assign(
  (value: unknown, message?: string | Error): void => ok(value, message),
  {
    AssertionError,
    ok,
    equal,
    strictEqual: equal,
    notEqual,
    notStrictEqual: notEqual,
    deepEqual,
    deepStrictEqual: deepEqual,
    notDeepEqual,
    notDeepStrictEqual: notDeepEqual,
    match,
    doesNotMatch,
    throws,
    doesNotThrow,
    rejects,
    doesNotReject,
    fail: failNow,
    strict: undefined as unknown,
  },
);
assert.strict = assert;

export default assert;
export {
  deepEqual,
  deepEqual as deepStrictEqual,
  doesNotMatch,
  doesNotReject,
  doesNotThrow,
  equal,
  equal as strictEqual,
  failNow as fail,
  match,
  notDeepEqual,
  notEqual,
  ok,
  rejects,
  throws,
};
