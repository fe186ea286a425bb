// Test helpers for the GramJS binding: real GramJS objects and a client
// that never connects (nothing here opens a socket).

import * as telegram from "telegram";
import { Api } from "telegram";
import bigInt from "big-integer";
import { Logger, LogLevel } from "telegram/extensions/Logger.js";
import { _handleUpdate } from "telegram/client/updates.js";
import type { Session } from "../mod.ts";
import { gramjsSession, type GramjsSessionFor } from "../adapters/gramjs.ts";

/** The binding's session for the real `telegram` module. */
export type BoundSession = GramjsSessionFor<typeof telegram>;

/** A GramJS session over an mtsession session, for the real module. */
export async function bind(session: Session): Promise<BoundSession> {
  return await gramjsSession(session, { telegram });
}

/** A real TelegramClient over a session; silent, never connected. */
export function client(
  session: BoundSession | telegram.sessions.Session,
): telegram.TelegramClient {
  return new telegram.TelegramClient(session, 12345, "0123456789abcdef", {
    baseLogger: new Logger(LogLevel.NONE),
    connectionRetries: 0,
  });
}

/** A real `Api.User` (without `hash`: a user without an access hash). */
export function gramUser(o: {
  id: bigint;
  hash?: bigint;
  first?: string;
  last?: string;
  username?: string;
  usernames?: string[];
  phone?: string;
  bot?: boolean;
  min?: boolean;
}): Api.User {
  return new Api.User({
    id: bigInt(o.id),
    ...(o.hash === undefined ? {} : { accessHash: bigInt(o.hash) }),
    ...(o.first === undefined ? {} : { firstName: o.first }),
    ...(o.last === undefined ? {} : { lastName: o.last }),
    ...(o.username === undefined ? {} : { username: o.username }),
    ...(o.usernames === undefined ? {} : {
      usernames: o.usernames.map((u) =>
        new Api.Username({ username: u, active: true })
      ),
    }),
    ...(o.phone === undefined ? {} : { phone: o.phone }),
    bot: o.bot ?? false,
    min: o.min ?? false,
  });
}

/** A real `Api.Channel` (a supergroup with `megagroup`). */
export function gramChannel(o: {
  id: bigint;
  hash: bigint;
  title: string;
  username?: string;
  megagroup?: boolean;
}): Api.Channel {
  return new Api.Channel({
    id: bigInt(o.id),
    accessHash: bigInt(o.hash),
    title: o.title,
    photo: new Api.ChatPhotoEmpty(),
    date: 0,
    megagroup: o.megagroup ?? false,
    broadcast: !(o.megagroup ?? false),
    ...(o.username === undefined ? {} : { username: o.username }),
  });
}

/** A real basic `Api.Chat`. */
export function gramChat(id: bigint, title: string): Api.Chat {
  return new Api.Chat({
    id: bigInt(id),
    title,
    photo: new Api.ChatPhotoEmpty(),
    participantsCount: 3,
    date: 0,
    version: 1,
  });
}

/** A real `Api.Updates` carrying users and chats, as the server sends. */
export function gramUpdates(
  users: Api.TypeUser[],
  chats: Api.TypeChat[],
): Api.Updates {
  return new Api.Updates({ updates: [], users, chats, date: 0, seq: 0 });
}

/** A GramJS big integer as a decimal string. */
export function dec(value: unknown): string {
  return String(value);
}

/**
 * Feeds updates to a client the way its MTProto sender does (the sender's
 * update callback is `_handleUpdate`): GramJS's own path into
 * `session.processEntities`. Its .d.ts types the argument as a single
 * Update, but the sender hands over whole `Updates` containers.
 */
export function receive(
  tg: telegram.TelegramClient,
  updates: Api.Updates,
): void {
  _handleUpdate(tg, updates as unknown as Api.TypeUpdate);
}
