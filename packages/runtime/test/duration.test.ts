import { durationSchema, formatDuration } from "../src/duration";

describe("durationSchema", () => {
  it.each([
    ["30s", 30_000],
    ["15m", 900_000],
    ["24h", 86_400_000],
    ["7d", 604_800_000],
  ])("reads %s as %i ms and writes it back", (text, ms) => {
    expect(durationSchema.parse(text)).toBe(ms);
    expect(formatDuration(ms)).toBe(text === "24h" ? "1d" : text);
  });

  it.each(["", "0h", "h", "24", "1.5h", "-1h", "24H", "1w", "367d", "24 h"])("refuses %j with a message naming the form", (text) => {
    const r = durationSchema.safeParse(text);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toMatch(/duration|366d/);
  });
});
