import { pickRoute, routingPoint } from "../src/serving/routing";

const routes = [
  { alias: "champion", weight: 9 },
  { alias: "challenger", weight: 1 },
];

it("splits 10,000 keys 90/10 within two points", () => {
  const counts: Record<string, number> = { champion: 0, challenger: 0 };
  for (let i = 0; i < 10_000; i++) counts[pickRoute(routes, routingPoint("fraud", `customer-${i}`)).alias]! += 1;
  expect(Math.abs(counts.champion! / 10_000 - 0.9)).toBeLessThanOrEqual(0.02);
  expect(Math.abs(counts.challenger! / 10_000 - 0.1)).toBeLessThanOrEqual(0.02);
});

it("sends the same key to the same route every time, and normalises the weights by their sum", () => {
  for (let i = 0; i < 100; i++) {
    const key = `k${i}`;
    const first = pickRoute(routes, routingPoint("fraud", key));
    expect(pickRoute(routes, routingPoint("fraud", key))).toBe(first);
    expect(pickRoute([{ ...routes[0]!, weight: 0.9 }, { ...routes[1]!, weight: 0.1 }], routingPoint("fraud", key)).alias).toBe(first.alias);
  }
});

it("never picks a route of weight zero, and points stay in [0, 1)", () => {
  const zero = [{ alias: "a", weight: 0 }, { alias: "b", weight: 2 }, { alias: "c", weight: 0 }];
  for (let i = 0; i < 1000; i++) {
    const p = routingPoint("x", String(i));
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(1);
    expect(pickRoute(zero, p).alias).toBe("b");
  }
  expect(pickRoute(zero, 0.9999999999).alias).toBe("b");
});
