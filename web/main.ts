/// <reference lib="dom" />
// The converter page: a session string pasted, or a session file or a
// zipped tdata folder chosen or dropped, is read in the page (sql.js for
// files, the pure-TypeScript unzip and tdata reader for ZIPs; a passcode
// for encrypted strings and protected folders, an account picked when a
// folder holds several), shown as `mtsession info` shows it (the key
// hidden until asked), and converted to any string or file format, for
// copying or download. Nothing leaves the browser: the
// page's Content-Security-Policy lets it reach its own origin only (for
// its wasm file), and it asks nothing of it after load.

import initSqlJs from "sql.js";
import { Session } from "../src/session.ts";
import { MemoryStorage } from "../src/memory/memory_storage.ts";
import { decodeSessionString, droppedFields } from "../src/strings/codec.ts";
import { STRING_FORMATS } from "../src/strings/types.ts";
import { PassphraseError, type StringFormat } from "../src/errors.ts";
import { type HeldTdata, readZip } from "../src/tdata/_held.ts";
import { tdataSessionOf } from "../src/foreign/_tdata.ts";
import { decodedStorage } from "../src/_string_storage.ts";
import { hasSqliteMagic } from "../src/sqlite/_header.ts";
import { fill } from "../src/foreign/_fill.ts";
import { infoObject, infoText } from "../src/cli/_info.ts";
import {
  fromSqlJs,
  readSessionBytes,
  type SessionBytesFormat,
  type SqlJsFiles,
  type SqlJsStaticLike,
  writeSessionBytes,
} from "../adapters/sqlite_wasm.ts";

const FILE_FORMATS: Record<string, SessionBytesFormat> = {
  "telethon-file": "telethon",
  "telethon2-file": "telethon2",
  "pyrogram-file": "pyrogram",
  "mtsession-file": "mtsession",
};

function el<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`The page has no #${id}`);
  return found as T;
}

const text = el<HTMLTextAreaElement>("source-text");
const fileInput = el<HTMLInputElement>("source-file");
const drop = el<HTMLElement>("drop");
const readButton = el<HTMLButtonElement>("read");
const passcode = el<HTMLInputElement>("passcode");
const accountChoice = el<HTMLElement>("account-choice");
const accountSelect = el<HTMLSelectElement>("account");
const useAccount = el<HTMLButtonElement>("use-account");
const errorBox = el<HTMLElement>("error");
const infoSection = el<HTMLElement>("info-section");
const info = el<HTMLElement>("info");
const showKey = el<HTMLButtonElement>("show-key");
const notesBox = el<HTMLElement>("notes");
const convertForm = el<HTMLFormElement>("convert");
const target = el<HTMLSelectElement>("target");
const apiId = el<HTMLInputElement>("api-id");
const userId = el<HTMLInputElement>("user-id");
const isBot = el<HTMLInputElement>("is-bot");
const outputSection = el<HTMLElement>("output-section");
const output = el<HTMLTextAreaElement>("output");
const download = el<HTMLAnchorElement>("download");
const status = el<HTMLElement>("status");

/** A session read, its source's kind and its notes. */
interface Loaded {
  source: string;
  session: Session;
  notes: string[];
}

let sqlite: SqlJsFiles | undefined;
let current: { source: string; session: Session; name: string } | undefined;
/** What was read last, to read again when a passcode is given. */
let last:
  | { load: () => Promise<Loaded | null>; name: string; picked: boolean }
  | undefined;
/** A tdata folder of several accounts, waiting for one to be picked. */
let pending: { held: HeldTdata; name: string } | undefined;
let keyShown = false;
let url: string | undefined;

for (const f of [...STRING_FORMATS, ...Object.keys(FILE_FORMATS)]) {
  const option = document.createElement("option");
  option.value = f;
  option.textContent = f in FILE_FORMATS ? f : `${f} string`;
  target.append(option);
}
target.value = "pyrogram";

function fail(e: unknown): void {
  errorBox.textContent = e instanceof PassphraseError
    ? `${e.message}. Type it in the passcode field and press Enter.`
    : e instanceof Error
    ? e.message
    : String(e);
  errorBox.hidden = false;
}

function clearError(): void {
  errorBox.textContent = "";
  errorBox.hidden = true;
}

