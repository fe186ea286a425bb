#!/usr/bin/env bash
# The main job: the mtsession CLI on a real session file shipped in the
# repository (tests/fixtures/telethon/sqlite/v7-full.session, written by
# Telethon 1.37), once on each runtime. Nothing secret is printed: the auth
# key shows only as its key id.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1 RUST_BACKTRACE=0
BIN=node_modules/.bin
FILE=tests/fixtures/telethon/sqlite/v7-full.session
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "== node: mtsession info $FILE --peers"
"$BIN/node" cli.ts info "$FILE" --peers

echo
echo "== bun: mtsession convert $FILE --to mtsession-file --out account.session"
"$BIN/bun" cli.ts convert "$FILE" --to mtsession-file --out "$OUT/account.session"
ls -l "$OUT/account.session" | cut -d' ' -f1

echo
echo "== deno: mtsession info account.session --json"
"$BIN/deno" run -R -W -E cli.ts info "$OUT/account.session" --json

echo
echo "== node: account.session → Pyrogram string → mtsession info"
"$BIN/node" cli.ts convert "$OUT/account.session" --to pyrogram --api-id 12345 |
  "$BIN/node" cli.ts info
