// A quick look at a session file before it is opened, without importing
// node:fs (which costs Bun about 2 ms and Deno about 10): whether the file
// certainly exists, has the header of a whole SQLite database, and has no
// -wal, -shm or -journal beside it (after a clean close there is none). It
// never refuses a file: anything short of that goes to the full check
// (_file_header.ts), which also looks at what is beside the file and words
// the error.

import { judgeSqliteHeader } from "./_header.ts";

/** A file's length and first 100 bytes. */
interface Head {
  length: number;
  bytes: Uint8Array;
}

/** The files SQLite keeps beside a database. */
const SIDE_FILES = ["-wal", "-shm", "-journal"];

/** The part of `Bun.file()` the probe reads. Declared to need no Bun types. */
interface BunFileLike {
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
  exists(): Promise<boolean>;
}

/** The part of the `Deno` namespace the probe reads. */
interface DenoLike {
  lstat(path: string): Promise<{ isFile: boolean; size: number }>;
  open(path: string): Promise<{
    read(into: Uint8Array): Promise<number | null>;
    close(): void;
  }>;
}

/** The part of node:fs the probe reads. */
interface NodeFsLike {
  lstatSync(
    path: string,
    options?: { throwIfNoEntry: boolean },
  ): { isFile(): boolean; size: number } | undefined;
  openSync(path: string, flags: string): number;
  readSync(
    fd: number,
    into: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): number;
  closeSync(fd: number): void;
}

const g = globalThis as {
  Bun?: { file(path: string): BunFileLike };
  Deno?: DenoLike;
  process?: { getBuiltinModule?: (id: string) => unknown };
};

async function viaBun(
  bun: { file(path: string): BunFileLike },
  path: string,
): Promise<Head | undefined> {
  const file = bun.file(path);
  const length = file.size; // 0 for a missing file
  if (!(length >= 100)) return undefined;
  // Bun.file follows links: a link to nothing beside the file is not seen
  // here (the opener asks the full check when the driver then fails).
  // The side files and the header are asked for at once.
  const [beside, head] = await Promise.all([
    Promise.all(SIDE_FILES.map((suffix) => bun.file(path + suffix).exists())),
    file.slice(0, 100).arrayBuffer(),
  ]);
  if (beside.includes(true)) return undefined;
  return { length, bytes: new Uint8Array(head) };
}

async function viaDeno(
  deno: DenoLike,
  path: string,
): Promise<Head | undefined> {
  const st = await deno.lstat(path);
  if (!st.isFile || !(st.size >= 100)) return undefined;
  const beside = await Promise.all(
    SIDE_FILES.map((suffix) =>
      deno.lstat(path + suffix).then(() => true, () => false)
    ),
  );
  if (beside.includes(true)) return undefined;
  const file = await deno.open(path);
  try {
    const bytes = new Uint8Array(100);
    return (await file.read(bytes)) === 100
      ? { length: st.size, bytes }
      : undefined;
  } finally {
    file.close();
  }
}

function viaNodeFs(fs: NodeFsLike, path: string): Head | undefined {
  const st = fs.lstatSync(path);
  if (st === undefined || !st.isFile() || !(st.size >= 100)) return undefined;
  for (const suffix of SIDE_FILES) {
    if (fs.lstatSync(path + suffix, { throwIfNoEntry: false })) {
      return undefined;
    }
  }
  const bytes = new Uint8Array(100);
  const fd = fs.openSync(path, "r");
  try {
    return fs.readSync(fd, bytes, 0, 100, 0) === 100
      ? { length: st.size, bytes }
      : undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads the head by the runtime's cheapest means. */
async function readHead(path: string): Promise<Head | undefined> {
  if (typeof g.Bun?.file === "function") return await viaBun(g.Bun, path);
  if (typeof g.Deno?.lstat === "function") return await viaDeno(g.Deno, path);
  // Node: node:fs is part of the runtime already, only not imported.
  const fs = g.process?.getBuiltinModule?.("node:fs") as NodeFsLike | undefined;
  return fs === undefined ? undefined : viaNodeFs(fs, path);
}

/**
 * Whether the file exists, its header is sound and nothing is beside it,
 * as far as the runtime can tell without importing node:fs (Bun:
 * `Bun.file`; Deno: `Deno.lstat` and `Deno.open`; Node: node:fs from
 * `process.getBuiltinModule`). A file that is a link is left to the full
 * check. `false` means "unknown": the full check must judge the file.
 *
 * @param path The file.
 * @returns `true` only for a file the full check would accept.
 */
export async function looksLikeSoundFile(path: string): Promise<boolean> {
  try {
    const head = await readHead(path);
    return head !== undefined &&
      judgeSqliteHeader(head.bytes, head.length).kind === "sound";
  } catch {
    return false; // missing, a directory, no permission, …: the full check says
  }
}
