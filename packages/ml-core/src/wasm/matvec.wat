;; The two matrix-vector products of a linear model's loss (see linear/matvec.ts), in float64 with
;; WebAssembly SIMD: the same arithmetic in the same order as its JS loops, so the same result to
;; the bit. Pointers are byte offsets into the memory "env.memory". A row is dp float64 values (dp
;; even), so a pair of columns is one v128 (lane 0 the even column, lane 1 the odd one); rows go in
;; blocks of 4 (x0..x3).
;;
;; After editing, regenerate matvec.wasm.ts: `pnpm --filter @mlw/ml-core wasm`.
(module
  (import "env" "memory" (memory 1))

  ;; z = b + X w: per block of rows, acc_r = sum over column pairs p of w[p] * x_r[p] (two lanes),
  ;; then z[r] = (b + acc_r.lane0) + acc_r.lane1.
  (func (export "scores") (param $x i32) (param $blocks i32) (param $dp i32) (param $w i32) (param $z i32) (param $b f64)
    (local $rowBytes i32) (local $j i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $wv v128)
    (local.set $rowBytes (i32.shl (local.get $dp) (i32.const 3)))
    (block $done
      (loop $block
        (br_if $done (i32.eqz (local.get $blocks)))
        (local.set $x3 (i32.add (local.tee $x2 (i32.add (local.tee $x1 (i32.add (local.get $x) (local.get $rowBytes))) (local.get $rowBytes))) (local.get $rowBytes)))
        (local.set $acc0 (v128.const i64x2 0 0))
        (local.set $acc1 (v128.const i64x2 0 0))
        (local.set $acc2 (v128.const i64x2 0 0))
        (local.set $acc3 (v128.const i64x2 0 0))
        ;; do { ... } while ((j += 16) < rowBytes), from j = 0 (dp >= 2, so at least once)
        (local.set $j (i32.const 0))
        (loop $pair
          (local.set $wv (v128.load align=8 (i32.add (local.get $w) (local.get $j))))
          (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (local.get $wv) (v128.load align=8 (i32.add (local.get $x) (local.get $j))))))
          (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (local.get $wv) (v128.load align=8 (i32.add (local.get $x1) (local.get $j))))))
          (local.set $acc2 (f64x2.add (local.get $acc2) (f64x2.mul (local.get $wv) (v128.load align=8 (i32.add (local.get $x2) (local.get $j))))))
          (local.set $acc3 (f64x2.add (local.get $acc3) (f64x2.mul (local.get $wv) (v128.load align=8 (i32.add (local.get $x3) (local.get $j))))))
          (br_if $pair (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $rowBytes))))
        (f64.store offset=0 align=8 (local.get $z) (f64.add (f64.add (local.get $b) (f64x2.extract_lane 0 (local.get $acc0))) (f64x2.extract_lane 1 (local.get $acc0))))
        (f64.store offset=8 align=8 (local.get $z) (f64.add (f64.add (local.get $b) (f64x2.extract_lane 0 (local.get $acc1))) (f64x2.extract_lane 1 (local.get $acc1))))
        (f64.store offset=16 align=8 (local.get $z) (f64.add (f64.add (local.get $b) (f64x2.extract_lane 0 (local.get $acc2))) (f64x2.extract_lane 1 (local.get $acc2))))
        (f64.store offset=24 align=8 (local.get $z) (f64.add (f64.add (local.get $b) (f64x2.extract_lane 0 (local.get $acc3))) (f64x2.extract_lane 1 (local.get $acc3))))
        (local.set $z (i32.add (local.get $z) (i32.const 32)))
        (local.set $x (i32.add (local.get $x3) (local.get $rowBytes)))
        (local.set $blocks (i32.sub (local.get $blocks) (i32.const 1)))
        (br $block))))

  ;; grad += X^T g: per block of rows, for each column pair p,
  ;; grad[p] += ((g_0 x_0[p] + g_1 x_1[p]) + g_2 x_2[p]) + g_3 x_3[p].
  (func (export "gradient") (param $x i32) (param $blocks i32) (param $dp i32) (param $g i32) (param $grad i32)
    (local $rowBytes i32) (local $j i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $g0 v128) (local $g1 v128) (local $g2 v128) (local $g3 v128)
    (local.set $rowBytes (i32.shl (local.get $dp) (i32.const 3)))
    (block $done
      (loop $block
        (br_if $done (i32.eqz (local.get $blocks)))
        (local.set $x3 (i32.add (local.tee $x2 (i32.add (local.tee $x1 (i32.add (local.get $x) (local.get $rowBytes))) (local.get $rowBytes))) (local.get $rowBytes)))
        (local.set $g0 (f64x2.splat (f64.load offset=0 align=8 (local.get $g))))
        (local.set $g1 (f64x2.splat (f64.load offset=8 align=8 (local.get $g))))
        (local.set $g2 (f64x2.splat (f64.load offset=16 align=8 (local.get $g))))
        (local.set $g3 (f64x2.splat (f64.load offset=24 align=8 (local.get $g))))
        (local.set $j (i32.const 0))
        (loop $pair
          (v128.store align=8 (i32.add (local.get $grad) (local.get $j))
            (f64x2.add
              (v128.load align=8 (i32.add (local.get $grad) (local.get $j)))
              (f64x2.add
                (f64x2.add
                  (f64x2.add
                    (f64x2.mul (local.get $g0) (v128.load align=8 (i32.add (local.get $x) (local.get $j))))
                    (f64x2.mul (local.get $g1) (v128.load align=8 (i32.add (local.get $x1) (local.get $j)))))
                  (f64x2.mul (local.get $g2) (v128.load align=8 (i32.add (local.get $x2) (local.get $j)))))
                (f64x2.mul (local.get $g3) (v128.load align=8 (i32.add (local.get $x3) (local.get $j)))))))
          (br_if $pair (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $rowBytes))))
        (local.set $g (i32.add (local.get $g) (i32.const 32)))
        (local.set $x (i32.add (local.get $x3) (local.get $rowBytes)))
        (local.set $blocks (i32.sub (local.get $blocks) (i32.const 1)))
        (br $block)))))
