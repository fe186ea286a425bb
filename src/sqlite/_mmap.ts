// How much of a session file SqliteStorage reads through a memory map, in
// one place for the storage and the benchmark's raw-least baseline (which
// must map as much). Private to the library.

/**
 * All of a file of about 1.3 million peers (189 MiB at 1,000,000). A limit,
 * not an allocation: SQLite maps what the file holds, and the pages it
 * touches are the page cache a read() would fill anyway.
 */
export const MMAP_BYTES = 256 * 1024 * 1024;
