// Reading a ZIP file in pure TypeScript (APPNOTE 6.3.10): the end of
// central directory record, the central directory, and each entry's local
// header when the entry is read. Stored and DEFLATE entries only, DEFLATE
// by the platform's DecompressionStream("deflate-raw") (Chromium, Deno,
// Bun, Node >= 18). Refused with a ZipError: encrypted entries, archives
// and entries that need ZIP64, archives spanning disks, other compression
// methods, and entries larger than a bound (against zip bombs: an entry is
// never inflated past its declared size, nor its declared size past the
// bound). Entries are read only when asked for, from a Blob's slices when
// a Blob is given, so a large archive is never held whole. Private to the
// library.

import { ZipError } from "../errors.ts";
import { crc32 } from "../strings/_crc32.ts";

/** One file in the archive. */
export interface ZipEntry {
  /** Its path in the archive, `/`-separated, without a leading `/` or `./`. */
  readonly name: string;
  /** Its size once read, as declared. */
  readonly size: number;
  /** Its size in the archive. */
  readonly compressedSize: number;
  /** When it was last changed (ms since 1970), as stored. */
  readonly modified: number;
  /** 0 (stored), 8 (DEFLATE), or another method (refused when read). */
  readonly method: number;
  /** Its CRC-32. */
  readonly crc: number;
  /** Why it cannot be read, found in the central directory. */
  readonly refused: { problem: "encrypted" | "zip64"; why: string } | null;
  /** Where its local header starts. */
  readonly offset: number;
}

/** An opened archive. */
export interface ZipArchive {
  /** Its files (directories left out), in the archive's order. */
  readonly entries: readonly ZipEntry[];
  /**
   * Reads one file, checking its size and CRC-32.
   *
   * @param entry One of `entries`.
   * @returns Its bytes.
   * @throws {ZipError} When it is refused or damaged.
   */
  read(entry: ZipEntry): Promise<Uint8Array>;
}

/** Limits of {@linkcode openZip}. */
export interface ZipLimits {
  /** The largest entry read, once read (64 MiB by default). */
  readonly maxEntryBytes?: number | undefined;
}

/** The largest entry read by default. */
export const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

type ReadAt = (offset: number, length: number) => Promise<Uint8Array>;

function reader(zip: Uint8Array | Blob): { size: number; readAt: ReadAt } {
  if (zip instanceof Uint8Array) {
    return {
      size: zip.length,
      readAt: (offset, length) =>
        Promise.resolve(zip.subarray(offset, offset + length)),
    };
  }
  return {
    size: zip.size,
    readAt: async (offset, length) =>
      new Uint8Array(await zip.slice(offset, offset + length).arrayBuffer()),
  };
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** DOS date and time as ms since 1970 (taken as UTC: only order matters). */
function dosTime(time: number, date: number): number {
  return Date.UTC(
    ((date >> 9) & 0x7f) + 1980,
    Math.max(((date >> 5) & 0xf) - 1, 0),
    Math.max(date & 0x1f, 1),
    time >> 11,
    (time >> 5) & 0x3f,
    (time & 0x1f) * 2,
  );
}

/** The extended timestamp (0x5455) of an extra field, in ms, if any. */
function unixTime(extra: Uint8Array): number | null {
  const v = view(extra);
  for (let at = 0; at + 4 <= extra.length;) {
    const id = v.getUint16(at, true);
    const size = v.getUint16(at + 2, true);
    if (id === 0x5455 && size >= 5 && at + 9 <= extra.length) {
      if ((extra[at + 4]! & 1) !== 0) return v.getUint32(at + 5, true) * 1000;
      return null;
    }
    at += 4 + size;
  }
  return null;
}

function entryName(raw: Uint8Array, utf8: boolean): string {
  const text = utf8
    ? new TextDecoder().decode(raw)
    : String.fromCharCode(...raw);
  return text.replaceAll("\\", "/").replace(/^(\.?\/)+/, "");
}

/** The end of central directory record: where it is and what it says. */
async function findEnd(
  name: string,
  size: number,
  readAt: ReadAt,
): Promise<{ count: number; cdOffset: number; cdSize: number; at: number }> {
  const damaged = (why: string): ZipError =>
    new ZipError(name, "damaged", `not a readable ZIP file (${why})`);
  if (size < EOCD_SIZE) throw damaged("too short for a ZIP file");
  const tailStart = Math.max(0, size - EOCD_SIZE - MAX_COMMENT);
  const tail = await readAt(tailStart, size - tailStart);
  const v = view(tail);
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (v.getUint32(i, true) !== EOCD) continue;
    const commentLength = v.getUint16(i + 20, true);
    if (i + EOCD_SIZE + commentLength > tail.length) continue;
    const disk = v.getUint16(i + 4, true);
    const cdDisk = v.getUint16(i + 6, true);
    const onDisk = v.getUint16(i + 8, true);
    const count = v.getUint16(i + 10, true);
    const cdSize = v.getUint32(i + 12, true);
    const cdOffset = v.getUint32(i + 16, true);
    const at = tailStart + i;
    const locator = i >= 20 && v.getUint32(i - 20, true) === ZIP64_LOCATOR;
    if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
      throw new ZipError(
        name,
        "zip64",
        "a ZIP64 archive (over 4 GiB or 65,535 entries), which is not read here",
      );
    }
    if (disk !== 0 || cdDisk !== 0 || onDisk !== count) {
      throw new ZipError(
        name,
        "unsupported",
        "a ZIP archive split over several files, which is not read here",
      );
    }
    if (cdOffset + cdSize > (locator ? at - 20 : at)) {
      throw damaged("its central directory lies outside the file");
    }
    return { count, cdOffset, cdSize, at };
  }
  throw damaged("no end of central directory: cut short, or not a ZIP");
}

