// The converter page (web/) end to end in headless Chromium: built by
// scripts/build_web.ts, served from 127.0.0.1, a Telethon file chosen
// through the file input, its info shown with the key hidden until asked,
// converted to a Pyrogram string equal to what the CLI prints for the same
// file, a file downloaded and read back by the CLI; bad input gets a clear
// error; and once loaded the page asks nothing of any network. Then a
// zipped tdata folder (two accounts, a local passcode) dropped on the
// page: the passcode asked for, an account picked, converted to a Telethon
// string equal to the CLI's for the folder; and an encrypted mtsession
// string read with its passphrase. A screenshot goes to
// $MTSESSION_TEST_OUTPUT or a temporary directory. Node only (it drives
// Chromium).

import { it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { buildWeb, type WebBuild } from "../scripts/build_web.ts";
import { encodeSessionString, writeTdata } from "../mod.ts";
import { key } from "./_tdata_helpers.ts";
import { buildZip, filesUnder, HAS_ZIP } from "./_zip.ts";
import { describeOrSkip, fixturePath, runtime } from "./_fixtures.ts";
import { runCliProcess } from "./_cli.ts";
import {
  browserSkip,
  outputDir,
  runPage,
  type Served,
} from "./browser/_harness.ts";

const skip = browserSkip(runtime);
const TELETHON = fixturePath("telethon/sqlite/v7-full.session");
const API_ID = "12345";

/** What the page gave, step by step. */
interface Seen {
  infoHidden: string;
  infoShown: string;
  pyrogram: string;
  downloaded: string;
  badString: string;
  badFile: string;
  focusOrder: string[];
}

async function drive(page: Page, dir: string, shot: string): Promise<Seen> {
  await page.waitForSelector("body[data-ready=true]");
  // Bad input first: a clear message in the alert box.
  await page.fill("#source-text", "not a session string");
  await page.click("#read");
  await page.waitForSelector("#error:not([hidden])");
  const badString = await page.textContent("#error") ?? "";
  await page.setInputFiles("#source-file", {
    name: "notes.session",
    mimeType: "application/octet-stream",
    buffer: Buffer.from("SQLite format 3\u0000 but then nothing"),
  });
  await until(
    page,
    `document.getElementById("error").textContent.includes("notes.session")`,
  );
  const badFile = await page.textContent("#error") ?? "";

  await page.setInputFiles("#source-file", TELETHON);
  await page.waitForSelector("#info-section:not([hidden])");
  const infoHidden = await page.textContent("#info") ?? "";
  await page.click("#show-key");
  await until(
    page,
    `document.getElementById("show-key").getAttribute("aria-pressed") === "true"`,
  );
  const infoShown = await page.textContent("#info") ?? "";
  await page.click("#show-key");

  await page.selectOption("#target", "pyrogram");
  await page.fill("#api-id", API_ID);
  await page.click("#convert-button");
  await page.waitForSelector("#output-section:not([hidden])");
  const pyrogram = await page.inputValue("#output");

  await page.selectOption("#target", "mtsession-file");
  await page.click("#convert-button");
  await until(
    page,
    `document.getElementById("download").download.includes("mtsession-file")`,
  );
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.click("#download"),
  ]);
  const downloaded = join(dir, "downloaded.session");
  await download.saveAs(downloaded);
  await page.screenshot({ path: shot, fullPage: true });

  // Keyboard: Tab from the top reaches the controls in reading order.
  await page.evaluate("document.activeElement.blur()");
  const focusOrder: string[] = [];
  for (let i = 0; i < 14; i++) {
    await page.keyboard.press("Tab");
    focusOrder.push(
      await page.evaluate<string>(`document.activeElement?.id ?? ""`),
    );
  }
  return {
    infoHidden,
    infoShown,
    pyrogram,
    downloaded,
    badString,
    badFile,
    focusOrder,
  };
}

/** The built page as the server serves it. */
function site(built: WebBuild): Map<string, Served> {
  const file = (name: string, type: string): Served => ({
    type,
    body: readFileSync(join(built.dir, name)),
  });
  return new Map<string, Served>([
    ["/", file("index.html", "text/html; charset=utf-8")],
    ["/main.js", file("main.js", "text/javascript; charset=utf-8")],
    [
      "/sql-wasm-browser.wasm",
      file("sql-wasm-browser.wasm", "application/wasm"),
    ],
  ]);
}

const PASSCODE = "page passcode";
const PASSPHRASE = "string passphrase";

/** What the page gave for the tdata ZIP and the encrypted string. */
interface SeenTdata {
  needsPasscode: string;
  choices: string[];
  info: string;
  telethon: string;
  stringNeedsPassphrase: string;
  stringInfo: string;
  stringTelethon: string;
}

