// Redacted printing for every class that holds or reaches a secret
// (sessions, storages, stores, client bindings): `console.log`,
// `util.inspect` and `Deno.inspect` show what the class's own `toString()`
// says, which never names a key, a session string or a phone number.
// Private to the library.

import type { AuthState } from "./types.ts";

/** Node's and Bun's `util.inspect.custom`. */
const nodeInspect: unique symbol = Symbol.for(
  "nodejs.util.inspect.custom",
) as never;

/** Deno's `Deno.customInspect`. */
const denoInspect: unique symbol = Symbol.for("Deno.customInspect") as never;

/**
 * Makes the inspect hooks of Node, Bun and Deno print `toString()` for
 * every instance of `cls`. Call it from the class's static block:
 * `static { redactInspect(this); }`.
 */
export function redactInspect(
  cls: { readonly prototype: { toString(): string } },
): void {
  for (const symbol of [nodeInspect, denoInspect]) {
    Object.defineProperty(cls.prototype, symbol, {
      value(this: { toString(): string }): string {
        return this.toString();
      },
      writable: true,
      configurable: true,
    });
  }
}

/** The fields of an auth state that are no secret. */
export interface AuthSummary {
  dcId: number | null;
  serverAddress: string | null;
  port: number | null;
  testMode: boolean | null;
  apiId: number | null;
  userId: number | null;
  isBot: boolean | null;
}

/** What an auth state may show anywhere: everything but the key. */
export function authSummary(a: AuthState): AuthSummary {
  return {
    dcId: a.dcId,
    serverAddress: a.serverAddress,
    port: a.port,
    testMode: a.testMode,
    apiId: a.apiId,
    userId: a.userId,
    isBot: a.isBot,
  };
}
