// A tiny stand-in for node:test in the browser page: describe, it, before
// and after, enough for the conformance suites. Tests are collected while
// the suites are declared, then run() runs them in order, one at a time,
// and returns one result per test. Bundled in place of "node:test" by
// tests/browser/_harness.ts.

/** Options of `it` and `describe` (only `skip` is honoured). */
export interface TestOptions {
  skip?: boolean | string;
  timeout?: number;
}

type Fn = () => unknown;

interface Suite {
  readonly name: string;
  readonly skip: string | false;
  readonly children: (Suite | Case)[];
  readonly before: Fn[];
  readonly after: Fn[];
}

interface Case {
  readonly name: string;
  readonly skip: string | false;
  readonly fn: Fn;
}

/** One test's outcome, as the page reports it. */
export interface TestResult {
  /** The suite names and the test name, joined by " > ". */
  readonly name: string;
  readonly status: "pass" | "fail" | "skip";
  /** The failure (message and stack), or the reason of a skip. */
  readonly detail?: string;
  /** Milliseconds it took. */
  readonly ms: number;
}

const root: Suite = {
  name: "",
  skip: false,
  children: [],
  before: [],
  after: [],
};
let current: Suite = root;

function skipOf(options: TestOptions | undefined): string | false {
  const skip = options?.skip;
  if (skip === undefined || skip === false) return false;
  return skip === true ? "skipped" : skip;
}

function split(
  a: TestOptions | Fn | undefined,
  b: Fn | undefined,
): { options: TestOptions | undefined; fn: Fn } {
  if (typeof a === "function") return { options: undefined, fn: a };
  return { options: a, fn: b ?? ((): void => {}) };
}

/** Declares a suite; its body runs at once and declares its tests. */
export function describe(
  name: string,
  a?: TestOptions | Fn,
  b?: Fn,
): void {
  const { options, fn } = split(a, b);
  const suite: Suite = {
    name,
    skip: skipOf(options),
    children: [],
    before: [],
    after: [],
  };
  current.children.push(suite);
  const outer = current;
  current = suite;
  try {
    fn();
  } finally {
    current = outer;
  }
}

/** Declares a test. */
export function it(name: string, a?: TestOptions | Fn, b?: Fn): void {
  const { options, fn } = split(a, b);
  current.children.push({ name, skip: skipOf(options), fn });
}

/** node:test's other name for `it`. */
export const test: typeof it = it;

/** Runs `fn` before the first test of the current suite. */
export function before(fn: Fn): void {
  current.before.push(fn);
}

/** Runs `fn` after the last test of the current suite. */
export function after(fn: Fn): void {
  current.after.push(fn);
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}\n${e.stack ?? ""}`;
  return String(e);
}

async function runSuite(
  suite: Suite,
  path: string[],
  skip: string | false,
  out: TestResult[],
  onResult: (r: TestResult) => void,
): Promise<void> {
  const push = (r: TestResult): void => {
    out.push(r);
    onResult(r);
  };
  let hookFailure: string | undefined;
  if (!skip) {
    for (const fn of suite.before) {
      try {
        await fn();
      } catch (e) {
        hookFailure = `before hook: ${describeError(e)}`;
      }
    }
  }
  for (const child of suite.children) {
    const name = [...path, child.name];
    const childSkip = skip || child.skip;
    if ("children" in child) {
      await runSuite(child, name, childSkip, out, onResult);
      continue;
    }
    const full = name.join(" > ");
    if (childSkip) {
      push({ name: full, status: "skip", detail: childSkip, ms: 0 });
      continue;
    }
    if (hookFailure !== undefined) {
      push({ name: full, status: "fail", detail: hookFailure, ms: 0 });
      continue;
    }
    const start = performance.now();
    try {
      await child.fn();
      push({ name: full, status: "pass", ms: performance.now() - start });
    } catch (e) {
      push({
        name: full,
        status: "fail",
        detail: describeError(e),
        ms: performance.now() - start,
      });
    }
  }
  if (!skip) {
    for (const fn of suite.after) {
      try {
        await fn();
      } catch (e) {
        push({
          name: [...path, "(after hook)"].join(" > "),
          status: "fail",
          detail: describeError(e),
          ms: 0,
        });
      }
    }
  }
}

/**
 * Runs every test declared so far, in order, and forgets them.
 *
 * @param onResult Called as each test ends.
 * @returns One result per test.
 */
export async function run(
  onResult: (r: TestResult) => void = () => {},
): Promise<TestResult[]> {
  const out: TestResult[] = [];
  const suite = { ...root, children: root.children.splice(0) };
  await runSuite(suite, [], false, out, onResult);
  return out;
}
