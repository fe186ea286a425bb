/**
 * GramJS binding: a session for the `telegram` npm package's
 * `TelegramClient`, backed by any mtsession session (memory, a session
 * string, a SQLite file, a storage of your own). Nothing is imported from
 * `telegram`: pass the module in.
 *
 * What GramJS gains over its own sessions: peers are indexed and merged,
 * so lookups do not scan and a new access hash replaces the old one
 * (GramJS's `MemorySession` grows forever and keeps answering the first
 * hash it saw); the session survives restarts in one SQLite file; and the
 * login converts to and from Telethon, Pyrogram, mtcute and MTKruto
 * strings.
 *
 * @example Run GramJS on a session file
 * ```ts ignore
 * import { openSession } from "@mtsession/mtsession";
 * import { gramjsSession } from "@mtsession/mtsession/gramjs";
 * import * as telegram from "telegram";
 *
 * const session = await openSession("my_account"); // my_account.session
 * const client = new telegram.TelegramClient(
 *   await gramjsSession(session, { telegram }),
 *   12345,
 *   "0123456789abcdef0123456789abcdef",
 *   { connectionRetries: 5 },
 * );
 * await client.start({ botAuthToken: process.env.BOT_TOKEN! });
 * // Every user, chat and channel GramJS sees is cached in the file:
 * await client.getInputEntity("@some_username");
 * await client.disconnect();
 * await client.session.close();
 * ```
 *
 * @example Start from a GramJS or Telethon string session
 * ```ts ignore
 * import { openSession } from "@mtsession/mtsession";
 * import { gramjsSession } from "@mtsession/mtsession/gramjs";
 * import * as telegram from "telegram";
 *
 * const session = await openSession({ string: process.env.SESSION! });
 * const client = new telegram.TelegramClient(
 *   await gramjsSession(session, { telegram }),
 *   12345,
 *   "0123456789abcdef0123456789abcdef",
 *   {},
 * );
 * ```
 *
 * @module
 */

export {
  type GramjsAuthKey,
  type GramjsAuthKeyClass,
  type GramjsModule,
  type GramjsSession,
  gramjsSession,
  type GramjsSessionFor,
  type GramjsSessionOptions,
} from "../src/clients/gramjs.ts";
