// Bad input for every session-string decoder: a seeded sample of the
// fuzzer of scripts/fuzz.ts (which runs 100,000+ inputs per format). Every
// mutated or random string either decodes or fails with the typed
// SessionStringError (PassphraseError included), quickly; a mutated
// mtsession string (CRC-32, or AES-GCM when encrypted) never decodes. The
// other formats carry no integrity check, so a mutation may decode to
// another session there: that is counted, not failed (docs/reliability.md).

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  FUZZ_FORMATS,
  fuzzFormat,
  isChecked,
  mutate,
  randomInput,
} from "./_rel_fuzz.ts";
import { seeded } from "./_random.ts";
import { runtime } from "./_fixtures.ts";

describe(`string decoders under fuzzing (${runtime})`, () => {
  for (const [i, format] of FUZZ_FORMATS.entries()) {
    const encrypted = format === "mtsession-encrypted";
    it(
      `${format}: typed errors only${
        isChecked(format) ? ", every mutation refused" : ""
      }`,
      { timeout: 120_000 },
      async () => {
        const stats = await fuzzFormat(format, {
          seed: 4242 + i,
          mutated: encrypted ? 150 : 800,
          random: encrypted ? 50 : 200,
        });
        assert.deepEqual(stats.failures, [], format);
        // Every session the encoder wrote was read back by the decoder.
        assert.equal(
          stats.unreadableCount,
          0,
          stats.unreadable.join("\n"),
        );
        assert.equal(stats.mutatedOutcomes.failure, 0);
        assert.equal(stats.randomOutcomes.failure, 0);
        if (isChecked(format)) {
          assert.equal(stats.mutatedOutcomes.rejected, stats.mutated);
        } else {
          // Structure is checked (lengths, prefixes, version bytes, base64),
          // so most mutations fail even without a checksum.
          assert.ok(
            stats.mutatedOutcomes.rejected > stats.mutated / 3,
            JSON.stringify(stats.mutatedOutcomes),
          );
        }
        // No hang: a decode is sub-millisecond; an encrypted one runs one
        // PBKDF2 of at most 10,000,000 iterations (the decoder's limit).
        assert.ok(
          stats.maxMs < (encrypted ? 30_000 : 2_000),
          `slowest decode ${stats.maxMs} ms`,
        );
      },
    );
  }

  it("the mutator never returns the original and covers every kind of edit", () => {
    const r = seeded(9);
    const text = "mts1:AQHfAAAAAgBsAAAAAAAAAAAAAAAA";
    const seen = new Set<number>();
    for (let k = 0; k < 2000; k++) {
      const m = mutate(r, text);
      assert.notEqual(m.trim(), text);
      seen.add(Math.sign(m.length - text.length));
    }
    assert.deepEqual([...seen].sort(), [-1, 0, 1]);
    const lengths = new Set(
      Array.from({ length: 500 }, () => randomInput(r).length),
    );
    assert.ok(lengths.has(0) && lengths.has(353), "format lengths drawn");
  });
});
