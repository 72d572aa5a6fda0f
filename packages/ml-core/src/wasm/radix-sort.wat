;; LSD radix sort of float32 values with their positions (ensemble/xgb-cuts.ts's RadixSorter, the
;; same algorithm and so the same order: stable, ties in their first order): three digits of 11
;; bits of an order-preserving key (sign bit flipped, negatives' bits inverted), counted in one
;; read of the keys, a digit every key shares skipped, then the sorted values back from the keys.
;; Pointers are byte offsets into the memory "env.memory".
;;
;; After editing, regenerate radix-sort.wasm.ts: `pnpm --filter @mlw/ml-core wasm`.
(module
  (import "env" "memory" (memory 1))

  ;; Sorts the m float32 at $values: keys and positions ping-pong between (ka, ia) and (kb, ib),
  ;; $count holds 3 x 2049 int32, the sorted values go to $sorted. Returns 0 when the positions
  ;; ended in ia, 1 in ib.
  (func (export "sort") (param $values i32) (param $m i32) (param $ka i32) (param $kb i32) (param $ia i32) (param $ib i32) (param $count i32) (param $sorted i32) (result i32)
    (local $j i32) (local $b i32) (local $k i32) (local $at i32) (local $c i32) (local $d i32) (local $digit i32)
    (local $sum i32) (local $shared i32) (local $shift i32) (local $from i32) (local $sk i32) (local $si i32) (local $dk i32) (local $di i32)
    (memory.fill (local.get $count) (i32.const 0) (i32.const 24588))
    ;; keys, positions and the three digits' counts (at digit + 1)
    (block $keysDone
      (loop $keys
        (br_if $keysDone (i32.ge_u (local.get $j) (local.get $m)))
        (local.set $b (i32.load (i32.add (local.get $values) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $k (select (i32.xor (local.get $b) (i32.const -1)) (i32.or (local.get $b) (i32.const 0x80000000)) (i32.lt_s (local.get $b) (i32.const 0))))
        (i32.store (i32.add (local.get $ka) (i32.shl (local.get $j) (i32.const 2))) (local.get $k))
        (i32.store (i32.add (local.get $ia) (i32.shl (local.get $j) (i32.const 2))) (local.get $j))
        (local.set $at (i32.add (local.get $count) (i32.shl (i32.add (i32.and (local.get $k) (i32.const 2047)) (i32.const 1)) (i32.const 2))))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $at (i32.add (local.get $count) (i32.shl (i32.add (i32.and (i32.shr_u (local.get $k) (i32.const 11)) (i32.const 2047)) (i32.const 2050)) (i32.const 2))))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $at (i32.add (local.get $count) (i32.shl (i32.add (i32.shr_u (local.get $k) (i32.const 22)) (i32.const 4099)) (i32.const 2))))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $keys)))
    (block $digitsDone
      (loop $digits
        (br_if $digitsDone (i32.ge_u (local.get $digit) (i32.const 3)))
        ;; running sums of this digit's counts; shared when one digit holds every key
        (local.set $c (i32.add (local.get $count) (i32.mul (local.get $digit) (i32.const 8196))))
        (local.set $sum (i32.const 0))
        (local.set $shared (i32.const 0))
        (local.set $d (i32.const 1))
        (loop $prefix
          (local.set $at (i32.add (local.get $c) (i32.shl (local.get $d) (i32.const 2))))
          (local.set $b (i32.load (local.get $at)))
          (if (i32.eq (local.get $b) (local.get $m)) (then (local.set $shared (i32.const 1))))
          (local.set $sum (i32.add (local.get $sum) (local.get $b)))
          (i32.store (local.get $at) (local.get $sum))
          (br_if $prefix (i32.le_u (local.tee $d (i32.add (local.get $d) (i32.const 1))) (i32.const 2048))))
        (if (i32.eqz (local.get $shared))
          (then
            (local.set $shift (i32.mul (local.get $digit) (i32.const 11)))
            (local.set $sk (select (local.get $kb) (local.get $ka) (local.get $from)))
            (local.set $si (select (local.get $ib) (local.get $ia) (local.get $from)))
            (local.set $dk (select (local.get $ka) (local.get $kb) (local.get $from)))
            (local.set $di (select (local.get $ia) (local.get $ib) (local.get $from)))
            (local.set $j (i32.const 0))
            (block $passDone
              (loop $pass
                (br_if $passDone (i32.ge_u (local.get $j) (local.get $m)))
                (local.set $k (i32.load (i32.add (local.get $sk) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $at (i32.add (local.get $c) (i32.shl (i32.and (i32.shr_u (local.get $k) (local.get $shift)) (i32.const 2047)) (i32.const 2))))
                (local.set $b (i32.load (local.get $at)))
                (i32.store (local.get $at) (i32.add (local.get $b) (i32.const 1)))
                (i32.store (i32.add (local.get $dk) (i32.shl (local.get $b) (i32.const 2))) (local.get $k))
                (i32.store (i32.add (local.get $di) (i32.shl (local.get $b) (i32.const 2))) (i32.load (i32.add (local.get $si) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $pass)))
            (local.set $from (i32.sub (i32.const 1) (local.get $from)))))
        (local.set $digit (i32.add (local.get $digit) (i32.const 1)))
        (br $digits)))
    ;; the values back from the sorted keys
    (local.set $sk (select (local.get $kb) (local.get $ka) (local.get $from)))
    (local.set $j (i32.const 0))
    (block $outDone
      (loop $out
        (br_if $outDone (i32.ge_u (local.get $j) (local.get $m)))
        (local.set $k (i32.load (i32.add (local.get $sk) (i32.shl (local.get $j) (i32.const 2)))))
        (i32.store (i32.add (local.get $sorted) (i32.shl (local.get $j) (i32.const 2)))
          (select (i32.xor (local.get $k) (i32.const 0x80000000)) (i32.xor (local.get $k) (i32.const -1)) (i32.lt_s (local.get $k) (i32.const 0))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $out)))
    (local.get $from))
)
