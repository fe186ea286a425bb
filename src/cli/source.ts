// Where the CLI's session comes from: standard input or a file holding a
// session string. (SQLite session files are recognised by their header.)

import { readFileSync } from "node:fs";
import process from "node:process";
import { SessionError } from "../errors.ts";
import { MemoryStorage } from "../memory/memory_storage.ts";
import { Session } from "../session.ts";
import { decodeSessionString } from "../strings/codec.ts";

/** A session opened from the CLI's SOURCE. */
export interface LoadedSource {
  /** What the source was, e.g. "telethon-string". */
  source: string;
  /** The session, in memory. */
  session: Session;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    process.stderr.write("mtsession: paste the session string, then Ctrl-D\n");
  }
  const chunks: Uint8Array[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(
      typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk,
    );
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}

const SQLITE_HEADER = "SQLite format 3\u0000";

/** Opens what SOURCE names. */
export async function loadSource(
  source: string | undefined,
  passphrase: string | undefined,
): Promise<LoadedSource> {
  let text: string;
  if (source === undefined || source === "-") {
    text = await readStdin();
  } else {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(source);
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new SessionError(
        code === "ENOENT"
          ? `no such file: ${source}`
          : `cannot read ${source} (${code ?? "error"})`,
      );
    }
    if (new TextDecoder().decode(bytes.subarray(0, 16)) === SQLITE_HEADER) {
      throw new SessionError(
        `${source} is an SQLite session file, which this version cannot read`,
      );
    }
    text = new TextDecoder().decode(bytes);
  }
  const decoded = await decodeSessionString(
    text,
    passphrase === undefined ? {} : { passphrase },
  );
  const storage = new MemoryStorage();
  await storage.setAuth(decoded.auth);
  return {
    source: `${decoded.format}-string`,
    session: await Session.open(storage),
  };
}
