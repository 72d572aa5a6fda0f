import { durationSchema } from "../src/duration";

it("parses 30s, 15m, 24h and 7d to milliseconds", () => {
  expect(["30s", "15m", "24h", "7d", "366d"].map((d) => durationSchema.parse(d))).toEqual([30_000, 900_000, 86_400_000, 604_800_000, 366 * 86_400_000]);
});

it("refuses what is not a whole number and a unit, zero, and more than 366 days, with a message that shows the form", () => {
  for (const bad of ["", "24", "h", "1.5h", "-1h", "0m", "01h", "24 h", "1w", "24H", "367d"]) {
    const result = durationSchema.safeParse(bad);
    expect([bad, result.success]).toEqual([bad, false]);
    expect(result.error!.issues[0]!.message).toMatch(/duration/);
  }
});