function parseCentral(
  name: string,
  cd: Uint8Array,
  count: number,
  cdOffset: number,
): ZipEntry[] {
  const damaged = (why: string): ZipError =>
    new ZipError(name, "damaged", `a damaged ZIP file (${why})`);
  const v = view(cd);
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let at = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > cd.length || v.getUint32(at, true) !== CENTRAL) {
      throw damaged(`entry ${n + 1} of ${count} is missing`);
    }
    const flags = v.getUint16(at + 8, true);
    const method = v.getUint16(at + 10, true);
    const time = v.getUint16(at + 12, true);
    const date = v.getUint16(at + 14, true);
    const crc = v.getUint32(at + 16, true);
    const compressedSize = v.getUint32(at + 20, true);
    const size = v.getUint32(at + 24, true);
    const nameLength = v.getUint16(at + 28, true);
    const extraLength = v.getUint16(at + 30, true);
    const commentLength = v.getUint16(at + 32, true);
    const offset = v.getUint32(at + 42, true);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length) throw damaged(`entry ${n + 1} runs past its end`);
    const raw = cd.subarray(at + 46, at + 46 + nameLength);
    const extra = cd.subarray(
      at + 46 + nameLength,
      at + 46 + nameLength + extraLength,
    );
    const entry = entryName(raw, (flags & 0x800) !== 0);
    at = end;
    if (entry === "" || entry.endsWith("/")) continue;
    if (names.has(entry)) throw damaged(`two entries are named "${entry}"`);
    names.add(entry);
    const encrypted = (flags & 0x41) !== 0 || method === 99;
    const zip64 = size === U32_MAX || compressedSize === U32_MAX ||
      offset === U32_MAX;
    if (!zip64 && offset + 30 > cdOffset) {
      throw damaged(`"${entry}" starts past the entries`);
    }
    entries.push({
      name: entry,
      size,
      compressedSize,
      modified: unixTime(extra) ?? dosTime(time, date),
      method,
      crc,
      refused: encrypted
        ? { problem: "encrypted", why: "encrypted (password-protected)" }
        : zip64
        ? {
          problem: "zip64",
          why: "over 4 GiB (ZIP64), which is not read here",
        }
        : null,
      offset,
    });
  }
  return entries;
}

type Inflated = Uint8Array | "over" | "short" | "bad";

/** Inflates raw DEFLATE data to exactly `expected` bytes, never past. */
async function inflate(data: Uint8Array, expected: number): Promise<Inflated> {
  const out = new Uint8Array(expected);
  let total = 0;
  const stream = new Blob([data as BlobPart]).stream().pipeThrough(
    new DecompressionStream("deflate-raw"),
  );
  const read = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await read.read();
      if (done) break;
      if (total + value.length > expected) {
        await read.cancel().catch(() => {});
        return "over";
      }
      out.set(value, total);
      total += value.length;
    }
  } catch {
    return total < expected ? "short" : "bad";
  }
  return total === expected ? out : "short";
}

/**
 * Opens a ZIP file: reads its central directory (not its entries).
 *
 * @param zip The file's bytes, or a Blob (a browser `File`) read in slices.
 * @param name What to call it in errors (its file name).
 * @param limits The largest entry to read.
 * @returns The archive.
 * @throws {ZipError} When it is no ZIP, cut short, needs ZIP64 or spans
 * disks.
 */
export async function openZip(
  zip: Uint8Array | Blob,
  name: string,
  limits: ZipLimits = {},
): Promise<ZipArchive> {
  const max = limits.maxEntryBytes ?? MAX_ENTRY_BYTES;
  const { size, readAt } = reader(zip);
  const end = await findEnd(name, size, readAt);
  const cd = await readAt(end.cdOffset, end.cdSize);
  const entries = parseCentral(name, cd, end.count, end.cdOffset);
  const read = async (entry: ZipEntry): Promise<Uint8Array> => {
    const path = `${name}/${entry.name}`;
    const damaged = (why: string): ZipError =>
      new ZipError(path, "damaged", `a damaged ZIP entry (${why})`);
    if (entry.refused !== null) {
      throw new ZipError(path, entry.refused.problem, entry.refused.why);
    }
    if (entry.method !== 0 && entry.method !== 8) {
      throw new ZipError(
        path,
        "unsupported",
        `compressed with method ${entry.method}, which is not read here ` +
          "(only stored and DEFLATE are)",
      );
    }
    if (entry.size > max) {
      throw new ZipError(
        path,
        "too large",
        `${entry.size} bytes once unzipped, more than the ${max} allowed`,
      );
    }
    const header = await readAt(entry.offset, 30);
    const hv = view(header);
    if (header.length < 30 || hv.getUint32(0, true) !== LOCAL) {
      throw damaged("its local header is missing");
    }
    const start = entry.offset + 30 + hv.getUint16(26, true) +
      hv.getUint16(28, true);
    if (start + entry.compressedSize > end.cdOffset) {
      throw damaged("its data runs into the central directory");
    }
    const data = await readAt(start, entry.compressedSize);
    let bytes: Uint8Array;
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) {
        throw damaged("a stored entry whose two sizes differ");
      }
      bytes = data.slice();
    } else {
      const out = await inflate(data, entry.size);
      if (out === "over") throw damaged("it unzips to more than it declares");
      if (out === "short") throw damaged("it unzips to less than it declares");
      if (out === "bad") throw damaged("its DEFLATE data is broken");
      bytes = out;
    }
    if (crc32(bytes) !== entry.crc) throw damaged("its CRC-32 does not match");
    return bytes;
  };
  return { entries, read };
}
