;; Histogram kernels of trees (see tree/hist-team.ts and tree/class-arena.ts), the same arithmetic
;; in the same order as the JS loops addGradAll / addGradRowMajor of tree/hist-loops.ts and the
;; partition of tree/hist-builder.ts, so the same trees to the bit. Pointers are byte offsets into the shared memory "env.memory".
;;
;; A histogram bin is `stride` bytes: (g, h, count) as f64 when stride is 24, the pair alone when
;; 16: (g, count) with a hessian of 1 per row, or (g, h) without a count.
;; Per row the module reads a pair `ab` of f64: (g, h), or (g, 1) for a hessian of 1 per row, so
;; one f64x2 add updates the bin's first two channels; with stride 24 the count gets + 1 too.
;;
;; After editing, regenerate hist-kernels.wasm.ts: `pnpm --filter @mlw/ml-core wasm`.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Adds row r = 0..m-1 (in order) of one feature into hist: bin codes[r] (a HistTeam's codes map
  ;; a missing value to the feature's missing slot), pair ab[r].
  ;; Even rows go to hist, odd rows to `twin`, the last row of an odd m to hist: two independent
  ;; chains of stores. A build calls it for blocks of rows (each but the last of even length), then
  ;; mergeTwin.
  (func (export "addInOrder") (param $hist i32) (param $codes i32) (param $ab i32) (param $m i32) (param $stride i32) (param $twin i32)
    (local $r i32) (local $half i32) (local $o i32) (local $three i32)
    (local.set $three (i32.eq (local.get $stride) (i32.const 24)))
    (local.set $half (i32.and (local.get $m) (i32.const -2)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $half)))
        (local.set $o (i32.add (local.get $hist) (i32.mul (i32.load8_u (i32.add (local.get $codes) (local.get $r))) (local.get $stride))))
        (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (v128.load (i32.add (local.get $ab) (i32.shl (local.get $r) (i32.const 4))))))
        (if (local.get $three) (then (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))))
        (local.set $o (i32.add (local.get $twin) (i32.mul (i32.load8_u offset=1 (i32.add (local.get $codes) (local.get $r))) (local.get $stride))))
        (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (v128.load offset=16 (i32.add (local.get $ab) (i32.shl (local.get $r) (i32.const 4))))))
        (if (local.get $three) (then (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))))
        (local.set $r (i32.add (local.get $r) (i32.const 2)))
        (br $rows)))
    (if (i32.lt_u (local.get $r) (local.get $m))
      (then
        (local.set $o (i32.add (local.get $hist) (i32.mul (i32.load8_u (i32.add (local.get $codes) (local.get $r))) (local.get $stride))))
        (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (v128.load (i32.add (local.get $ab) (i32.shl (local.get $r) (i32.const 4))))))
        (if (local.get $three) (then (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1))))))))

  ;; addInOrder for bins of 16 bytes (the pair alone), four rows an iteration.
  (func (export "addInOrderPairs") (param $hist i32) (param $codes i32) (param $ab i32) (param $m i32) (param $twin i32)
    (local $r i32) (local $quad i32) (local $o i32) (local $p i32)
    (local.set $quad (i32.and (local.get $m) (i32.const -4)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $quad)))
        (local.set $p (i32.add (local.get $ab) (i32.shl (local.get $r) (i32.const 4))))
        (local.set $o (i32.add (local.get $hist) (i32.shl (i32.load8_u (i32.add (local.get $codes) (local.get $r))) (i32.const 4))))
        (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (v128.load (local.get $p))))
        (local.set $o (i32.add (local.get $twin) (i32.shl (i32.load8_u offset=1 (i32.add (local.get $codes) (local.get $r))) (i32.const 4))))
        (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (v128.load offset=16 (local.get $p))))
        (local.set $o (i32.add (local.get $hist) (i32.shl (i32.load8_u offset=2 (i32.add (local.get $codes) (local.get $r))) (i32.const 4))))
        (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (v128.load offset=32 (local.get $p))))
        (local.set $o (i32.add (local.get $twin) (i32.shl (i32.load8_u offset=3 (i32.add (local.get $codes) (local.get $r))) (i32.const 4))))
        (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (v128.load offset=48 (local.get $p))))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows)))
    (block $tail
      (loop $each
        (br_if $tail (i32.ge_u (local.get $r) (local.get $m)))
        (local.set $o (i32.add (select (local.get $hist) (local.get $twin) (i32.eqz (i32.and (local.get $r) (i32.const 1))))
          (i32.shl (i32.load8_u (i32.add (local.get $codes) (local.get $r))) (i32.const 4))))
        (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (v128.load (i32.add (local.get $ab) (i32.shl (local.get $r) (i32.const 4))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each))))

  ;; hist += twin over the nb + 1 bins of `stride` bytes, twin left zeroed: the end of addInOrder's builds.
  (func (export "mergeTwin") (param $hist i32) (param $twin i32) (param $nb i32) (param $stride i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $twin) (i32.mul (i32.add (local.get $nb) (i32.const 1)) (local.get $stride))))
    (block $merged
      (loop $merge
        (br_if $merged (i32.ge_u (local.get $twin) (local.get $end)))
        (f64.store (local.get $hist) (f64.add (f64.load (local.get $hist)) (f64.load (local.get $twin))))
        (f64.store (local.get $twin) (f64.const 0))
        (local.set $hist (i32.add (local.get $hist) (i32.const 8)))
        (local.set $twin (i32.add (local.get $twin) (i32.const 8)))
        (br $merge))))

  ;; Adds rows rows[0..m-1] (i32 row numbers; row i's pair at ab[i]) of features
  ;; f0..f1-1 into hist, reading each row's codes from the row-major rowCodes (F per row, missing
  ;; already mapped to the feature's missing slot); feature f's histogram starts at hist + off[f]
  ;; (i32 byte offsets). Row by row, each feature's bins in row order. Rows are scattered (a node's,
  ;; ascending): each one's codes and pair are touched 12 rows ahead, as XGBoost prefetches them, so
  ;; that their cache misses overlap the adds of the rows between.
  (func (export "addRowMajor") (param $hist i32) (param $off i32) (param $rowCodes i32) (param $F i32) (param $f0 i32) (param $f1 i32) (param $rows i32) (param $m i32) (param $ab i32) (param $stride i32)
    (local $r i32) (local $row i32) (local $f i32) (local $rb i32) (local $o i32) (local $v v128) (local $three i32) (local $ahead i32)
    (local.set $three (i32.eq (local.get $stride) (i32.const 24)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $m)))
        ;; the row 12 rows on (or the last): a load of its first and last code and of its pair
        (local.set $ahead (i32.load (i32.add (local.get $rows) (i32.shl
            (select (i32.add (local.get $r) (i32.const 12)) (i32.sub (local.get $m) (i32.const 1)) (i32.lt_u (i32.add (local.get $r) (i32.const 12)) (local.get $m)))
            (i32.const 2)))))
        (drop (i32.load8_u (i32.add (i32.add (local.get $rowCodes) (i32.mul (local.get $ahead) (local.get $F))) (local.get $f0))))
        (drop (i32.load8_u (i32.add (i32.add (local.get $rowCodes) (i32.mul (local.get $ahead) (local.get $F))) (i32.sub (local.get $f1) (i32.const 1)))))
        (drop (f64.load (i32.add (local.get $ab) (i32.shl (local.get $ahead) (i32.const 4)))))
        (local.set $row (i32.load (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $rb (i32.add (local.get $rowCodes) (i32.mul (local.get $row) (local.get $F))))
        (local.set $v (v128.load (i32.add (local.get $ab) (i32.shl (local.get $row) (i32.const 4)))))
        (local.set $f (local.get $f0))
        (loop $feature
          (local.set $o (i32.add
              (i32.add (local.get $hist) (i32.load (i32.add (local.get $off) (i32.shl (local.get $f) (i32.const 2)))))
              (i32.mul (i32.load8_u (i32.add (local.get $rb) (local.get $f))) (local.get $stride))))
          (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (local.get $v)))
          (if (local.get $three) (then (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))))
          (local.set $f (i32.add (local.get $f) (i32.const 1)))
          (br_if $feature (i32.lt_u (local.get $f) (local.get $f1))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; Copies the pairs of rows rows[0..m-1] (i32 row numbers; row i's pair at ab[i]) to ord[0..m-1],
  ;; in that order: what addGathered reads.
  (func (export "gatherPairs") (param $ord i32) (param $ab i32) (param $rows i32) (param $m i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $rows) (i32.shl (local.get $m) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $rows) (local.get $end)))
        (v128.store (local.get $ord) (v128.load (i32.add (local.get $ab) (i32.shl (i32.load (local.get $rows)) (i32.const 4)))))
        (local.set $ord (i32.add (local.get $ord) (i32.const 16)))
        (local.set $rows (i32.add (local.get $rows) (i32.const 4)))
        (br $row))))

  ;; Adds rows rows[0..m-1] (i32 row numbers) of one feature into hist: bin codes[row]
  ;; (codes: the feature's column), the pair ord[r] (the rows' pairs gathered in that order). Row by
  ;; row, as addRowMajor adds each feature's bins: one feature's histogram stays in the L1 cache.
  (func (export "addGathered") (param $hist i32) (param $codes i32) (param $rows i32) (param $ord i32) (param $m i32) (param $stride i32)
    (local $end i32) (local $o i32) (local $c i32) (local $three i32)
    (local.set $three (i32.eq (local.get $stride) (i32.const 24)))
    (local.set $end (i32.add (local.get $rows) (i32.shl (local.get $m) (i32.const 2))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $rows) (local.get $end)))
        (local.set $c (i32.load8_u (i32.add (local.get $codes) (i32.load (local.get $rows)))))
        (local.set $o (i32.add (local.get $hist) (i32.mul (local.get $c) (local.get $stride))))
        (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (v128.load (local.get $ord))))
        (if (local.get $three) (then (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))))
        (local.set $ord (i32.add (local.get $ord) (i32.const 16)))
        (local.set $rows (i32.add (local.get $rows) (i32.const 4)))
        (br $row))))

  ;; Adds rows rows[0..m-1] (i32 row numbers; row i's pair at ab[i]) into hist from their entries
  ;; in sparse codes (see tree/sparse-codes.ts): row i's are the Uint16 global bins
  ;; entries[starts[i]..starts[i + 1]) (starts: i32), and bin b is at hist + b stride. Row by row,
  ;; as addGradEntries of tree/hist-loops.ts adds them.
  (func (export "addRowEntries") (param $hist i32) (param $entries i32) (param $starts i32) (param $rows i32) (param $m i32) (param $ab i32) (param $stride i32)
    (local $r i32) (local $row i32) (local $e i32) (local $end i32) (local $o i32) (local $v v128) (local $three i32) (local $s i32)
    (local.set $three (i32.eq (local.get $stride) (i32.const 24)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $m)))
        (local.set $row (i32.load (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $s (i32.add (local.get $starts) (i32.shl (local.get $row) (i32.const 2))))
        (local.set $e (i32.add (local.get $entries) (i32.shl (i32.load (local.get $s)) (i32.const 1))))
        (local.set $end (i32.add (local.get $entries) (i32.shl (i32.load offset=4 (local.get $s)) (i32.const 1))))
        (local.set $v (v128.load (i32.add (local.get $ab) (i32.shl (local.get $row) (i32.const 4)))))
        (block $entriesDone
          (loop $entry
            (br_if $entriesDone (i32.ge_u (local.get $e) (local.get $end)))
            (local.set $o (i32.add (local.get $hist) (i32.mul (i32.load16_u (local.get $e)) (local.get $stride))))
            (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (local.get $v)))
            (if (local.get $three) (then (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))))
            (local.set $e (i32.add (local.get $e) (i32.const 2)))
            (br $entry)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; Partitions rows[start..end) (i32 row numbers) by the codes (one feature, column-major), each
  ;; side keeping its rows' order: a row goes left when its code is <= bin, or when it is missing
  ;; (its code is $missingCode, above every bin) and missingLeft is 1. Without a branch per row, every row is stored at the next left
  ;; position (in place: never past the rows read) and at the next right one in $tmp (n int32 of
  ;; room), and its side's position advances; the right rows then follow the left ones. Returns
  ;; the first right position; stores the missing count at $out.
  (func (export "partition") (param $rows i32) (param $start i32) (param $end i32) (param $codes i32) (param $bin i32) (param $missingLeft i32) (param $out i32) (param $tmp i32) (param $missingCode i32) (result i32)
    (local $i i32) (local $j i32) (local $p i32) (local $q i32) (local $row i32) (local $c i32) (local $missing i32) (local $isMissing i32) (local $left i32)
    (local.set $i (i32.add (local.get $rows) (i32.shl (local.get $start) (i32.const 2))))
    (local.set $p (local.get $i))
    (local.set $j (local.get $tmp))
    (local.set $q (i32.add (local.get $rows) (i32.shl (local.get $end) (i32.const 2))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $p) (local.get $q)))
        (local.set $row (i32.load (local.get $p)))
        (local.set $c (i32.load8_u (i32.add (local.get $codes) (local.get $row))))
        (local.set $isMissing (i32.eq (local.get $c) (local.get $missingCode)))
        (local.set $missing (i32.add (local.get $missing) (local.get $isMissing)))
        (local.set $left (select (local.get $missingLeft) (i32.le_u (local.get $c) (local.get $bin)) (local.get $isMissing)))
        (i32.store (local.get $i) (local.get $row))
        (i32.store (local.get $j) (local.get $row))
        (local.set $i (i32.add (local.get $i) (i32.shl (local.get $left) (i32.const 2))))
        (local.set $j (i32.add (local.get $j) (i32.shl (i32.xor (local.get $left) (i32.const 1)) (i32.const 2))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $each)))
    (memory.copy (local.get $i) (local.get $tmp) (i32.sub (local.get $j) (local.get $tmp)))
    (i32.store (local.get $out) (local.get $missing))
    (i32.shr_u (i32.sub (local.get $i) (local.get $rows)) (i32.const 2)))

;; Whether rows[0..m) (i32) are 0..m-1 in order, four at a time: a tree over every row in order.
  (func (export "isIdentity") (param $rows i32) (param $m i32) (result i32)
    (local $r i32) (local $want v128)
    (local.set $want (v128.const i32x4 0 1 2 3))
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.gt_s (i32.add (local.get $r) (i32.const 4)) (local.get $m)))
        (if (i32.eqz (i32x4.all_true (i32x4.eq (v128.load align=4 (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))) (local.get $want))))
          (then (return (i32.const 0))))
        (local.set $want (i32x4.add (local.get $want) (v128.const i32x4 4 4 4 4)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $quads)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $r) (local.get $m)))
        (if (i32.ne (i32.load (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))) (local.get $r))
          (then (return (i32.const 0))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each)))
    (i32.const 1))

  ;; big[0..n) -= small[0..n) (float64), two at a time.
  (func (export "subtract") (param $big i32) (param $small i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $big) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $big) (local.get $end)))
        (v128.store align=8 (local.get $big) (f64x2.sub (v128.load align=8 (local.get $big)) (v128.load align=8 (local.get $small))))
        (local.set $big (i32.add (local.get $big) (i32.const 16)))
        (local.set $small (i32.add (local.get $small) (i32.const 16)))
        (br $pairs)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then (f64.store (local.get $big) (f64.sub (f64.load (local.get $big)) (f64.load (local.get $small)))))))

  ;; Adds rows rows[0..m-1] (i32 row numbers) of one feature (codes: that feature's column) into
  ;; hist, `width` bytes per bin: at bin min(code, nb), the row's class slot (cls[row], a byte
  ;; offset into the bin) += its weight wt[row], and when counted (cnt >= 0) the count slot at
  ;; byte offset cnt += 1. From 256 rows on, odd rows go to `twin` (zeroed, left zeroed), added
  ;; in at the end, as addClassRows does. Returns the range of non-missing bins seen as
  ;; lo << 9 | (hi + 1) (hi = -1 when none).
  (func $addRowsInner (export "addRows") (param $hist i32) (param $codes i32) (param $rows i32) (param $m i32) (param $cls i32) (param $wt i32) (param $cnt i32) (param $width i32) (param $nb i32) (param $twin i32) (result i32)
    (local $r i32) (local $half i32) (local $c i32) (local $o i32) (local $v i32) (local $a i32) (local $row i32) (local $lo i32) (local $hi i32) (local $end i32)
    (local.set $lo (i32.const 255))
    (local.set $hi (i32.const -1))
    (if (i32.ge_u (local.get $m) (i32.const 256))
      (then
        (local.set $half (i32.and (local.get $m) (i32.const -2)))
        (block $done
          (loop $pairs
            (br_if $done (i32.ge_u (local.get $r) (local.get $half)))
            ;; even row into hist
            (local.set $row (i32.load (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))))
            (local.set $c (i32.load8_u (i32.add (local.get $codes) (local.get $row))))
            (if (i32.ne (local.get $c) (i32.const 255))
              (then
                (local.set $lo (select (local.get $c) (local.get $lo) (i32.lt_u (local.get $c) (local.get $lo))))
                (local.set $hi (select (local.get $c) (local.get $hi) (i32.gt_s (local.get $c) (local.get $hi))))))
            (local.set $o (i32.add (local.get $hist) (i32.mul (select (local.get $nb) (local.get $c) (i32.gt_u (local.get $c) (local.get $nb))) (local.get $width))))
            (local.set $a (i32.add (local.get $o) (i32.load (i32.add (local.get $cls) (i32.shl (local.get $row) (i32.const 2))))))
            (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.load (i32.add (local.get $wt) (i32.shl (local.get $row) (i32.const 3))))))
            (if (i32.ge_s (local.get $cnt) (i32.const 0))
              (then
                (local.set $a (i32.add (local.get $o) (local.get $cnt)))
                (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.const 1)))))
            ;; odd row into twin
            (local.set $row (i32.load offset=4 (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))))
            (local.set $c (i32.load8_u (i32.add (local.get $codes) (local.get $row))))
            (if (i32.ne (local.get $c) (i32.const 255))
              (then
                (local.set $lo (select (local.get $c) (local.get $lo) (i32.lt_u (local.get $c) (local.get $lo))))
                (local.set $hi (select (local.get $c) (local.get $hi) (i32.gt_s (local.get $c) (local.get $hi))))))
            (local.set $o (i32.add (local.get $twin) (i32.mul (select (local.get $nb) (local.get $c) (i32.gt_u (local.get $c) (local.get $nb))) (local.get $width))))
            (local.set $a (i32.add (local.get $o) (i32.load (i32.add (local.get $cls) (i32.shl (local.get $row) (i32.const 2))))))
            (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.load (i32.add (local.get $wt) (i32.shl (local.get $row) (i32.const 3))))))
            (if (i32.ge_s (local.get $cnt) (i32.const 0))
              (then
                (local.set $a (i32.add (local.get $o) (local.get $cnt)))
                (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.const 1)))))
            (local.set $r (i32.add (local.get $r) (i32.const 2)))
            (br $pairs)))
        ;; hist += twin over the nb + 1 bins, twin zeroed
        (local.set $o (local.get $hist))
        (local.set $v (local.get $twin))
        (local.set $end (i32.add (local.get $twin) (i32.mul (i32.add (local.get $nb) (i32.const 1)) (local.get $width))))
        (block $merged
          (loop $merge
            (br_if $merged (i32.ge_u (local.get $v) (local.get $end)))
            (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (f64.load (local.get $v))))
            (f64.store (local.get $v) (f64.const 0))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (local.set $v (i32.add (local.get $v) (i32.const 8)))
            (br $merge)))))
    ;; the rest (all rows below 256), into hist
    (block $done
      (loop $rest
        (br_if $done (i32.ge_u (local.get $r) (local.get $m)))
            (local.set $row (i32.load (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))))
            (local.set $c (i32.load8_u (i32.add (local.get $codes) (local.get $row))))
            (if (i32.ne (local.get $c) (i32.const 255))
              (then
                (local.set $lo (select (local.get $c) (local.get $lo) (i32.lt_u (local.get $c) (local.get $lo))))
                (local.set $hi (select (local.get $c) (local.get $hi) (i32.gt_s (local.get $c) (local.get $hi))))))
            (local.set $o (i32.add (local.get $hist) (i32.mul (select (local.get $nb) (local.get $c) (i32.gt_u (local.get $c) (local.get $nb))) (local.get $width))))
            (local.set $a (i32.add (local.get $o) (i32.load (i32.add (local.get $cls) (i32.shl (local.get $row) (i32.const 2))))))
            (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.load (i32.add (local.get $wt) (i32.shl (local.get $row) (i32.const 3))))))
            (if (i32.ge_s (local.get $cnt) (i32.const 0))
              (then
                (local.set $a (i32.add (local.get $o) (local.get $cnt)))
                (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.const 1)))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rest)))
    (i32.or (i32.shl (local.get $lo) (i32.const 9)) (i32.add (local.get $hi) (i32.const 1))))

  ;; scanUncounted under gini (see tree/splitter.ts) over bins lo..hi of feature f's histogram in
  ;; scratch, its missing slot at mo holding weight mW: keeps the best split in the args slots 19..21
  ;; and the node's left statistics (slots as drawScanGini's) and returns the best score, from `best`.
  ;; Reads only the classes listed at `present` (nP byte offsets 8 x class, in class order): a class
  ;; with no row on the node and a zero total adds exact zeros to every sum, so skipping it gives the
  ;; same bits; its left statistics stay as the caller zeroed them.
  (func $scanGini (param $args i32) (param $scratch i32) (param $node i32) (param $sL i32) (param $C i32) (param $present i32) (param $nP i32)
    (param $f i32) (param $lo i32) (param $hi i32) (param $mo i32) (param $mW f64) (param $best f64) (result f64)
    (local $last i32) (local $b i32) (local $o i32) (local $p i32) (local $pEnd i32) (local $c i32) (local $t i32) (local $left i32)
    (local $bw f64) (local $v f64) (local $u f64) (local $wl f64) (local $ql f64) (local $wr f64) (local $qr f64) (local $sc f64)
    (local.set $last (select (local.get $hi) (i32.sub (local.get $hi) (i32.const 1)) (f64.gt (local.get $mW) (f64.const 0))))
    (local.set $pEnd (i32.add (local.get $present) (i32.shl (local.get $nP) (i32.const 2))))
    ;; the best split's left statistics: node + 8 + 8C on
    (local.set $left (i32.add (local.get $node) (i32.shl (local.get $C) (i32.const 3))))
    (local.set $p (local.get $present))
    (block $z (loop $zl
      (br_if $z (i32.ge_u (local.get $p) (local.get $pEnd)))
      (f64.store (i32.add (local.get $sL) (i32.load (local.get $p))) (f64.const 0))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $zl)))
    (local.set $b (local.get $lo))
    (block $bins (loop $bin
      (br_if $bins (i32.gt_s (local.get $b) (local.get $last)))
      (local.set $o (i32.add (local.get $scratch) (i32.shl (i32.mul (local.get $b) (local.get $C)) (i32.const 3))))
      (local.set $bw (f64.const 0))
      (local.set $p (local.get $present))
      (block $bs (loop $bsl
        (br_if $bs (i32.ge_u (local.get $p) (local.get $pEnd)))
        (local.set $bw (f64.add (local.get $bw) (f64.load (i32.add (local.get $o) (i32.load (local.get $p))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $bsl)))
      (if (f64.ne (local.get $bw) (f64.const 0))
        (then
          ;; missing to the right
          (local.set $wl (f64.const 0)) (local.set $ql (f64.const 0)) (local.set $wr (f64.const 0)) (local.set $qr (f64.const 0))
          (local.set $p (local.get $present))
          (block $cs (loop $csl
            (br_if $cs (i32.ge_u (local.get $p) (local.get $pEnd)))
            (local.set $c (i32.load (local.get $p)))
            (local.set $t (i32.add (local.get $sL) (local.get $c)))
            (local.set $v (f64.add (f64.load (local.get $t)) (f64.load (i32.add (local.get $o) (local.get $c)))))
            (f64.store (local.get $t) (local.get $v))
            (local.set $wl (f64.add (local.get $wl) (local.get $v)))
            (local.set $ql (f64.add (local.get $ql) (f64.mul (local.get $v) (local.get $v))))
            (local.set $u (f64.sub (f64.load offset=8 (i32.add (local.get $node) (local.get $c))) (local.get $v)))
            (local.set $wr (f64.add (local.get $wr) (local.get $u)))
            (local.set $qr (f64.add (local.get $qr) (f64.mul (local.get $u) (local.get $u))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $csl)))
          (local.set $sc (f64.add
            (select (f64.div (local.get $ql) (local.get $wl)) (f64.const 0) (f64.gt (local.get $wl) (f64.const 0)))
            (select (f64.div (local.get $qr) (local.get $wr)) (f64.const 0) (f64.gt (local.get $wr) (f64.const 0)))))
          (if (f64.gt (local.get $sc) (local.get $best))
            (then
              (local.set $best (local.get $sc))
              (i32.store offset=76 (local.get $args) (local.get $f))
              (i32.store offset=80 (local.get $args) (local.get $b))
              (i32.store offset=84 (local.get $args) (i32.const 0))
              ;; left statistics = sL
              (local.set $p (local.get $present))
              (block $cp (loop $cpl
                (br_if $cp (i32.ge_u (local.get $p) (local.get $pEnd)))
                (local.set $c (i32.load (local.get $p)))
                (f64.store offset=8 (i32.add (local.get $left) (local.get $c)) (f64.load (i32.add (local.get $sL) (local.get $c))))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (br $cpl)))))
          (if (i32.and (f64.gt (local.get $mW) (f64.const 0)) (i32.lt_s (local.get $b) (local.get $hi)))
            (then
              ;; missing to the left
              (local.set $wl (f64.const 0)) (local.set $ql (f64.const 0)) (local.set $wr (f64.const 0)) (local.set $qr (f64.const 0))
              (local.set $p (local.get $present))
              (block $cs2 (loop $csl2
                (br_if $cs2 (i32.ge_u (local.get $p) (local.get $pEnd)))
                (local.set $c (i32.load (local.get $p)))
                (local.set $v (f64.add (f64.load (i32.add (local.get $sL) (local.get $c))) (f64.load (i32.add (local.get $mo) (local.get $c)))))
                (local.set $wl (f64.add (local.get $wl) (local.get $v)))
                (local.set $ql (f64.add (local.get $ql) (f64.mul (local.get $v) (local.get $v))))
                (local.set $u (f64.sub (f64.load offset=8 (i32.add (local.get $node) (local.get $c))) (local.get $v)))
                (local.set $wr (f64.add (local.get $wr) (local.get $u)))
                (local.set $qr (f64.add (local.get $qr) (f64.mul (local.get $u) (local.get $u))))
                (local.set $p (i32.add (local.get $p) (i32.const 4)))
                (br $csl2)))
              (local.set $sc (f64.add
                (select (f64.div (local.get $ql) (local.get $wl)) (f64.const 0) (f64.gt (local.get $wl) (f64.const 0)))
                (select (f64.div (local.get $qr) (local.get $wr)) (f64.const 0) (f64.gt (local.get $wr) (f64.const 0)))))
              (if (f64.gt (local.get $sc) (local.get $best))
                (then
                  (local.set $best (local.get $sc))
                  (i32.store offset=76 (local.get $args) (local.get $f))
                  (i32.store offset=80 (local.get $args) (local.get $b))
                  (i32.store offset=84 (local.get $args) (i32.const 1))
                  (local.set $p (local.get $present))
                  (block $cp2 (loop $cpl2
                    (br_if $cp2 (i32.ge_u (local.get $p) (local.get $pEnd)))
                    (local.set $c (i32.load (local.get $p)))
                    (f64.store offset=8 (i32.add (local.get $left) (local.get $c))
                      (f64.add (f64.load (i32.add (local.get $sL) (local.get $c))) (f64.load (i32.add (local.get $mo) (local.get $c)))))
                    (local.set $p (i32.add (local.get $p) (i32.const 4)))
                    (br $cpl2)))))))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br $bin)))
    (local.get $best))

  ;; Lists at `present` (i32: 8 x class, in class order) the classes of a node: those whose total
  ;; T[c] (f64 at totals, k of them) is not zero and, when some is zero, those of its rows
  ;; rows[0..m) (cls: each row's class slot's byte offset), marked in `mark` (u8 per class, all 0,
  ;; left all 0). Returns how many.
  (func $presentClasses (param $rows i32) (param $m i32) (param $cls i32) (param $totals i32) (param $k i32) (param $mark i32) (param $present i32) (result i32)
    (local $p i32) (local $end i32) (local $c i32) (local $nP i32) (local $zero i32)
    (block $counted (loop $count
      (br_if $counted (i32.ge_u (local.get $c) (local.get $k)))
      (local.set $zero (i32.or (local.get $zero) (f64.eq (f64.load (i32.add (local.get $totals) (i32.shl (local.get $c) (i32.const 3)))) (f64.const 0))))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $count)))
    (if (local.get $zero)
      (then
        (local.set $p (local.get $rows))
        (local.set $end (i32.add (local.get $rows) (i32.shl (local.get $m) (i32.const 2))))
        (block $done (loop $each
          (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
          (i32.store8 (i32.add (local.get $mark) (i32.shr_u (i32.load (i32.add (local.get $cls) (i32.shl (i32.load (local.get $p)) (i32.const 2)))) (i32.const 3))) (i32.const 1))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $each)))))
    (local.set $c (i32.const 0))
    (block $listed (loop $list
      (br_if $listed (i32.ge_u (local.get $c) (local.get $k)))
      (if (i32.or (i32.load8_u (i32.add (local.get $mark) (local.get $c))) (f64.ne (f64.load (i32.add (local.get $totals) (i32.shl (local.get $c) (i32.const 3)))) (f64.const 0)))
        (then
          (i32.store (i32.add (local.get $present) (i32.shl (local.get $nP) (i32.const 2))) (i32.shl (local.get $c) (i32.const 3)))
          (local.set $nP (i32.add (local.get $nP) (i32.const 1)))))
      (i32.store8 (i32.add (local.get $mark) (local.get $c)) (i32.const 0))
      (local.set $c (i32.add (local.get $c) (i32.const 1)))
      (br $list)))
    (local.get $nP))

  ;; One node of a class tree with features drawn per node, two or more classes under gini, no row
  ;; count (min_samples_leaf 1): what the Splitter's drawAndScan (tree/splitter.ts) does with addRows and
  ;; scanUncounted, in one call. `args` (i32 slots) holds, in order:
  ;;   0 codes   1 n   2 F   3 rows (address of the node's first row)   4 m (the node's rows)
  ;;   5 cls (i32 per row: its class slot's byte offset)   6 C (float64 per bin)   7 k (classes)   8 nBins (i32 per feature)
  ;;   9 scratch (zeroed, left zeroed)   10 twin   11 perm (i32 per feature, kept across nodes)
  ;;   12 isConst (u8 per feature, all 0)   13 known (i32 list)   14 nKnown   15 rng (4 x i32 state)
  ;;   16 maxFeatures   17 node (f64: best score in/out, then the totals T[0..C), then the best
  ;;   split's left statistics [C..2C))   18 sL (f64 scratch of C)
  ;;   out: 19 feature (-1 when none)   20 bin   21 missingLeft   22 found (i32 list)
  ;;   23 wt (f64 per row: its weight)   24 present (i32 scratch of k)   25 mark (u8 per class, all 0)
  ;; Returns how many features were found constant on the node's rows (listed at `found`).
  (func (export "drawScanGini") (param $args i32) (result i32)
    (local $codes i32) (local $n i32) (local $F i32) (local $rows i32) (local $m i32) (local $cls i32) (local $wt i32)
    (local $C i32) (local $k i32) (local $nBins i32) (local $scratch i32) (local $twin i32) (local $perm i32)
    (local $isConst i32) (local $known i32) (local $nKnown i32) (local $rng i32) (local $maxF i32)
    (local $node i32) (local $sL i32) (local $found i32)
    (local $j i32) (local $i i32) (local $f i32) (local $r i32) (local $left i32) (local $t i32)
    (local $nb i32) (local $seen i32) (local $lo i32) (local $hi i32)
    (local $mo i32) (local $c i32) (local $scanned i32) (local $nFound i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $x i32) (local $limit i64)
    (local $present i32) (local $nP i32)
    (local $best f64) (local $mW f64)
    (local.set $codes (i32.load (local.get $args)))
    (local.set $n (i32.load offset=4 (local.get $args)))
    (local.set $F (i32.load offset=8 (local.get $args)))
    (local.set $rows (i32.load offset=12 (local.get $args)))
    (local.set $m (i32.load offset=16 (local.get $args)))
    (local.set $cls (i32.load offset=20 (local.get $args)))
    (local.set $wt (i32.load offset=92 (local.get $args)))
    (local.set $C (i32.load offset=24 (local.get $args)))
    (local.set $k (i32.load offset=28 (local.get $args)))
    (local.set $nBins (i32.load offset=32 (local.get $args)))
    (local.set $scratch (i32.load offset=36 (local.get $args)))
    (local.set $twin (i32.load offset=40 (local.get $args)))
    (local.set $perm (i32.load offset=44 (local.get $args)))
    (local.set $isConst (i32.load offset=48 (local.get $args)))
    (local.set $known (i32.load offset=52 (local.get $args)))
    (local.set $nKnown (i32.load offset=56 (local.get $args)))
    (local.set $rng (i32.load offset=60 (local.get $args)))
    (local.set $maxF (i32.load offset=64 (local.get $args)))
    (local.set $node (i32.load offset=68 (local.get $args)))
    (local.set $sL (i32.load offset=72 (local.get $args)))
    (local.set $found (i32.load offset=88 (local.get $args)))
    (local.set $present (i32.load offset=96 (local.get $args)))
    (local.set $nP (call $presentClasses (local.get $rows) (local.get $m) (local.get $cls) (i32.add (local.get $node) (i32.const 8)) (local.get $k)
      (i32.load offset=100 (local.get $args)) (local.get $present)))
    (local.set $s0 (i32.load (local.get $rng)))
    (local.set $s1 (i32.load offset=4 (local.get $rng)))
    (local.set $s2 (i32.load offset=8 (local.get $rng)))
    (local.set $s3 (i32.load offset=12 (local.get $rng)))
    (local.set $best (f64.load (local.get $node)))
    (i32.store offset=76 (local.get $args) (i32.const -1))
    ;; features known constant at an ancestor
    (local.set $i (i32.const 0))
    (block $marked (loop $mark
      (br_if $marked (i32.ge_u (local.get $i) (local.get $nKnown)))
      (i32.store8 (i32.add (local.get $isConst) (i32.load (i32.add (local.get $known) (i32.shl (local.get $i) (i32.const 2))))) (i32.const 1))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $mark)))
    (local.set $j (i32.const 0))
    (block $drawn (loop $draw
      (br_if $drawn (i32.ge_u (local.get $j) (local.get $F)))
      ;; r = rng.int(F - j) by rejection above 2^32 - (2^32 mod (F - j)); swap perm[j], perm[j + r]
      (local.set $left (i32.sub (local.get $F) (local.get $j)))
      (local.set $limit (i64.sub (i64.const 0x100000000) (i64.rem_u (i64.const 0x100000000) (i64.extend_i32_u (local.get $left)))))
      (loop $redraw
        ;; xoshiro128**
        (local.set $x (i32.mul (i32.rotl (i32.mul (local.get $s1) (i32.const 5)) (i32.const 7)) (i32.const 9)))
        (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
        (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
        (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
        (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
        (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
        (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
        (br_if $redraw (i64.ge_u (i64.extend_i32_u (local.get $x)) (local.get $limit))))
      (local.set $r (i32.add (local.get $j) (i32.rem_u (local.get $x) (local.get $left))))
      (local.set $t (i32.load (i32.add (local.get $perm) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $f (i32.load (i32.add (local.get $perm) (i32.shl (local.get $j) (i32.const 2)))))
      (i32.store (i32.add (local.get $perm) (i32.shl (local.get $j) (i32.const 2))) (local.get $t))
      (i32.store (i32.add (local.get $perm) (i32.shl (local.get $r) (i32.const 2))) (local.get $f))
      (local.set $f (local.get $t))
      (if (i32.eqz (i32.load8_u (i32.add (local.get $isConst) (local.get $f))))
        (then
          (local.set $nb (i32.load (i32.add (local.get $nBins) (i32.shl (local.get $f) (i32.const 2)))))
          (local.set $seen (call $addRowsInner (local.get $scratch) (i32.add (local.get $codes) (i32.mul (local.get $f) (local.get $n))) (local.get $rows) (local.get $m) (local.get $cls) (local.get $wt) (i32.const -1) (i32.shl (local.get $C) (i32.const 3)) (local.get $nb) (local.get $twin)))
          (local.set $lo (i32.shr_u (local.get $seen) (i32.const 9)))
          (local.set $hi (i32.sub (i32.and (local.get $seen) (i32.const 511)) (i32.const 1)))
          ;; the missing slot's weights (classes 0..k-1, summed in class order)
          (local.set $mo (i32.add (local.get $scratch) (i32.shl (i32.mul (local.get $nb) (local.get $C)) (i32.const 3))))
          (local.set $mW (f64.const 0))
          (local.set $c (i32.const 0))
          (block $msum (loop $ms
            (br_if $msum (i32.ge_u (local.get $c) (local.get $k)))
            (local.set $mW (f64.add (local.get $mW) (f64.load (i32.add (local.get $mo) (i32.shl (local.get $c) (i32.const 3))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $ms)))
          (if (i32.or (i32.lt_s (local.get $hi) (i32.const 0)) (i32.and (i32.eq (local.get $lo) (local.get $hi)) (f64.eq (local.get $mW) (f64.const 0))))
            (then
              (i32.store (i32.add (local.get $found) (i32.shl (local.get $nFound) (i32.const 2))) (local.get $f))
              (local.set $nFound (i32.add (local.get $nFound) (i32.const 1))))
            (else
              (local.set $scanned (i32.const 1))
              (local.set $best (call $scanGini (local.get $args) (local.get $scratch) (local.get $node) (local.get $sL) (local.get $C) (local.get $present) (local.get $nP)
                (local.get $f) (local.get $lo) (local.get $hi) (local.get $mo) (local.get $mW) (local.get $best)))))
          ;; clear the bins lo..hi and the missing slot
          (if (i32.ge_s (local.get $hi) (i32.const 0))
            (then (memory.fill (i32.add (local.get $scratch) (i32.shl (i32.mul (local.get $lo) (local.get $C)) (i32.const 3))) (i32.const 0)
                    (i32.shl (i32.mul (i32.add (i32.sub (local.get $hi) (local.get $lo)) (i32.const 1)) (local.get $C)) (i32.const 3)))))
          (memory.fill (local.get $mo) (i32.const 0) (i32.shl (local.get $C) (i32.const 3)))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br_if $drawn (i32.and (i32.ge_u (local.get $j) (local.get $maxF)) (local.get $scanned)))
      (br $draw)))
    ;; unmark, hand back the generator and the best score
    (local.set $i (i32.const 0))
    (block $unmarked (loop $unmark
      (br_if $unmarked (i32.ge_u (local.get $i) (local.get $nKnown)))
      (i32.store8 (i32.add (local.get $isConst) (i32.load (i32.add (local.get $known) (i32.shl (local.get $i) (i32.const 2))))) (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $unmark)))
    (i32.store (local.get $rng) (local.get $s0))
    (i32.store offset=4 (local.get $rng) (local.get $s1))
    (i32.store offset=8 (local.get $rng) (local.get $s2))
    (i32.store offset=12 (local.get $rng) (local.get $s3))
    (f64.store (local.get $node) (local.get $best))
    (local.get $nFound))
;; The best split of a gradient node over every feature's bins of `hist` (2 channels per bin: (g, h),
;; or (g, count) without hessians), as tree/splitter.ts's scanGrad with XGBoost's plain gain
;; (no L1, no max_delta_step) scans them feature after feature: the same candidates, the same
;; numbers, the same comparisons, so the same split. A candidate with left side (gL, hL) is refused
;; when a side has fewer rows (channel 1) than minRows or less hessian than min_hessian (both
;; channel 1: one bound), else its
;; gain is (hL > 0 ? gL^2 / (hL + lambda) : 0) + (hR > 0 ? gR^2 / (hR + lambda) : 0), both sides
;; in one f64x2.div. Feature f's bins start at hist + off[f] (i32 byte offsets, F + 1 of them), its
;; missing slot last. `args` (f64): the node's totals G, H, then lambda, min_hessian, minRows, the
;; tie tolerance, and the best gain so far; when a candidate beats it (by more than the tolerance),
;; args[6..9) get its gain, G and H of its left side, and the i32s at args + 72 its feature, bin
;; and missing side (1: left). Returns whether one did.
  (func (export "scanGradPlain") (param $hist i32) (param $off i32) (param $F i32) (param $args i32) (result i32)
    (local $f i32) (local $o i32) (local $first i32) (local $end i32) (local $last i32) (local $found i32)
    (local $T v128) (local $m v128) (local $acc v128) (local $v v128) (local $side v128) (local $right v128) (local $g v128) (local $h v128) (local $q v128)
    (local $lam v128) (local $least v128) (local $tie f64) (local $best f64) (local $sc f64) (local $mc f64)
    (local.set $T (v128.load align=8 (local.get $args)))
    (local.set $lam (f64x2.splat (f64.load offset=16 (local.get $args))))
    ;; a side's least channel 1: min_hessian and minRows both bound it (hR = H - hL is the rows' H - cL too)
    (local.set $least (f64x2.splat (f64.max (f64.load offset=24 (local.get $args)) (f64.load offset=32 (local.get $args)))))
    (local.set $tie (f64.load offset=40 (local.get $args)))
    (local.set $best (f64.load offset=48 (local.get $args)))
    (block $features
      (loop $feature
        (br_if $features (i32.ge_u (local.get $f) (local.get $F)))
        (local.set $first (i32.add (local.get $hist) (i32.load (i32.add (local.get $off) (i32.shl (local.get $f) (i32.const 2))))))
        (local.set $o (local.get $first))
        ;; the missing slot: the last 16 bytes of the feature's
        (local.set $end (i32.sub (i32.add (local.get $hist) (i32.load offset=4 (i32.add (local.get $off) (i32.shl (local.get $f) (i32.const 2))))) (i32.const 16)))
        (local.set $m (v128.load align=8 (local.get $end)))
        (local.set $mc (f64x2.extract_lane 1 (local.get $m)))
        ;; the last bin scanned: the one before the missing slot when it holds rows, else the one before that
        (local.set $last (select (i32.sub (local.get $end) (i32.const 16)) (i32.sub (local.get $end) (i32.const 32)) (f64.gt (local.get $mc) (f64.const 0))))
        (local.set $acc (v128.const f64x2 0 0))
        (block $bins
          (loop $bin
            (br_if $bins (i32.gt_s (local.get $o) (local.get $last)))
            (local.set $v (v128.load align=8 (local.get $o)))
            (if (i32.or (f64.ne (f64x2.extract_lane 1 (local.get $v)) (f64.const 0)) (i32.eq (local.get $o) (local.get $last)))
              (then
                (local.set $acc (f64x2.add (local.get $acc) (local.get $v)))
                ;; missing to the right
                (local.set $side (local.get $acc))
                (local.set $right (f64x2.sub (local.get $T) (local.get $side)))
                ;; (gL, gR) and (hL, hR); channel 1 holds the rows too, so both bounds are one
                (local.set $g (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $side) (local.get $right)))
                (local.set $h (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $side) (local.get $right)))
                (if (i64x2.all_true (f64x2.ge (local.get $h) (local.get $least)))
                  (then
                    (local.set $q (v128.and (f64x2.div (f64x2.mul (local.get $g) (local.get $g)) (f64x2.add (local.get $h) (local.get $lam))) (f64x2.gt (local.get $h) (v128.const f64x2 0 0))))
                    (local.set $sc (f64.add (f64x2.extract_lane 0 (local.get $q)) (f64x2.extract_lane 1 (local.get $q))))
                    (if (i32.and (f64.gt (local.get $sc) (local.get $best))
                          (i32.or (i32.or (f64.eq (local.get $tie) (f64.const 0)) (f64.eq (local.get $best) (f64.const -inf)))
                            (f64.gt (f64.sub (local.get $sc) (local.get $best)) (f64.mul (local.get $tie) (f64.abs (local.get $best))))))
                      (then
                        (local.set $best (local.get $sc))
                        (local.set $found (i32.const 1))
                        (call $keep (local.get $args) (local.get $sc) (local.get $side) (local.get $f) (i32.shr_u (i32.sub (local.get $o) (local.get $first)) (i32.const 4)) (i32.const 0))))))
                (if (f64.gt (local.get $mc) (f64.const 0))
                  (then
                    ;; missing to the left
                    (local.set $side (f64x2.add (local.get $acc) (local.get $m)))
                (local.set $right (f64x2.sub (local.get $T) (local.get $side)))
                ;; (gL, gR) and (hL, hR); channel 1 holds the rows too, so both bounds are one
                (local.set $g (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $side) (local.get $right)))
                (local.set $h (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $side) (local.get $right)))
                (if (i64x2.all_true (f64x2.ge (local.get $h) (local.get $least)))
                  (then
                    (local.set $q (v128.and (f64x2.div (f64x2.mul (local.get $g) (local.get $g)) (f64x2.add (local.get $h) (local.get $lam))) (f64x2.gt (local.get $h) (v128.const f64x2 0 0))))
                    (local.set $sc (f64.add (f64x2.extract_lane 0 (local.get $q)) (f64x2.extract_lane 1 (local.get $q))))
                    (if (i32.and (f64.gt (local.get $sc) (local.get $best))
                          (i32.or (i32.or (f64.eq (local.get $tie) (f64.const 0)) (f64.eq (local.get $best) (f64.const -inf)))
                            (f64.gt (f64.sub (local.get $sc) (local.get $best)) (f64.mul (local.get $tie) (f64.abs (local.get $best))))))
                      (then
                        (local.set $best (local.get $sc))
                        (local.set $found (i32.const 1))
                        (call $keep (local.get $args) (local.get $sc) (local.get $side) (local.get $f) (i32.shr_u (i32.sub (local.get $o) (local.get $first)) (i32.const 4)) (i32.const 1))))))
))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $bin)))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $feature)))
    (local.get $found))

  (func $keep (param $args i32) (param $sc f64) (param $side v128) (param $f i32) (param $b i32) (param $missingLeft i32)
    (f64.store offset=48 (local.get $args) (local.get $sc))
    (v128.store offset=56 align=8 (local.get $args) (local.get $side))
    (i32.store offset=72 (local.get $args) (local.get $f))
    (i32.store offset=76 (local.get $args) (local.get $b))
    (i32.store offset=80 (local.get $args) (local.get $missingLeft)))
)
