// Phrasing the notes the readers and writers return: lists and counts.
// Private to src/foreign/.

/**
 * A list as "a, b and c", at most `max` items then "and N more".
 *
 * @param items The items.
 * @param max How many to show.
 * @returns The phrase.
 */
export function listOf(items: readonly (string | number)[], max = 5): string {
  const shown = items.slice(0, max).map(String);
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(", ")} and ${rest} more`;
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}

/**
 * "1 peer" / "2 peers".
 *
 * @param n The count.
 * @param word The singular noun.
 * @param plural The plural noun, if not `word + "s"`.
 * @returns The phrase.
 */
export function count(n: number, word: string, plural = `${word}s`): string {
  return `${n} ${n === 1 ? word : plural}`;
}