function setNotes(notes: string[]): void {
  notesBox.replaceChildren(
    ...notes.map((n) => {
      const li = document.createElement("li");
      li.textContent = n;
      return li;
    }),
  );
}

async function loadSqlite(): Promise<SqlJsFiles> {
  sqlite ??= fromSqlJs(
    await initSqlJs({
      locateFile: (f: string) => new URL(f, import.meta.url).href,
    }) as unknown as SqlJsStaticLike,
  );
  return sqlite;
}

function secret(): string | undefined {
  return passcode.value === "" ? undefined : passcode.value;
}

async function fromText(source: string): Promise<Loaded> {
  const trimmed = source.trim();
  if (trimmed === "") {
    throw new Error("Paste a session string, or choose a session file");
  }
  const given = secret();
  const decoded = await decodeSessionString(
    trimmed,
    given === undefined ? {} : { passphrase: given },
  );
  return {
    source: `${decoded.format}-string`,
    session: await Session.open(await decodedStorage(decoded)),
    notes: [],
  };
}

async function fromTdata(
  held: HeldTdata,
  index: number | undefined,
): Promise<Loaded> {
  const found = tdataSessionOf(held.root, held.found, index);
  const storage = new MemoryStorage();
  await fill(storage, found);
  return {
    source: "tdata-zip",
    session: await Session.open(storage),
    notes: found.notes,
  };
}

/** Offers the accounts of a folder to pick from; the active one first chosen. */
function offerAccounts(held: HeldTdata, name: string): void {
  pending = { held, name };
  accountSelect.replaceChildren(
    ...held.found.accounts.map((a) => {
      const option = document.createElement("option");
      option.value = String(a.index);
      option.textContent = `account ${a.index}: user ${a.userId}${
        a.index === held.found.activeIndex ? " (active)" : ""
      }`;
      return option;
    }),
  );
  accountSelect.value = String(held.found.activeIndex);
  accountChoice.hidden = false;
}

async function fromZip(file: Blob, name: string): Promise<Loaded | null> {
  // Read in slices: only the folder's few small files are unzipped.
  const held = await readZip(file, name, secret());
  if (held.found.accounts.length === 1) return await fromTdata(held, undefined);
  offerAccounts(held, name);
  return null;
}

async function isZip(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  return head[0] === 0x50 && head[1] === 0x4b &&
    ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

async function fromBytes(bytes: Uint8Array, name: string): Promise<Loaded> {
  if (!hasSqliteMagic(bytes)) {
    // A text file holding a session string.
    return await fromText(new TextDecoder().decode(bytes));
  }
  const found = await readSessionBytes(bytes, await loadSqlite(), name);
  const storage = new MemoryStorage();
  await fill(storage, found);
  return {
    source: `${found.kind.library}-file`,
    session: await Session.open(storage),
    notes: found.notes,
  };
}

async function render(): Promise<void> {
  if (current === undefined) return;
  const o = await infoObject(current.source, current.session, {
    showKey: keyShown,
    peers: true,
  });
  // The CLI's words, with the page's button for its flag.
  info.textContent = infoText(o).replace(
    "--show-key prints it",
    "the Show key button shows it",
  );
  showKey.textContent = keyShown ? "Hide key" : "Show key";
  showKey.setAttribute("aria-pressed", String(keyShown));
}

/**
 * Reads a source and shows it. `picked` is for an account picked from the
 * folder read before: its account choice then stays on offer.
 */
async function read(
  load: () => Promise<Loaded | null>,
  name: string,
  picked = false,
): Promise<void> {
  clearError();
  status.textContent = "Reading…";
  last = { load, name, picked };
  if (!picked) {
    pending = undefined;
    accountChoice.hidden = true;
  }
  try {
    const loaded = await load();
    if (loaded === null) {
      status.textContent =
        `${name} holds several accounts: choose one, then press "Read this account".`;
      accountSelect.focus();
      return;
    }
    await current?.session.close();
    current = { source: loaded.source, session: loaded.session, name };
    keyShown = false;
    setNotes(loaded.notes);
    await render();
    infoSection.hidden = false;
    convertForm.hidden = false;
    outputSection.hidden = true;
    status.textContent = `Read ${loaded.source} (${name}).`;
  } catch (e) {
    status.textContent = "";
    fail(e);
  }
}

async function readFile(file: File): Promise<void> {
  await read(
    async () =>
      await isZip(file)
        ? await fromZip(file, file.name)
        : await fromBytes(new Uint8Array(await file.arrayBuffer()), file.name),
    file.name,
  );
}

useAccount.addEventListener("click", () => {
  if (pending === undefined) return;
  const { held, name } = pending;
  const index = Number(accountSelect.value);
  void read(() => fromTdata(held, index), `${name}, account ${index}`, true);
});
passcode.addEventListener("keydown", (e) => {
  if (e.key !== "Enter" || last === undefined) return;
  e.preventDefault();
  void read(last.load, last.name, last.picked);
});

readButton.addEventListener("click", () => {
  void read(() => fromText(text.value), "pasted string");
});
fileInput.addEventListener("change", () => {
  const file = fileInput.files?.[0];
  if (file !== undefined) void readFile(file);
});
for (const type of ["dragenter", "dragover"]) {
  drop.addEventListener(type, (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
}
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  const file = e.dataTransfer?.files[0];
  if (file !== undefined) void readFile(file);
});
showKey.addEventListener("click", () => {
  keyShown = !keyShown;
  void render();
});

function numberOf(input: HTMLInputElement, what: string): number | undefined {
  const v = input.value.trim();
  if (v === "") return undefined;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw new Error(`The ${what} must be a whole number, not "${v}"`);
  }
  return Number(v);
}

