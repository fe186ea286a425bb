// SQLite's 100-byte file header and the 32-byte header of a write-ahead
// log, judged without I/O: shared by the full file check
// (_file_header.ts), the quick look before opening (_file_probe.ts) and the
// CLI's telling a file from a session string.

/**
 * What a header says of its file: sound, not SQLite, a bad page size, or
 * shorter than the header's page count (`bytes` long at least).
 */
export type HeaderVerdict =
  | { readonly kind: "sound" }
  | { readonly kind: "not-sqlite" }
  | { readonly kind: "bad-page-size" }
  | { readonly kind: "truncated"; readonly bytes: number };

const SQLITE_MAGIC = "SQLite format 3\u0000";

/**
 * Whether the bytes begin with SQLite's 16-byte magic ("SQLite format 3"
 * and a NUL), whatever follows.
 *
 * @param head The file's first bytes (any number).
 * @returns Whether they are an SQLite database's.
 */
export function hasSqliteMagic(head: Uint8Array): boolean {
  for (let i = 0; i < SQLITE_MAGIC.length; i++) {
    if (head[i] !== SQLITE_MAGIC.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Judges a file by its first 100 bytes and its length. Whether a WAL
 * beside a truncated file holds the rest is the caller's to tell.
 *
 * @param head The file's first 100 bytes (zeros past its end).
 * @param length The file's length in bytes.
 * @returns The verdict.
 */
export function judgeSqliteHeader(
  head: Uint8Array,
  length: number,
): HeaderVerdict {
  if (length < 100 || head.length < 100 || !hasSqliteMagic(head)) {
    return { kind: "not-sqlite" };
  }
  const pageSize = headerPageSize(head);
  if (pageSize === undefined) return { kind: "bad-page-size" };
  const view = new DataView(head.buffer, head.byteOffset, 100);
  // The page count in the header is valid when the change counter matches
  // "version-valid-for".
  const pages = view.getUint32(28);
  const valid = view.getUint32(24) === view.getUint32(92);
  if (valid && pages > 0 && length < pages * pageSize) {
    return { kind: "truncated", bytes: pages * pageSize };
  }
  return { kind: "sound" };
}

/**
 * The page size a database header gives (bytes 16-17; 1 means 65536), or
 * `undefined` when it is not a power of two from 512 to 65536.
 *
 * @param head The file's first 100 bytes.
 * @returns The page size.
 */
export function headerPageSize(head: Uint8Array): number | undefined {
  if (head.length < 18) return undefined;
  const raw = (head[16]! << 8) | head[17]!;
  const size = raw === 1 ? 65536 : raw;
  return size >= 512 && (size & (size - 1)) === 0 ? size : undefined;
}

/**
 * What a write-ahead log's 32-byte header says of it beside its database:
 * sound, not a write-ahead log at all (too short, wrong magic number or
 * version), a header whose checksum fails, or pages of another size than
 * the database's (SQLite would apply it anyway and the database would
 * become the other one).
 */
export type WalVerdict =
  | { readonly kind: "sound" }
  | { readonly kind: "not-wal" }
  | { readonly kind: "bad-checksum" }
  | {
    readonly kind: "page-size";
    readonly walPageSize: number;
    readonly dbPageSize: number;
  };

const WAL_MAGIC = 0x377f0682; // | 1: checksums of big-endian words
const WAL_VERSION = 3007000;

/**
 * SQLite's WAL checksum over `bytes` (a multiple of 8 long), from the pair
 * `s0`, `s1`: the 32-bit words are read in the order the magic number
 * says, two at a time, s0 += w0 + s1, s1 += w1 + s0 (mod 2^32).
 */
function walChecksum(
  bytes: Uint8Array,
  bigEndian: boolean,
): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let s0 = 0;
  let s1 = 0;
  for (let i = 0; i + 8 <= bytes.length; i += 8) {
    s0 = (s0 + view.getUint32(i, !bigEndian) + s1) >>> 0;
    s1 = (s1 + view.getUint32(i + 4, !bigEndian) + s0) >>> 0;
  }
  return [s0, s1];
}

/**
 * Judges a non-empty `-wal` by its first 32 bytes, without I/O: the magic
 * number and format version, the header's own checksum, and its page size
 * against the database's. The frames are not judged: after a kill between
 * the writing of a new header and of the first frame, frames whose salts
 * differ from the header's are what a sound log holds (SQLite takes it as
 * empty), so they cannot tell a foreign log.
 *
 * @param head The log's first bytes (up to 32; fewer when it is shorter).
 * @param dbPageSize The database's page size, when its header is there.
 * @returns The verdict.
 */
export function judgeWalHeader(
  head: Uint8Array,
  dbPageSize: number | undefined,
): WalVerdict {
  if (head.length < 32) return { kind: "not-wal" };
  const view = new DataView(head.buffer, head.byteOffset, 32);
  const magic = view.getUint32(0);
  if ((magic & ~1) !== WAL_MAGIC || view.getUint32(4) !== WAL_VERSION) {
    return { kind: "not-wal" };
  }
  const walPageSize = view.getUint32(8);
  if (
    walPageSize < 512 || walPageSize > 65536 ||
    (walPageSize & (walPageSize - 1)) !== 0
  ) {
    return { kind: "not-wal" };
  }
  const [s0, s1] = walChecksum(head.subarray(0, 24), (magic & 1) === 1);
  if (s0 !== view.getUint32(24) || s1 !== view.getUint32(28)) {
    return { kind: "bad-checksum" };
  }
  if (dbPageSize !== undefined && walPageSize !== dbPageSize) {
    return { kind: "page-size", walPageSize, dbPageSize };
  }
  return { kind: "sound" };
}
