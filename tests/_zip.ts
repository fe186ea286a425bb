// ZIPs for the tests: every file under a folder, a ZIP built by hand
// (local headers, central directory, end record; DEFLATE by node:zlib),
// each field overridable to make damaged ones, and whether the system
// `zip` command is there.

import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { deflateRawSync } from "node:zlib";
import { crc32 } from "../src/strings/_crc32.ts";

/** Whether the system `zip` command runs. */
export const HAS_ZIP: boolean = (() => {
  try {
    execFileSync("zip", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** Every file under a folder, by path relative to `base`, `/`-separated. */
export function filesUnder(dir: string, base = dir): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      for (const [k, v] of filesUnder(path, base)) out.set(k, v);
    } else {
      out.set(
        relative(base, path).replaceAll("\\", "/"),
        new Uint8Array(readFileSync(path)),
      );
    }
  }
  return out;
}

/** One entry of {@linkcode buildZip}; the fields past `data` make damage. */
export interface Entry {
  name: string;
  data: Uint8Array;
  method?: number;
  flags?: number;
  crc?: number;
  size?: number;
  descriptor?: boolean;
}

/** A ZIP built by hand: local headers, central directory, end record. */
export function buildZip(
  entries: Entry[],
  endOverride?: Partial<{
    count: number;
    cdSize: number;
    cdOffset: number;
    disk: number;
  }>,
): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const u16 = (v: DataView, at: number, x: number): void =>
    v.setUint16(at, x, true);
  const u32 = (v: DataView, at: number, x: number): void =>
    v.setUint32(at, x >>> 0, true);
  for (const e of entries) {
    const method = e.method ?? 8;
    const body = method === 8 ? new Uint8Array(deflateRawSync(e.data)) : e.data;
    const name = new TextEncoder().encode(e.name);
    const crc = e.crc ?? crc32(e.data);
    const size = e.size ?? e.data.length;
    const flags = (e.flags ?? 0) | (e.descriptor ? 8 : 0) | 0x800;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    u32(lv, 0, 0x04034b50);
    u16(lv, 4, 20);
    u16(lv, 6, flags);
    u16(lv, 8, method);
    u16(lv, 10, 0x6000);
    u16(lv, 12, 0x5a21);
    if (!e.descriptor) {
      u32(lv, 14, crc);
      u32(lv, 18, body.length);
      u32(lv, 22, size);
    }
    u16(lv, 26, name.length);
    local.set(name, 30);
    parts.push(local, body);
    let length = local.length + body.length;
    if (e.descriptor) {
      const d = new Uint8Array(16);
      const dv = new DataView(d.buffer);
      u32(dv, 0, 0x08074b50);
      u32(dv, 4, crc);
      u32(dv, 8, body.length);
      u32(dv, 12, size);
      parts.push(d);
      length += 16;
    }
    const c = new Uint8Array(46 + name.length);
    const cv = new DataView(c.buffer);
    u32(cv, 0, 0x02014b50);
    u16(cv, 4, 0x031e);
    u16(cv, 6, 20);
    u16(cv, 8, flags);
    u16(cv, 10, method);
    u16(cv, 12, 0x6000);
    u16(cv, 14, 0x5a21);
    u32(cv, 16, crc);
    u32(cv, 20, body.length);
    u32(cv, 24, size);
    u16(cv, 28, name.length);
    u32(cv, 42, offset);
    c.set(name, 46);
    central.push(c);
    offset += length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  u32(ev, 0, 0x06054b50);
  u16(ev, 4, endOverride?.disk ?? 0);
  u16(ev, 8, endOverride?.count ?? entries.length);
  u16(ev, 10, endOverride?.count ?? entries.length);
  u32(ev, 12, endOverride?.cdSize ?? cdSize);
  u32(ev, 16, endOverride?.cdOffset ?? offset);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