function offer(bytes: Uint8Array | string, name: string, type: string): void {
  if (url !== undefined) URL.revokeObjectURL(url);
  url = URL.createObjectURL(
    new Blob([bytes as BlobPart], { type }),
  );
  download.href = url;
  download.download = name;
  download.textContent = `Download ${name}`;
}

async function convert(): Promise<void> {
  if (current === undefined) return;
  const session = current.session;
  const to = target.value;
  const api = numberOf(apiId, "API id");
  const user = numberOf(userId, "user id");
  const base = current.name.replace(/\.[^.]*$/, "").replace(/[^\w.-]+/g, "_") ||
    "session";
  const fileFormat = FILE_FORMATS[to];
  if (fileFormat !== undefined) {
    // As `mtsession convert --to …-file` fills what the session lacks.
    const auth = session.getAuth();
    const written = await writeSessionBytes(fileFormat, {
      auth: {
        ...auth,
        apiId: auth.apiId ?? api ?? null,
        userId: auth.userId ?? user ?? null,
        isBot: auth.isBot ??
          (isBot.checked ? true : fileFormat === "pyrogram" ? false : null),
      },
      dataCenters: session.dataCenters,
      authKeys: session.authKeys(),
      peers: await session.listPeers(),
      updateStates: await session.getUpdateStates(),
      files: await session.listCachedFiles(),
      tempAuthKeys: await session.tempAuthKeys(),
      values: await session.listValues(),
      messageRefs: await session.listMessageRefs(),
    }, await loadSqlite());
    setNotes(written.notes);
    output.value = `${to}: ${written.bytes.length} bytes, ready to download`;
    offer(written.bytes, `${base}.${to}.session`, "application/x-sqlite3");
  } else {
    const format = to as StringFormat;
    const string = await session.exportString(format, {
      ...(api === undefined ? {} : { apiId: api }),
      ...(user === undefined ? {} : { userId: user }),
      isBot: isBot.checked,
    });
    const dropped = droppedFields(session.getAuth(), format, {
      dataCenters: session.dataCenters,
      authKeys: session.authKeys(),
    });
    setNotes(
      dropped.length === 0
        ? []
        : [`A ${format} string does not carry ${dropped.join(", ")}`],
    );
    output.value = string;
    offer(string + "\n", `${base}.${format}.txt`, "text/plain");
  }
  outputSection.hidden = false;
  status.textContent = `Converted to ${to}.`;
}

convertForm.addEventListener("submit", (e) => {
  e.preventDefault();
  clearError();
  convert().catch(fail);
});

// The wasm is fetched now, with the page, so that nothing is asked of the
// network once the page has loaded.
try {
  await loadSqlite();
  status.textContent = "Ready. Nothing you paste or choose leaves this page.";
} catch (e) {
  fail(
    new Error(
      `SQLite did not load, so session files cannot be read (strings still can): ${
        e instanceof Error ? e.message : String(e)
      }`,
    ),
  );
}
document.body.dataset.ready = "true";
