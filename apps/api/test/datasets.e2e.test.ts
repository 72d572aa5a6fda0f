import { call, useStack } from "./support/stack";

// Real, messy datasets end to end: categoricals, missing values, many columns.
const stack = useStack();

const train = async (body: object) => {
  const res = await call(stack.api.url, "POST", "/train?wait=240", body);
  expect([res.status, res.body.success]).toEqual([200, true]);
  return res.body.metrics as Record<string, number>;
};

// Reference figures from ../shared/datasets/README.md (scikit-learn 1.2.1, stratified 80/20, seed 42).
it("churn (categoricals, 11 missing total_charges): RandomForest and LogisticRegression within 1.5 points of scikit-learn", async () => {
  const churn = { dataset_path: "churn.csv", target_column: "Churn", random_state: 42 };
  const rf = await train({ ...churn, algorithm: "RandomForestClassifier" });
  expect(Math.abs(rf.accuracy! - 0.782)).toBeLessThanOrEqual(0.015);
  const lr = await train({ ...churn, algorithm: "LogisticRegression" });
  expect(Math.abs(lr.accuracy! - 0.807)).toBeLessThanOrEqual(0.015);
}, 300_000);

it("penguins (categoricals and missing values) with RandomForest and LogisticRegression", async () => {
  const penguins = { dataset_path: "penguins.csv", target_column: "species" };
  expect((await train({ ...penguins, algorithm: "RandomForestClassifier", hyperparams: { n_estimators: 50 } })).accuracy).toBeGreaterThan(0.95);
  expect((await train({ ...penguins, algorithm: "LogisticRegression" })).accuracy).toBeGreaterThan(0.95);
}, 120_000);

it("ames (regression, many categoricals) with RandomForestRegressor and LinearRegression", async () => {
  const ames = { dataset_path: "ames.csv", target_column: "Sale_Price" };
  expect((await train({ ...ames, algorithm: "RandomForestRegressor", hyperparams: { n_estimators: 30 } })).r2).toBeGreaterThan(0.8);
  expect((await train({ ...ames, algorithm: "LinearRegression" })).r2).toBeGreaterThan(0.6);
}, 240_000);
