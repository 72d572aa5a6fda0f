/**
 * Histogram trees: binning, growing, flat ensembles. How a tree grows (grow.ts → grower.ts):
 * the Grower makes nodes and keeps those worth splitting on a Frontier; the Splitter finds each
 * node's best split by scanning histograms; a HistBuilder (chosen once per tree) builds the
 * histograms and partitions the rows; NodeArrays hold the tree as it grows.
 *
 * Glossary
 * - bin, code: a feature's value after binning (binner.ts), one byte per row and feature; the
 *   codes are column-major (feature f's at f·n), or row-major for builds over scattered rows.
 * - missing bin: code 255 (MISSING_BIN); in a histogram each feature's missing slot sits after
 *   its `nBins[f]` bins. Every scan tries missing values on both sides.
 * - histogram: per bin of a feature, the summed statistics of a node's rows; an all-feature
 *   histogram packs every feature's at `histOff[f]`. The larger child's is the parent's minus the
 *   smaller child's (subtraction), so only the smaller child's rows are read.
 * - channels (C, k): the statistics per bin and per node (stat-layout.ts): k channels of the target
 *   (class weights, or g and h), then the row count when counted, C in all.
 * - counted: the statistics carry a row count. Class trees with min_samples_leaf 1 and features
 *   drawn per node go without it (the uncounted scan reads the range of bins seen instead).
 * - unit hessian: a gradient target without hessians (`h` omitted): every row's hessian is 1, so
 *   the row count is the hessian sum and the histograms have one channel less.
 * - drawn features: forests draw `max_features` features per node (scikit-learn's rule: keep
 *   drawing while every drawn one was constant); boosting reads every feature, or XGBoost's
 *   `nodeFeatures`. Features found constant on a node (`consts`) are skipped by its descendants.
 * - seen range: the lowest and highest non-missing bin a per-feature build met, packed as
 *   `lo << 9 | (hi + 1)`; a scan reads only those bins.
 * - gathered: a node's row statistics copied in row order (ordA, ordB) before per-feature
 *   builds, so that those loops read them sequentially.
 * - twin: a second histogram that every other row is added to, merged at the end: a run of rows
 *   in one bin then waits on half as many dependent stores. Kernels and JS loops twin alike.
 * - team (HistTeam, hist-team.ts): all-feature histograms, subtraction and partitions in
 *   WebAssembly over one shared memory, with helper threads that claim features from a shared
 *   ticket. A helperless team is one no thread helps (the caller builds every unit): the
 *   WebAssembly kernels without the threads, as each forest worker uses for its own trees.
 * - prepared pairs: a tree's (g, h) pairs written into a team's memory by what computes them
 *   (binary:logistic's LogisticPairs, with their sums) rather than copied in by its builder.
 * - lane, fork (subtree-fork.ts): a team has a second lane (its own control words, scratch and half
 *   of the histogram slots) on which one helper thread grows a whole subtree of a depth-first
 *   gradient tree handed over by the grower (SubtreeFork) while the grower grows the rest; the
 *   subtree is put in place (spliced) when the grower gets to its node, with the ids and importance
 *   additions growing it there would have given.
 * - arena (ClassArena, class-arena.ts): one thread's WebAssembly memory for class trees with
 *   features drawn per node: rows, each row's class and weight, the drawn feature's histogram and
 *   the partition; for gini without a row count a whole node (draws, builds, scans) is one call
 *   (`drawScanGini`).
 * - frontier: the nodes waiting to be split: a stack (depth-first) or, with max_leaf_nodes, a
 *   max-heap on gain (best-first).
 * - improvement, score, gain: a node's score is its criterion's value; a split's improvement is its
 *   children's summed score; gain = improvement − score (the node's importance contribution).
 * - same trees to the bit: every strategy adds the same numbers in the same order, so JS loops,
 *   team and arena grow identical trees (test/tree/golden-trees.test.ts checks it).
 */
export * from "./binner";
export * from "./flat-tree";
export * from "./grow";
