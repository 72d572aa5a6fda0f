import { classCounts } from "./classes";

/**
 * Per-class weights for a `class_weight` setting, after scikit-learn's `compute_class_weight`:
 * all ones for null, `balancedWeights` of the class counts of `y` for "balanced".
 * @param y class indices 0..nClasses-1.
 */
export function classWeights(y: Float64Array, nClasses: number, mode: "balanced" | null): Float64Array {
  if (mode !== "balanced") return new Float64Array(nClasses).fill(1);
  return balancedWeights(classCounts(y, nClasses));
}

/**
 * scikit-learn's "balanced" rule from per-class sample counts (or summed sample weights, such as a
 * bootstrap's draw counts): n_samples / (n_classes * count_c), where n_classes counts the classes
 * present. A class with no samples gets 0: scikit-learn knows only the classes present in `y` and,
 * for a subsample missing some (`balanced_subsample`), sets theirs to 0. The weight only ever
 * multiplies samples of its own class, so an absent class's weight changes no fit.
 * See https://scikit-learn.org/stable/modules/generated/sklearn.utils.class_weight.compute_class_weight.html
 */
export function balancedWeights(counts: Float64Array): Float64Array {
  let total = 0;
  let present = 0;
  for (const c of counts) {
    total += c;
    if (c > 0) present++;
  }
  const w = new Float64Array(counts.length);
  for (let c = 0; c < counts.length; c++) w[c] = counts[c]! > 0 ? total / (present * counts[c]!) : 0;
  return w;
}
