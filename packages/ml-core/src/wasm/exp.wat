;; Math.exp over an array of float64, two lanes at a time with WebAssembly SIMD: V8's Math.exp is
;; fdlibm's __ieee754_exp (v8/src/base/ieee754.cc), and this is the same arithmetic for
;; |x| < 704 (the same result to the bit), the lanes' branches turned into selects:
;; - |x| > 0.5 ln2: k = (int)(x / ln2 + copysign(0.5, x)), hi = x - k ln2HI, lo = k ln2LO
;;   (for 0.5 ln2 < |x| < 1.5 ln2 fdlibm's own branch gives the same k = +-1, hi and lo);
;; - else k = 0, hi = x, lo = 0: 1 - ((0 - x c / (2 - c)) - x) is fdlibm's 1 - (x c / (c - 2) - x)
;;   as x != 0 there, and 2^0 = 1;
;; - |x| < 2^-28: 1 + x; x = 1: fdlibm's (V8's) special case E.
;; Pointers are byte offsets into the memory "env.memory" (shared: multi:softprob's per-round numbers
;; live in one memory that a boosting team's threads work on at once).
;;
;; After editing, regenerate exp.wasm.ts: `pnpm --filter @mlw/ml-core wasm`.
(module
  (import "env" "memory" (memory 1 32768 shared))

  ;; values[i..n) = exp(values[i..n)) from i, two pairs at a time while both pairs are in range, then
  ;; pair by pair, stopping before the first pair with a lane of |x| >= 704 (or NaN) and before an
  ;; odd last value: returns where it stopped (n when done). Two pairs per iteration: each pair's
  ;; long chain of dependent operations overlaps the other's.
  (func (export "exp") (param $values i32) (param $i i32) (param $n i32) (result i32)
    (local $at i32) (local $k32 v128) (local $x v128) (local $hx v128) (local $small v128) (local $ki v128) (local $t v128)
    (local $hi v128) (local $lo v128) (local $r v128) (local $t2 v128) (local $c v128) (local $y v128)
    (local $k322 v128) (local $x2 v128) (local $hx2 v128) (local $small2 v128) (local $ki2 v128) (local $t_2 v128)
    (local $hi2 v128) (local $lo2 v128) (local $r2 v128) (local $t22 v128) (local $c2 v128) (local $y2 v128)
    (block $quads
      (loop $quad
        (br_if $quads (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
        (local.set $at (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $x (v128.load align=8 (local.get $at)))
        (local.set $x2 (v128.load offset=16 align=8 (local.get $at)))
        ;; the high word of |x|, per lane
        (local.set $hx (i64x2.shr_u (v128.and (local.get $x) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)) (i32.const 32)))
        (local.set $hx2 (i64x2.shr_u (v128.and (local.get $x2) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)) (i32.const 32)))
        (br_if $quads (i32.eqz (i64x2.all_true (i64x2.lt_s (local.get $hx) (v128.const i64x2 0x40860000 0x40860000)))))
        (br_if $quads (i32.eqz (i64x2.all_true (i64x2.lt_s (local.get $hx2) (v128.const i64x2 0x40860000 0x40860000)))))
        (local.set $small (i64x2.le_s (local.get $hx) (v128.const i64x2 0x3fd62e42 0x3fd62e42)))
        ;; k = (int)(invln2 x + halF[sign]) (i32 lanes 0 and 1), then 0 where |x| <= 0.5 ln2: as i64 lanes and as t
        (local.set $k32
          (i32x4.trunc_sat_f64x2_s_zero
            (f64x2.add
              (f64x2.mul (local.get $x) (v128.const f64x2 1.44269504088896338700e+00 1.44269504088896338700e+00))
              (v128.or (v128.and (local.get $x) (v128.const i64x2 0x8000000000000000 0x8000000000000000)) (v128.const f64x2 0.5 0.5)))))
        (local.set $ki (v128.andnot (i64x2.extend_low_i32x4_s (local.get $k32)) (local.get $small)))
        (local.set $t (v128.andnot (f64x2.convert_low_i32x4_s (local.get $k32)) (local.get $small)))
        (local.set $hi (f64x2.sub (local.get $x) (f64x2.mul (local.get $t) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))))
        (local.set $lo (f64x2.mul (local.get $t) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)))
        (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
        (local.set $t2 (f64x2.mul (local.get $r) (local.get $r)))
        ;; c = r - t2 (P1 + t2 (P2 + t2 (P3 + t2 (P4 + t2 P5))))
        (local.set $c
          (f64x2.sub (local.get $r)
            (f64x2.mul (local.get $t2)
              (f64x2.add (v128.const f64x2 1.66666666666666019037e-01 1.66666666666666019037e-01)
                (f64x2.mul (local.get $t2)
                  (f64x2.add (v128.const f64x2 -2.77777777770155933842e-03 -2.77777777770155933842e-03)
                    (f64x2.mul (local.get $t2)
                      (f64x2.add (v128.const f64x2 6.61375632143793436117e-05 6.61375632143793436117e-05)
                        (f64x2.mul (local.get $t2)
                          (f64x2.add (v128.const f64x2 -1.65339022054652515390e-06 -1.65339022054652515390e-06)
                            (f64x2.mul (local.get $t2) (v128.const f64x2 4.13813679705723846039e-08 4.13813679705723846039e-08))))))))))))
        ;; y = 1 - ((lo - r c / (2 - c)) - hi), times 2^k
        (local.set $y
          (f64x2.sub (v128.const f64x2 1 1)
            (f64x2.sub
              (f64x2.sub (local.get $lo) (f64x2.div (f64x2.mul (local.get $r) (local.get $c)) (f64x2.sub (v128.const f64x2 2 2) (local.get $c))))
              (local.get $hi))))
        (local.set $y (f64x2.mul (local.get $y) (i64x2.shl (i64x2.add (local.get $ki) (v128.const i64x2 1023 1023)) (i32.const 52))))
        ;; |x| < 2^-28: 1 + x; x = 1: E
        (local.set $y (v128.bitselect (f64x2.add (v128.const f64x2 1 1) (local.get $x)) (local.get $y) (i64x2.lt_s (local.get $hx) (v128.const i64x2 0x3e300000 0x3e300000))))
        (local.set $y (v128.bitselect (v128.const f64x2 2.718281828459045 2.718281828459045) (local.get $y) (f64x2.eq (local.get $x) (v128.const f64x2 1 1))))
        (local.set $small2 (i64x2.le_s (local.get $hx2) (v128.const i64x2 0x3fd62e42 0x3fd62e42)))
        (local.set $k322
          (i32x4.trunc_sat_f64x2_s_zero
            (f64x2.add
              (f64x2.mul (local.get $x2) (v128.const f64x2 1.44269504088896338700e+00 1.44269504088896338700e+00))
              (v128.or (v128.and (local.get $x2) (v128.const i64x2 0x8000000000000000 0x8000000000000000)) (v128.const f64x2 0.5 0.5)))))
        (local.set $ki2 (v128.andnot (i64x2.extend_low_i32x4_s (local.get $k322)) (local.get $small2)))
        (local.set $t_2 (v128.andnot (f64x2.convert_low_i32x4_s (local.get $k322)) (local.get $small2)))
        (local.set $hi2 (f64x2.sub (local.get $x2) (f64x2.mul (local.get $t_2) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))))
        (local.set $lo2 (f64x2.mul (local.get $t_2) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)))
        (local.set $r2 (f64x2.sub (local.get $hi2) (local.get $lo2)))
        (local.set $t22 (f64x2.mul (local.get $r2) (local.get $r2)))
        (local.set $c2
          (f64x2.sub (local.get $r2)
            (f64x2.mul (local.get $t22)
              (f64x2.add (v128.const f64x2 1.66666666666666019037e-01 1.66666666666666019037e-01)
                (f64x2.mul (local.get $t22)
                  (f64x2.add (v128.const f64x2 -2.77777777770155933842e-03 -2.77777777770155933842e-03)
                    (f64x2.mul (local.get $t22)
                      (f64x2.add (v128.const f64x2 6.61375632143793436117e-05 6.61375632143793436117e-05)
                        (f64x2.mul (local.get $t22)
                          (f64x2.add (v128.const f64x2 -1.65339022054652515390e-06 -1.65339022054652515390e-06)
                            (f64x2.mul (local.get $t22) (v128.const f64x2 4.13813679705723846039e-08 4.13813679705723846039e-08))))))))))))
        (local.set $y2
          (f64x2.sub (v128.const f64x2 1 1)
            (f64x2.sub
              (f64x2.sub (local.get $lo2) (f64x2.div (f64x2.mul (local.get $r2) (local.get $c2)) (f64x2.sub (v128.const f64x2 2 2) (local.get $c2))))
              (local.get $hi2))))
        (local.set $y2 (f64x2.mul (local.get $y2) (i64x2.shl (i64x2.add (local.get $ki2) (v128.const i64x2 1023 1023)) (i32.const 52))))
        (local.set $y2 (v128.bitselect (f64x2.add (v128.const f64x2 1 1) (local.get $x2)) (local.get $y2) (i64x2.lt_s (local.get $hx2) (v128.const i64x2 0x3e300000 0x3e300000))))
        (local.set $y2 (v128.bitselect (v128.const f64x2 2.718281828459045 2.718281828459045) (local.get $y2) (f64x2.eq (local.get $x2) (v128.const f64x2 1 1))))
        (v128.store align=8 (local.get $at) (local.get $y))
        (v128.store offset=16 align=8 (local.get $at) (local.get $y2))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quad)))
    (block $done
      (loop $pair
        (br_if $done (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $n)))
        (local.set $at (i32.add (local.get $values) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $x (v128.load align=8 (local.get $at)))
        ;; the high word of |x|, per lane
        (local.set $hx (i64x2.shr_u (v128.and (local.get $x) (v128.const i64x2 0x7fffffffffffffff 0x7fffffffffffffff)) (i32.const 32)))
        (br_if $done (i32.eqz (i64x2.all_true (i64x2.lt_s (local.get $hx) (v128.const i64x2 0x40860000 0x40860000)))))
        (local.set $small (i64x2.le_s (local.get $hx) (v128.const i64x2 0x3fd62e42 0x3fd62e42)))
        ;; k = (int)(invln2 x + halF[sign]) (i32 lanes 0 and 1), then 0 where |x| <= 0.5 ln2: as i64 lanes and as t
        (local.set $k32
          (i32x4.trunc_sat_f64x2_s_zero
            (f64x2.add
              (f64x2.mul (local.get $x) (v128.const f64x2 1.44269504088896338700e+00 1.44269504088896338700e+00))
              (v128.or (v128.and (local.get $x) (v128.const i64x2 0x8000000000000000 0x8000000000000000)) (v128.const f64x2 0.5 0.5)))))
        (local.set $ki (v128.andnot (i64x2.extend_low_i32x4_s (local.get $k32)) (local.get $small)))
        (local.set $t (v128.andnot (f64x2.convert_low_i32x4_s (local.get $k32)) (local.get $small)))
        (local.set $hi (f64x2.sub (local.get $x) (f64x2.mul (local.get $t) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01))))
        (local.set $lo (f64x2.mul (local.get $t) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10)))
        (local.set $r (f64x2.sub (local.get $hi) (local.get $lo)))
        (local.set $t2 (f64x2.mul (local.get $r) (local.get $r)))
        ;; c = r - t2 (P1 + t2 (P2 + t2 (P3 + t2 (P4 + t2 P5))))
        (local.set $c
          (f64x2.sub (local.get $r)
            (f64x2.mul (local.get $t2)
              (f64x2.add (v128.const f64x2 1.66666666666666019037e-01 1.66666666666666019037e-01)
                (f64x2.mul (local.get $t2)
                  (f64x2.add (v128.const f64x2 -2.77777777770155933842e-03 -2.77777777770155933842e-03)
                    (f64x2.mul (local.get $t2)
                      (f64x2.add (v128.const f64x2 6.61375632143793436117e-05 6.61375632143793436117e-05)
                        (f64x2.mul (local.get $t2)
                          (f64x2.add (v128.const f64x2 -1.65339022054652515390e-06 -1.65339022054652515390e-06)
                            (f64x2.mul (local.get $t2) (v128.const f64x2 4.13813679705723846039e-08 4.13813679705723846039e-08))))))))))))
        ;; y = 1 - ((lo - r c / (2 - c)) - hi), times 2^k
        (local.set $y
          (f64x2.sub (v128.const f64x2 1 1)
            (f64x2.sub
              (f64x2.sub (local.get $lo) (f64x2.div (f64x2.mul (local.get $r) (local.get $c)) (f64x2.sub (v128.const f64x2 2 2) (local.get $c))))
              (local.get $hi))))
        (local.set $y (f64x2.mul (local.get $y) (i64x2.shl (i64x2.add (local.get $ki) (v128.const i64x2 1023 1023)) (i32.const 52))))
        ;; |x| < 2^-28: 1 + x; x = 1: E
        (local.set $y (v128.bitselect (f64x2.add (v128.const f64x2 1 1) (local.get $x)) (local.get $y) (i64x2.lt_s (local.get $hx) (v128.const i64x2 0x3e300000 0x3e300000))))
        (local.set $y (v128.bitselect (v128.const f64x2 2.718281828459045 2.718281828459045) (local.get $y) (f64x2.eq (local.get $x) (v128.const f64x2 1 1))))
        (v128.store align=8 (local.get $at) (local.get $y))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pair)))
    (local.get $i))