/** Drops a file on the page's drop area, as a user drags one there. */
async function dropFile(
  page: Page,
  name: string,
  bytes: Uint8Array,
): Promise<void> {
  // A string, as the page's own globals are not the test's types.
  await page.evaluate(`(() => {
    const raw = atob(${JSON.stringify(Buffer.from(bytes).toString("base64"))});
    const data = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) data[i] = raw.charCodeAt(i);
    const transfer = new DataTransfer();
    transfer.items.add(
      new File([data], ${JSON.stringify(name)}, { type: "application/zip" }),
    );
    const drop = document.getElementById("drop");
    for (const type of ["dragenter", "dragover", "drop"]) {
      drop.dispatchEvent(
        new DragEvent(type, { dataTransfer: transfer, bubbles: true }),
      );
    }
  })()`);
}

/**
 * Waits until an expression is true in the page, asking from here: the
 * page's CSP forbids the in-page eval that waitForFunction polls with.
 */
async function until(page: Page, expression: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (!await page.evaluate<boolean>(expression)) {
    if (Date.now() > end) {
      throw new Error(`Timed out waiting for ${expression}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function driveTdata(
  page: Page,
  zip: Uint8Array,
  string: string,
  shot: string,
): Promise<SeenTdata> {
  await page.waitForSelector("body[data-ready=true]");
  await dropFile(page, "Telegram Desktop.zip", zip);
  await page.waitForSelector("#error:not([hidden])");
  const needsPasscode = await page.textContent("#error") ?? "";
  await page.fill("#passcode", PASSCODE);
  await page.press("#passcode", "Enter");
  await page.waitForSelector("#account-choice:not([hidden])");
  const choices = await page.$$eval(
    "#account option",
    (options) => options.map((o) => o.textContent ?? ""),
  );
  await page.selectOption("#account", "1");
  await page.click("#use-account");
  await until(
    page,
    `document.getElementById("status").textContent.includes("account 1")`,
  );
  const info = await page.textContent("#info") ?? "";
  await page.selectOption("#target", "telethon");
  await page.click("#convert-button");
  await page.waitForSelector("#output-section:not([hidden])");
  const telethon = await page.inputValue("#output");
  await page.screenshot({ path: shot, fullPage: true });

  // An encrypted mtsession string: the passphrase asked for, then read.
  await page.fill("#passcode", "");
  await page.fill("#source-text", string);
  await page.click("#read");
  await page.waitForSelector("#error:not([hidden])");
  const stringNeedsPassphrase = await page.textContent("#error") ?? "";
  await page.fill("#passcode", PASSPHRASE);
  await page.press("#passcode", "Enter");
  await until(
    page,
    `document.getElementById("status").textContent.includes("mtsession-string")`,
  );
  const stringInfo = await page.textContent("#info") ?? "";
  await page.selectOption("#target", "telethon");
  await page.click("#convert-button");
  await until(
    page,
    `document.getElementById("output").value !== ${JSON.stringify(telethon)}`,
  );
  const stringTelethon = await page.inputValue("#output");
  return {
    needsPasscode,
    choices,
    info,
    telethon,
    stringNeedsPassphrase,
    stringInfo,
    stringTelethon,
  };
}

describeOrSkip("the converter page", skip, () => {
  it("reads a Telethon file, converts it as the CLI does, downloads a file the CLI reads; no request after load", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "mtsession-web-test-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const built = await buildWeb(join(dir, "dist"));
    t.diagnostic(
      `page module: ${(built.moduleBytes / 1024).toFixed(1)} KiB, ` +
        `${(built.moduleGzip / 1024).toFixed(1)} KiB gzip (limit 300); ` +
        `wasm ${(built.wasmGzip / 1024).toFixed(0)} KiB gzip; node ` +
        `built-ins stubbed: ${built.nodeBuiltins.join(", ") || "none"}`,
    );
    assert.ok(built.moduleGzip <= 300 * 1024, "page module over 300 KiB gzip");
    const files = site(built);
    const shot = join(outputDir(), "converter-page.png");
    const run = await runPage<Seen>({
      files,
      interact: (page) => drive(page, dir, shot),
    });
    t.diagnostic(`screenshot: ${shot}`);
    const seen = run.result;

    // What `mtsession info` shows, the key hidden until asked.
    const cliInfo = runCliProcess(["info", TELETHON]);
    assert.equal(cliInfo.status, 0, cliInfo.stderr);
    const key = runCliProcess(["info", TELETHON, "--show-key"]);
    const hex = /auth key\s+([0-9a-f]{512})/.exec(key.stdout)?.[1];
    assert.ok(hex !== undefined, key.stdout);
    assert.ok(!seen.infoHidden.includes(hex), "the key shows before asked");
    assert.match(seen.infoHidden, /auth key\s+hidden/);
    assert.ok(seen.infoShown.includes(hex), "the key is shown when asked");
    for (const line of cliInfo.stdout.split("\n").slice(1, 10)) {
      // The page names its button where the CLI names its flag.
      const shown = line.replace(
        "--show-key prints it",
        "the Show key button shows it",
      );
      assert.ok(seen.infoHidden.includes(shown), `info lacks "${shown}"`);
    }

    // The Pyrogram string is the CLI's, for the same file.
    const cli = runCliProcess([
      "convert",
      TELETHON,
      "--to",
      "pyrogram",
      "--api-id",
      API_ID,
    ]);
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(seen.pyrogram, cli.stdout.trim());

    // The downloaded mtsession file: the CLI reads it, and it holds what
    // the Telethon file held.
    const back = runCliProcess(["info", seen.downloaded, "--show-key"]);
    assert.equal(back.status, 0, back.stderr);
    assert.match(back.stdout, /^source\s+mtsession-file/);
    assert.ok(back.stdout.includes(hex));
    const again = runCliProcess([
      "convert",
      seen.downloaded,
      "--to",
      "pyrogram",
      "--api-id",
      API_ID,
    ]);
    assert.equal(again.stdout.trim(), cli.stdout.trim());

    // Bad input: clear words.
    assert.match(seen.badString, /session string/i);
    assert.match(seen.badFile, /notes\.session is /);

    // Keyboard: every control in reading order.
    const order = seen.focusOrder.filter((id) => id !== "");
    assert.deepEqual(order.slice(0, 3), ["source-text", "read", "source-file"]);
    for (
      const id of ["info", "show-key", "target", "api-id", "convert-button"]
    ) {
      assert.ok(
        order.includes(id),
        `${id} not reached by Tab: ${order.join()}`,
      );
    }
    assert.ok(order.indexOf("show-key") < order.indexOf("target"));

    // Nothing asked of any network after load, nothing ever of another origin.
    assert.deepEqual(run.requestsAfterLoad, []);
    assert.deepEqual(run.foreign, []);
    assert.deepEqual(
      run.requests.map((u) => new URL(u).pathname).sort(),
      ["/", "/main.js", "/sql-wasm-browser.wasm"],
    );
  });
  it("reads a dropped tdata ZIP (passcode, account picked) and an encrypted string, as the CLI does; no request after load", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "mtsession-web-tdata-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const desktop = join(dir, "Telegram Desktop");
    mkdirSync(desktop);
    const folder = join(desktop, "tdata");
    await writeTdata(folder, {
      accounts: [
        {
          index: 0,
          userId: 5_123_456_789,
          mainDcId: 2,
          authKeys: new Map([[2, key(12)], [4, key(14)]]),
        },
        {
          index: 1,
          userId: 6_000_111_222,
          mainDcId: 4,
          authKeys: new Map([[1, key(21)], [4, key(24)], [5, key(25)]]),
        },
      ],
    }, { passcode: PASSCODE });
    // The folder holding tdata, zipped as people zip it.
    let zip: Uint8Array;
    if (HAS_ZIP) {
      const path = join(dir, "t.zip");
      execFileSync("zip", ["-r", "-q", path, "Telegram Desktop"], { cwd: dir });
      zip = new Uint8Array(readFileSync(path));
    } else {
      zip = buildZip(
        [...filesUnder(dir)].map(([name, data]) => ({ name, data })),
      );
    }
    const auth = {
      dcId: 2,
      authKey: key(99),
      apiId: 12345,
      userId: 5_000_000_001,
    };
    const string = await encodeSessionString(auth, "mtsession", {
      passphrase: PASSPHRASE,
      iterations: 1000,
    });
    const built = await buildWeb(join(dir, "dist"));
    const shot = join(outputDir(), "converter-page-tdata.png");
    const run = await runPage<SeenTdata>({
      files: site(built),
      interact: (page) => driveTdata(page, zip, string, shot),
    });
    t.diagnostic(`screenshot: ${shot}`);
    const seen = run.result;

    assert.match(seen.needsPasscode, /passcode/i);
    assert.deepEqual(seen.choices, [
      "account 0: user 5123456789 (active)",
      "account 1: user 6000111222",
    ]);
    assert.match(seen.info, /^source\s+tdata-zip/m);
    assert.ok(seen.info.includes("6000111222"), seen.info);
    const env = { MTS_PASSCODE: PASSCODE, MTS_PASSPHRASE: PASSPHRASE };
    const cli = runCliProcess(
      [
        "convert",
        folder,
        "--to",
        "telethon",
        "--account",
        "1",
        "--passcode-env",
        "MTS_PASSCODE",
      ],
      "",
      env,
    );
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(seen.telethon, cli.stdout.trim());

    assert.match(seen.stringNeedsPassphrase, /passphrase|passcode/i);
    assert.match(seen.stringInfo, /^source\s+mtsession-string/m);
    const fromString = runCliProcess(
      [
        "convert",
        "--to",
        "telethon",
        "--passphrase-env",
        "MTS_PASSPHRASE",
      ],
      string,
      env,
    );
    assert.equal(fromString.status, 0, fromString.stderr);
    assert.equal(seen.stringTelethon, fromString.stdout.trim());

    assert.deepEqual(run.requestsAfterLoad, []);
    assert.deepEqual(run.foreign, []);
    assert.deepEqual(
      run.requests.map((u) => new URL(u).pathname).sort(),
      ["/", "/main.js", "/sql-wasm-browser.wasm"],
    );
  });
});
