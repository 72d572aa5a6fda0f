const TRUTHY = new Set(["true", "yes", "y", "t"]);
const FALSY = new Set(["false", "no", "n", "f"]);
const PAIR: Record<string, string> = { true: "false", false: "true", yes: "no", no: "yes", y: "n", n: "y", t: "f", f: "t" };

/**
 * The truth value of a yes/no word (true/false, yes/no, y/n, t/f, any case): 1, 0, or undefined
 * when `text` is not such a word.
 */
export function truthValue(text: string): 0 | 1 | undefined {
  const lower = text.toLowerCase();
  if (TRUTHY.has(lower)) return 1;
  if (FALSY.has(lower)) return 0;
  return undefined;
}

/** Whether `categories` (one or two distinct values) are the two sides of one yes/no pair. */
export function isBooleanLike(categories: readonly string[]): boolean {
  if (categories.length === 0 || categories.length > 2) return false;
  const a = categories[0]!.toLowerCase();
  if (!(a in PAIR)) return false;
  if (categories.length === 1) return true;
  return PAIR[a] === categories[1]!.toLowerCase();
}