;; Softmax of rows of k values around the exponentials, as ensemble/losses.ts's softmaxRows
;; (scalar, in the same order): `shift` subtracts each row's max (the first of the largest; NaN
;; never taken), `normalize` divides each row by its sum, added in order.
  (func (export "shift") (param $values i32) (param $rows i32) (param $k i32)
    (local $end i32) (local $a i32) (local $m f64) (local $v f64)
    (local.set $end (i32.add (local.get $values) (i32.shl (i32.mul (local.get $rows) (local.get $k)) (i32.const 3))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $values) (local.get $end)))
        (local.set $m (f64.const -inf))
        (local.set $a (local.get $values))
        (loop $max
          (local.set $v (f64.load (local.get $a)))
          (local.set $m (select (local.get $v) (local.get $m) (f64.gt (local.get $v) (local.get $m))))
          (br_if $max (i32.lt_u (local.tee $a (i32.add (local.get $a) (i32.const 8))) (i32.add (local.get $values) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $a (local.get $values))
        (loop $sub
          (f64.store (local.get $a) (f64.sub (f64.load (local.get $a)) (local.get $m)))
          (br_if $sub (i32.lt_u (local.tee $a (i32.add (local.get $a) (i32.const 8))) (i32.add (local.get $values) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $values (local.get $a))
        (br $row))))

  (func (export "normalize") (param $values i32) (param $rows i32) (param $k i32)
    (local $end i32) (local $a i32) (local $s f64)
    (local.set $end (i32.add (local.get $values) (i32.shl (i32.mul (local.get $rows) (local.get $k)) (i32.const 3))))
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $values) (local.get $end)))
        (local.set $s (f64.const 0))
        (local.set $a (local.get $values))
        (loop $sum
          (local.set $s (f64.add (local.get $s) (f64.load (local.get $a))))
          (br_if $sum (i32.lt_u (local.tee $a (i32.add (local.get $a) (i32.const 8))) (i32.add (local.get $values) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $a (local.get $values))
        (loop $div
          (f64.store (local.get $a) (f64.div (f64.load (local.get $a)) (local.get $s)))
          (br_if $div (i32.lt_u (local.tee $a (i32.add (local.get $a) (i32.const 8))) (i32.add (local.get $values) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $values (local.get $a))
        (br $row))))

;; multi:softprob over class-major columns: class c's value of row i at 8 (c n + i) from a base, for
;; the rows [from, to) of n, two rows at a time (the odd last one alone). `softprobShift` writes each
;; row's values minus its max (the first of the largest, NaN never taken) to `out`; `exp` then takes
;; each class's part; `softprobFinish` turns those e in place into g = [y = c] - p and writes
;; h = max(2 p (1 - p), 1e-16) of p = e / s, s the row's e added in class order: softmaxRows's and
;; ensemble/xgb-objectives.ts's arithmetic, the same numbers.
  (func (export "softprobShift") (param $raw i32) (param $out i32) (param $n i32) (param $k i32) (param $from i32) (param $to i32)
    (local $col i32) (local $i i32) (local $c i32) (local $p i32) (local $q i32) (local $m v128) (local $v v128) (local $ms f64) (local $vs f64)
    (local.set $col (i32.shl (local.get $n) (i32.const 3)))
    (local.set $i (local.get $from))
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $to)))
        (local.set $p (i32.add (local.get $raw) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $m (v128.const f64x2 -inf -inf))
        (local.set $c (local.get $k))
        (loop $max
          (local.set $v (v128.load align=8 (local.get $p)))
          (local.set $m (v128.bitselect (local.get $v) (local.get $m) (f64x2.gt (local.get $v) (local.get $m))))
          (local.set $p (i32.add (local.get $p) (local.get $col)))
          (br_if $max (local.tee $c (i32.sub (local.get $c) (i32.const 1)))))
        (local.set $p (i32.add (local.get $raw) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $q (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $c (local.get $k))
        (loop $sub
          (v128.store align=8 (local.get $q) (f64x2.sub (v128.load align=8 (local.get $p)) (local.get $m)))
          (local.set $p (i32.add (local.get $p) (local.get $col)))
          (local.set $q (i32.add (local.get $q) (local.get $col)))
          (br_if $sub (local.tee $c (i32.sub (local.get $c) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_s (local.get $i) (local.get $to))
      (then
        (local.set $p (i32.add (local.get $raw) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $ms (f64.const -inf))
        (local.set $c (local.get $k))
        (loop $max1
          (local.set $vs (f64.load (local.get $p)))
          (local.set $ms (select (local.get $vs) (local.get $ms) (f64.gt (local.get $vs) (local.get $ms))))
          (local.set $p (i32.add (local.get $p) (local.get $col)))
          (br_if $max1 (local.tee $c (i32.sub (local.get $c) (i32.const 1)))))
        (local.set $p (i32.add (local.get $raw) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $q (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $c (local.get $k))
        (loop $sub1
          (f64.store (local.get $q) (f64.sub (f64.load (local.get $p)) (local.get $ms)))
          (local.set $p (i32.add (local.get $p) (local.get $col)))
          (local.set $q (i32.add (local.get $q) (local.get $col)))
          (br_if $sub1 (local.tee $c (i32.sub (local.get $c) (i32.const 1))))))))

  (func (export "softprobFinish") (param $y i32) (param $g i32) (param $h i32) (param $n i32) (param $k i32) (param $from i32) (param $to i32)
    (local $col i32) (local $i i32) (local $c i32) (local $p i32) (local $q i32) (local $s v128) (local $yv v128) (local $cf v128) (local $pr v128)
    (local.set $col (i32.shl (local.get $n) (i32.const 3)))
    (local.set $i (local.get $from))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $to)))
        ;; the odd last row: its lane 0 only (lane 1 reads and writes the next row's slot, left as it was)
        (local.set $p (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $s (v128.const f64x2 0 0))
        (local.set $c (local.get $k))
        (loop $sum
          (local.set $s (f64x2.add (local.get $s) (v128.load align=8 (local.get $p))))
          (local.set $p (i32.add (local.get $p) (local.get $col)))
          (br_if $sum (local.tee $c (i32.sub (local.get $c) (i32.const 1)))))
        (local.set $yv (v128.load align=8 (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $p (i32.add (local.get $g) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $q (i32.add (local.get $h) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $cf (v128.const f64x2 0 0))
        (local.set $c (local.get $k))
        (loop $cls
          (local.set $pr (f64x2.div (v128.load align=8 (local.get $p)) (local.get $s)))
          (if (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $to))
            (then
              (v128.store align=8 (local.get $p) (f64x2.sub (v128.and (f64x2.eq (local.get $yv) (local.get $cf)) (v128.const f64x2 1 1)) (local.get $pr)))
              (v128.store align=8 (local.get $q)
                (f64x2.max (f64x2.mul (f64x2.mul (v128.const f64x2 2 2) (local.get $pr)) (f64x2.sub (v128.const f64x2 1 1) (local.get $pr))) (v128.const f64x2 1e-16 1e-16))))
            (else
              (f64.store (local.get $p) (f64x2.extract_lane 0 (f64x2.sub (v128.and (f64x2.eq (local.get $yv) (local.get $cf)) (v128.const f64x2 1 1)) (local.get $pr))))
              (f64.store (local.get $q)
                (f64x2.extract_lane 0 (f64x2.max (f64x2.mul (f64x2.mul (v128.const f64x2 2 2) (local.get $pr)) (f64x2.sub (v128.const f64x2 1 1) (local.get $pr))) (v128.const f64x2 1e-16 1e-16))))))
          (local.set $cf (f64x2.add (local.get $cf) (v128.const f64x2 1 1)))
          (local.set $p (i32.add (local.get $p) (local.get $col)))
          (local.set $q (i32.add (local.get $q) (local.get $col)))
          (br_if $cls (local.tee $c (i32.sub (local.get $c) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows))))

  ;; binary:logistic's gradients (ensemble/xgb-objectives.ts, the same arithmetic) from e[i] =
  ;; exp(-margin), two rows at a time from row i: p = 1 / (1 + e), w = scale_pos_weight if y = 1
  ;; else 1, g = ([y = 1] - p) w, h = max(p (1 - p) w, 1e-16). Stops before an odd last row; returns
  ;; where it stopped.
  (func (export "logisticGrad") (param $e i32) (param $y i32) (param $g i32) (param $h i32) (param $i i32) (param $n i32) (param $spw f64) (result i32)
    (local $o i32) (local $p v128) (local $pos v128) (local $w v128)
    (block $done
      (loop $pair
        (br_if $done (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $p (f64x2.div (v128.const f64x2 1 1) (f64x2.add (v128.const f64x2 1 1) (v128.load align=8 (i32.add (local.get $e) (local.get $o))))))
        (local.set $pos (f64x2.eq (v128.load align=8 (i32.add (local.get $y) (local.get $o))) (v128.const f64x2 1 1)))
        (local.set $w (v128.bitselect (f64x2.splat (local.get $spw)) (v128.const f64x2 1 1) (local.get $pos)))
        (v128.store align=8 (i32.add (local.get $g) (local.get $o))
          (f64x2.mul (f64x2.sub (v128.and (local.get $pos) (v128.const f64x2 1 1)) (local.get $p)) (local.get $w)))
        (v128.store align=8 (i32.add (local.get $h) (local.get $o))
          (f64x2.max (f64x2.mul (f64x2.mul (local.get $p) (f64x2.sub (v128.const f64x2 1 1) (local.get $p))) (local.get $w)) (v128.const f64x2 1e-16 1e-16)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pair)))
    (local.get $i))
;; dst[0..n) = -src[0..n), two values at a time (the odd last one alone): binary:logistic's
;; exponents, e = exp(-margin).
  (func (export "negate") (param $src i32) (param $dst i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $src) (i32.shl (local.get $n) (i32.const 3))))
    (block $done
      (loop $pair
        (br_if $done (i32.gt_u (i32.add (local.get $src) (i32.const 16)) (local.get $end)))
        (v128.store align=8 (local.get $dst) (f64x2.neg (v128.load align=8 (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $pair)))
    (if (i32.lt_u (local.get $src) (local.get $end))
      (then (f64.store (local.get $dst) (f64.neg (f64.load (local.get $src)))))))

;; logisticGrad's numbers written as each row's pair (g, h) at ab + 16 i (as a HistTeam's builds read
;; them), two rows at a time from row 0, stopping before an odd last row (returns where it stopped),
;; and added in row order to the sums (sg, sh) at `sums`: fillPairs's additions, the same numbers.
  (func (export "logisticPairs") (param $e i32) (param $y i32) (param $ab i32) (param $sums i32) (param $n i32) (param $spw f64) (result i32)
    (local $i i32) (local $o i32) (local $q i32) (local $p v128) (local $pos v128) (local $w v128) (local $g v128) (local $h v128)
    (local $first v128) (local $second v128) (local $acc v128)
    (local.set $acc (v128.load align=8 (local.get $sums)))
    (block $done
      (loop $pair
        (br_if $done (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 3)))
        (local.set $p (f64x2.div (v128.const f64x2 1 1) (f64x2.add (v128.const f64x2 1 1) (v128.load align=8 (i32.add (local.get $e) (local.get $o))))))
        (local.set $pos (f64x2.eq (v128.load align=8 (i32.add (local.get $y) (local.get $o))) (v128.const f64x2 1 1)))
        (local.set $w (v128.bitselect (f64x2.splat (local.get $spw)) (v128.const f64x2 1 1) (local.get $pos)))
        (local.set $g (f64x2.mul (f64x2.sub (v128.and (local.get $pos) (v128.const f64x2 1 1)) (local.get $p)) (local.get $w)))
        (local.set $h (f64x2.max (f64x2.mul (f64x2.mul (local.get $p) (f64x2.sub (v128.const f64x2 1 1) (local.get $p))) (local.get $w)) (v128.const f64x2 1e-16 1e-16)))
        ;; (g, h) of row i, then of row i + 1
        (local.set $first (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $g) (local.get $h)))
        (local.set $second (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $g) (local.get $h)))
        (local.set $q (i32.add (local.get $ab) (i32.shl (local.get $i) (i32.const 4))))
        (v128.store align=8 (local.get $q) (local.get $first))
        (v128.store offset=16 align=8 (local.get $q) (local.get $second))
        (local.set $acc (f64x2.add (f64x2.add (local.get $acc) (local.get $first)) (local.get $second)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pair)))
    (v128.store align=8 (local.get $sums) (local.get $acc))
    (local.get $i))
)
