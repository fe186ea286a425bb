// What the tdata tests share: scratch folders, test keys, and
// @mtcute/convert's Tdata (an independent tdata implementation, pinned in
// package.json) wired to node:crypto and node:fs.

import {
  createCipheriv,
  createDecipheriv,
  createHash,
  pbkdf2Sync,
  randomFillSync,
} from "node:crypto";
import * as fsp from "node:fs/promises";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import type { Tdata } from "@mtcute/convert";
import { bytes, seeded } from "./_random.ts";

/**
 * A maker of new empty folders under a scratch folder removed after the
 * test file.
 */
export function scratchFolders(prefix: string): () => string {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  let dirs = 0;
  return () => {
    const dir = join(scratch, `d${dirs++}`);
    mkdirSync(dir);
    return dir;
  };
}

/** Bytes as hex. */
export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** A 256-byte key with a recognisable pattern. */
export function key(seed: number): Uint8Array {
  return bytes(seeded(seed * 7919 + 1), 256);
}

/** AES-256-IGE from node:crypto's ECB, written independently of ours. */
export function nodeIge(
  data: Uint8Array,
  key: Uint8Array,
  iv: Uint8Array,
  encrypt: boolean,
): Uint8Array {
  const ecb = encrypt
    ? createCipheriv("aes-256-ecb", key, null)
    : createDecipheriv("aes-256-ecb", key, null);
  ecb.setAutoPadding(false);
  const out = new Uint8Array(data.length);
  // IGE: the IV holds the previous cipher block, then the previous plain one.
  let prevIn = iv.slice(encrypt ? 16 : 0, encrypt ? 32 : 16);
  let prevOut = iv.slice(encrypt ? 0 : 16, encrypt ? 16 : 32);
  for (let at = 0; at < data.length; at += 16) {
    const block = data.slice(at, at + 16);
    const mixed = block.map((b, i) => b ^ prevOut[i]!);
    const done = new Uint8Array(ecb.update(mixed)).map((b, i) =>
      b ^ prevIn[i]!
    );
    out.set(done, at);
    prevIn = block;
    prevOut = done;
  }
  return out;
}

/** A crypto provider for mtcute's Tdata on node:crypto (tests only). */
const mtcuteCrypto = {
  sha1: (d: Uint8Array) =>
    new Uint8Array(createHash("sha1").update(d).digest()),
  sha256: (d: Uint8Array) =>
    new Uint8Array(createHash("sha256").update(d).digest()),
  randomFill: (b: Uint8Array) => void randomFillSync(b),
  randomBytes: (n: number) => randomFillSync(new Uint8Array(n)),
  pbkdf2: (
    p: Uint8Array,
    salt: Uint8Array,
    iterations: number,
    keylen = 64,
    algo = "sha512",
  ) => new Uint8Array(pbkdf2Sync(p, salt, iterations, keylen, algo)),
  createHash: (algorithm: string) => {
    const h = createHash(algorithm);
    return {
      update: (d: Uint8Array) => void h.update(d),
      digest: () => new Uint8Array(h.digest()),
    };
  },
  createAesIge: (key: Uint8Array, iv: Uint8Array) => ({
    encrypt: (data: Uint8Array) => nodeIge(data, key, iv, true),
    decrypt: (data: Uint8Array) => nodeIge(data, key, iv, false),
  }),
};

/** node:fs for mtcute's Tdata; its stat must answer null for a missing file. */
const mtcuteFs = {
  readFile: (p: string) => fsp.readFile(p),
  writeFile: (p: string, d: Uint8Array) => fsp.writeFile(p, d),
  mkdir: async (p: string, o?: { recursive?: boolean }) => {
    await fsp.mkdir(p, o);
  },
  stat: async (p: string) => {
    try {
      const st = await fsp.stat(p);
      return { size: st.size, lastModified: st.mtimeMs };
    } catch {
      return null as never;
    }
  },
};

export function mtcuteOptions(
  path: string,
  passcode?: string,
): Parameters<typeof Tdata.open>[0] {
  return {
    path,
    fs: mtcuteFs,
    crypto: mtcuteCrypto as never,
    // mtcute 0.29.7 refuses versions above 5.8.3 without this.
    ignoreVersion: true,
    ...(passcode === undefined ? {} : { passcode }),
  };
}
