// The converter page (web/) end to end in headless Chromium: built by
// scripts/build_web.ts, served from 127.0.0.1, a Telethon file chosen
// through the file input, its info shown with the key hidden until asked,
// converted to a Pyrogram string equal to what the CLI prints for the same
// file, a file downloaded and read back by the CLI; bad input gets a clear
// error; and once loaded the page asks nothing of any network. A
// screenshot goes to $MTSESSION_TEST_OUTPUT or a temporary directory.
// Node only (it drives Chromium).

import { it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { buildWeb } from "../scripts/build_web.ts";
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
  await page.waitForFunction(
    `document.getElementById("error").textContent.includes("notes.session")`,
  );
  const badFile = await page.textContent("#error") ?? "";

  await page.setInputFiles("#source-file", TELETHON);
  await page.waitForSelector("#info-section:not([hidden])");
  const infoHidden = await page.textContent("#info") ?? "";
  await page.click("#show-key");
  await page.waitForFunction(
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
  await page.waitForFunction(
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
    const file = (name: string, type: string): Served => ({
      type,
      body: readFileSync(join(built.dir, name)),
    });
    const files = new Map<string, Served>([
      ["/", file("index.html", "text/html; charset=utf-8")],
      ["/main.js", file("main.js", "text/javascript; charset=utf-8")],
      [
        "/sql-wasm-browser.wasm",
        file("sql-wasm-browser.wasm", "application/wasm"),
      ],
    ]);
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
});
