;; Histogram kernels of gradient trees (see hist-team.ts), the same arithmetic in the same order as
;; the JS loops addGradAll / addGradRowMajor and the partition of grow.ts, so the same trees to the
;; bit. Pointers are byte offsets into the shared memory "env.memory".
;;
;; A histogram bin is `stride` bytes: (g, h, count) as f64 when stride is 24, (g, count) when 16.
;; Per row the module reads a pair `ab` of f64: (g, h), or (g, 1) for a hessian of 1 per row, so
;; one f64x2 add updates the bin's first two channels; with stride 24 the count gets + 1 too.
;;
;; After editing, regenerate hist-kernels.wasm.ts: `pnpm --filter @mlw/ml-core wasm`.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Adds row r = 0..m-1 (in order) of one feature into hist: bin min(codes[r], nb), pair ab[r].
  ;; Even rows go to hist, odd rows to `twin` (zeroed, and left zeroed), the last row of an odd m to
  ;; hist; then hist += twin over the nb + 1 bins: two independent chains of stores.
  (func (export "addInOrder") (param $hist i32) (param $codes i32) (param $ab i32) (param $m i32) (param $nb i32) (param $stride i32) (param $twin i32)
    (local $r i32) (local $half i32) (local $o i32) (local $c i32) (local $end i32) (local $three i32)
    (local.set $three (i32.eq (local.get $stride) (i32.const 24)))
    (local.set $half (i32.and (local.get $m) (i32.const -2)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $r) (local.get $half)))
        (local.set $o (i32.add (local.get $hist) (i32.mul (select (local.get $nb) (local.tee $c (i32.load8_u (i32.add (local.get $codes) (local.get $r)))) (i32.gt_u (local.get $c) (local.get $nb))) (local.get $stride))))
        (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (v128.load (i32.add (local.get $ab) (i32.shl (local.get $r) (i32.const 4))))))
        (if (local.get $three) (then (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))))
        (local.set $o (i32.add (local.get $twin) (i32.mul (select (local.get $nb) (local.tee $c (i32.load8_u offset=1 (i32.add (local.get $codes) (local.get $r)))) (i32.gt_u (local.get $c) (local.get $nb))) (local.get $stride))))
        (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (v128.load offset=16 (i32.add (local.get $ab) (i32.shl (local.get $r) (i32.const 4))))))
        (if (local.get $three) (then (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))))
        (local.set $r (i32.add (local.get $r) (i32.const 2)))
        (br $rows)))
    (if (i32.lt_u (local.get $r) (local.get $m))
      (then
        (local.set $o (i32.add (local.get $hist) (i32.mul (select (local.get $nb) (local.tee $c (i32.load8_u (i32.add (local.get $codes) (local.get $r)))) (i32.gt_u (local.get $c) (local.get $nb))) (local.get $stride))))
        (v128.store align=8 (local.get $o) (f64x2.add (v128.load align=8 (local.get $o)) (v128.load (i32.add (local.get $ab) (i32.shl (local.get $r) (i32.const 4))))))
        (if (local.get $three) (then (f64.store offset=16 (local.get $o) (f64.add (f64.load offset=16 (local.get $o)) (f64.const 1)))))))
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
  ;; (i32 byte offsets). Row by row, each feature's bins in row order.
  (func (export "addRowMajor") (param $hist i32) (param $off i32) (param $rowCodes i32) (param $F i32) (param $f0 i32) (param $f1 i32) (param $rows i32) (param $m i32) (param $ab i32) (param $stride i32)
    (local $r i32) (local $row i32) (local $f i32) (local $rb i32) (local $o i32) (local $v v128) (local $three i32)
    (local.set $three (i32.eq (local.get $stride) (i32.const 24)))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $r) (local.get $m)))
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

  ;; Partitions rows[start..end) (i32 row numbers) by the codes (one feature, column-major): a row
  ;; goes left when its code is <= bin, or when it is missing (255) and missingLeft is 1. Every row
  ;; swaps with the first right row (itself while none was seen), then left rows advance that
  ;; boundary, without a branch per row. Returns the boundary; stores the missing count at $out.
  (func (export "partition") (param $rows i32) (param $start i32) (param $end i32) (param $codes i32) (param $bin i32) (param $missingLeft i32) (param $out i32) (result i32)
    (local $i i32) (local $p i32) (local $q i32) (local $row i32) (local $c i32) (local $missing i32) (local $isMissing i32)
    (local.set $i (local.get $start))
    (local.set $p (i32.add (local.get $rows) (i32.shl (local.get $start) (i32.const 2))))
    (local.set $q (i32.add (local.get $rows) (i32.shl (local.get $end) (i32.const 2))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $p) (local.get $q)))
        (local.set $row (i32.load (local.get $p)))
        (local.set $c (i32.load8_u (i32.add (local.get $codes) (local.get $row))))
        (local.set $isMissing (i32.eq (local.get $c) (i32.const 255)))
        (local.set $missing (i32.add (local.get $missing) (local.get $isMissing)))
        (i32.store (local.get $p) (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))))
        (i32.store (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2))) (local.get $row))
        (local.set $i (i32.add (local.get $i)
          (select (local.get $missingLeft) (i32.le_u (local.get $c) (local.get $bin)) (local.get $isMissing))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $each)))
    (i32.store (local.get $out) (local.get $missing))
    (local.get $i))

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
  ;; hist: bin min(code, nb) += the row's stats vec[row] (`width` bytes, a multiple of 16: class
  ;; weights, then the count when counted, zero-padded). From 256 rows on, odd rows go to `twin`
  ;; (zeroed, left zeroed), added in at the end, as addClassRows does. Returns the range of
  ;; non-missing bins seen as lo << 9 | (hi + 1) (hi = -1 when none).
  (func (export "addRows") (param $hist i32) (param $codes i32) (param $rows i32) (param $m i32) (param $vec i32) (param $width i32) (param $nb i32) (param $twin i32) (result i32)
    (local $r i32) (local $half i32) (local $c i32) (local $o i32) (local $v i32) (local $j i32) (local $lo i32) (local $hi i32) (local $end i32)
    (local.set $lo (i32.const 255))
    (local.set $hi (i32.const -1))
    (if (i32.ge_u (local.get $m) (i32.const 256))
      (then
        (local.set $half (i32.and (local.get $m) (i32.const -2)))
        (block $done
          (loop $pairs
            (br_if $done (i32.ge_u (local.get $r) (local.get $half)))
            ;; even row into hist
            (local.set $c (i32.load8_u (i32.add (local.get $codes) (i32.load (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))))))
            (if (i32.ne (local.get $c) (i32.const 255))
              (then
                (local.set $lo (select (local.get $c) (local.get $lo) (i32.lt_u (local.get $c) (local.get $lo))))
                (local.set $hi (select (local.get $c) (local.get $hi) (i32.gt_s (local.get $c) (local.get $hi))))))
            (local.set $o (i32.add (local.get $hist) (i32.mul (select (local.get $nb) (local.get $c) (i32.gt_u (local.get $c) (local.get $nb))) (local.get $width))))
            (local.set $v (i32.add (local.get $vec) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))) (local.get $width))))
            (local.set $j (i32.const 0))
            (loop $lanes
              (v128.store align=8 (i32.add (local.get $o) (local.get $j))
                (f64x2.add (v128.load align=8 (i32.add (local.get $o) (local.get $j))) (v128.load align=8 (i32.add (local.get $v) (local.get $j)))))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br_if $lanes (i32.lt_u (local.get $j) (local.get $width))))
            ;; odd row into twin
            (local.set $c (i32.load8_u (i32.add (local.get $codes) (i32.load offset=4 (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))))))
            (if (i32.ne (local.get $c) (i32.const 255))
              (then
                (local.set $lo (select (local.get $c) (local.get $lo) (i32.lt_u (local.get $c) (local.get $lo))))
                (local.set $hi (select (local.get $c) (local.get $hi) (i32.gt_s (local.get $c) (local.get $hi))))))
            (local.set $o (i32.add (local.get $twin) (i32.mul (select (local.get $nb) (local.get $c) (i32.gt_u (local.get $c) (local.get $nb))) (local.get $width))))
            (local.set $v (i32.add (local.get $vec) (i32.mul (i32.load offset=4 (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))) (local.get $width))))
            (local.set $j (i32.const 0))
            (loop $lanes
              (v128.store align=8 (i32.add (local.get $o) (local.get $j))
                (f64x2.add (v128.load align=8 (i32.add (local.get $o) (local.get $j))) (v128.load align=8 (i32.add (local.get $v) (local.get $j)))))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (br_if $lanes (i32.lt_u (local.get $j) (local.get $width))))
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
        (local.set $c (i32.load8_u (i32.add (local.get $codes) (i32.load (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))))))
        (if (i32.ne (local.get $c) (i32.const 255))
          (then
            (local.set $lo (select (local.get $c) (local.get $lo) (i32.lt_u (local.get $c) (local.get $lo))))
            (local.set $hi (select (local.get $c) (local.get $hi) (i32.gt_s (local.get $c) (local.get $hi))))))
        (local.set $o (i32.add (local.get $hist) (i32.mul (select (local.get $nb) (local.get $c) (i32.gt_u (local.get $c) (local.get $nb))) (local.get $width))))
        (local.set $v (i32.add (local.get $vec) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))) (local.get $width))))
        (local.set $j (i32.const 0))
        (loop $lanes
          (v128.store align=8 (i32.add (local.get $o) (local.get $j))
            (f64x2.add (v128.load align=8 (i32.add (local.get $o) (local.get $j))) (v128.load align=8 (i32.add (local.get $v) (local.get $j)))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $lanes (i32.lt_u (local.get $j) (local.get $width))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rest)))
    (i32.or (i32.shl (local.get $lo) (i32.const 9)) (i32.add (local.get $hi) (i32.const 1))))
)
