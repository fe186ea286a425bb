// SQLite's 100-byte file header, judged without I/O: shared by the full
// file check (file_header.ts), the quick look before opening
// (file_probe.ts) and the CLI's telling a file from a session string.

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
  const view = new DataView(head.buffer, head.byteOffset, 100);
  const raw = view.getUint16(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    return { kind: "bad-page-size" };
  }
  // The page count in the header is valid when the change counter matches
  // "version-valid-for".
  const pages = view.getUint32(28);
  const valid = view.getUint32(24) === view.getUint32(92);
  if (valid && pages > 0 && length < pages * pageSize) {
    return { kind: "truncated", bytes: pages * pageSize };
  }
  return { kind: "sound" };
}
