;; Takes a block of rows down one tree of a TreeEnsemble (see tree/tree-descent.ts): the same
;; comparisons as TreeEnsemble.leaf, without a branch per split. Pointers are byte offsets into the
;; memory "env.memory". Per node (global index i): thr[i] f64, feat[i] i32 the byte offset of its
;; feature within a row (a leaf's 0), child[2i] its right child and child[2i+1] its left one (a
;; leaf's both itself), ml[i] a byte, 1 when missing values go left. A row takes exactly `depth`
;; steps (the tree's depth), a leaf stepping to itself, so no step ends in a mispredicted exit; rows
;; go eight at a time, eight independent chains of loads that the CPU overlaps.
;;
;; One step: goLeft = (v <= thr) | ((v != v) & ml); node = child[2 node + goLeft].
;;
;; After editing, regenerate tree-descent.wasm.ts: `pnpm --filter @mlw/ml-core wasm`.
(module
  (import "env" "memory" (memory 1))

  ;; leaves[r] = the leaf that row r of the block at x (rows rows of rowBytes bytes) falls in, from root.
  (func (export "descend") (param $root i32) (param $depth i32) (param $x i32) (param $rows i32) (param $rowBytes i32) (param $leaves i32)
                           (param $thr i32) (param $feat i32) (param $child i32) (param $ml i32)
    (local $d i32) (local $end i32) (local $endK i32)
    (local $n0 i32) (local $x0 i32) (local $v0 f64)
    (local $n1 i32) (local $x1 i32) (local $v1 f64)
    (local $n2 i32) (local $x2 i32) (local $v2 f64)
    (local $n3 i32) (local $x3 i32) (local $v3 f64)
    (local $n4 i32) (local $x4 i32) (local $v4 f64)
    (local $n5 i32) (local $x5 i32) (local $v5 f64)
    (local $n6 i32) (local $x6 i32) (local $v6 f64)
    (local $n7 i32) (local $x7 i32) (local $v7 f64)
    (local.set $end (i32.add (local.get $leaves) (i32.shl (local.get $rows) (i32.const 2))))
    (local.set $endK (i32.add (local.get $leaves) (i32.shl (i32.and (local.get $rows) (i32.const -8)) (i32.const 2))))
    (local.set $x0 (local.get $x))
    ;; 8 rows at a time
    (block $doneK
      (loop $rowsK
        (br_if $doneK (i32.ge_u (local.get $leaves) (local.get $endK)))
        (local.set $x1 (i32.add (local.get $x0) (local.get $rowBytes)))
        (local.set $x2 (i32.add (local.get $x1) (local.get $rowBytes)))
        (local.set $x3 (i32.add (local.get $x2) (local.get $rowBytes)))
        (local.set $x4 (i32.add (local.get $x3) (local.get $rowBytes)))
        (local.set $x5 (i32.add (local.get $x4) (local.get $rowBytes)))
        (local.set $x6 (i32.add (local.get $x5) (local.get $rowBytes)))
        (local.set $x7 (i32.add (local.get $x6) (local.get $rowBytes)))
        (local.set $n0 (local.get $root))
        (local.set $n1 (local.get $root))
        (local.set $n2 (local.get $root))
        (local.set $n3 (local.get $root))
        (local.set $n4 (local.get $root))
        (local.set $n5 (local.get $root))
        (local.set $n6 (local.get $root))
        (local.set $n7 (local.get $root))
        (local.set $d (local.get $depth))
        (block $leafK
          (loop $stepK
            (br_if $leafK (i32.eqz (local.get $d)))
            (local.set $v0 (f64.load (i32.add (local.get $x0) (i32.load (i32.add (local.get $feat) (i32.shl (local.get $n0) (i32.const 2)))))))
            (local.set $n0 (i32.load (i32.add (local.get $child) (i32.shl (i32.or (i32.shl (local.get $n0) (i32.const 1))
              (i32.or (f64.le (local.get $v0) (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n0) (i32.const 3)))))
                (i32.and (f64.ne (local.get $v0) (local.get $v0)) (i32.load8_u (i32.add (local.get $ml) (local.get $n0)))))) (i32.const 2)))))
            (local.set $v1 (f64.load (i32.add (local.get $x1) (i32.load (i32.add (local.get $feat) (i32.shl (local.get $n1) (i32.const 2)))))))
            (local.set $n1 (i32.load (i32.add (local.get $child) (i32.shl (i32.or (i32.shl (local.get $n1) (i32.const 1))
              (i32.or (f64.le (local.get $v1) (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n1) (i32.const 3)))))
                (i32.and (f64.ne (local.get $v1) (local.get $v1)) (i32.load8_u (i32.add (local.get $ml) (local.get $n1)))))) (i32.const 2)))))
            (local.set $v2 (f64.load (i32.add (local.get $x2) (i32.load (i32.add (local.get $feat) (i32.shl (local.get $n2) (i32.const 2)))))))
            (local.set $n2 (i32.load (i32.add (local.get $child) (i32.shl (i32.or (i32.shl (local.get $n2) (i32.const 1))
              (i32.or (f64.le (local.get $v2) (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n2) (i32.const 3)))))
                (i32.and (f64.ne (local.get $v2) (local.get $v2)) (i32.load8_u (i32.add (local.get $ml) (local.get $n2)))))) (i32.const 2)))))
            (local.set $v3 (f64.load (i32.add (local.get $x3) (i32.load (i32.add (local.get $feat) (i32.shl (local.get $n3) (i32.const 2)))))))
            (local.set $n3 (i32.load (i32.add (local.get $child) (i32.shl (i32.or (i32.shl (local.get $n3) (i32.const 1))
              (i32.or (f64.le (local.get $v3) (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n3) (i32.const 3)))))
                (i32.and (f64.ne (local.get $v3) (local.get $v3)) (i32.load8_u (i32.add (local.get $ml) (local.get $n3)))))) (i32.const 2)))))
            (local.set $v4 (f64.load (i32.add (local.get $x4) (i32.load (i32.add (local.get $feat) (i32.shl (local.get $n4) (i32.const 2)))))))
            (local.set $n4 (i32.load (i32.add (local.get $child) (i32.shl (i32.or (i32.shl (local.get $n4) (i32.const 1))
              (i32.or (f64.le (local.get $v4) (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n4) (i32.const 3)))))
                (i32.and (f64.ne (local.get $v4) (local.get $v4)) (i32.load8_u (i32.add (local.get $ml) (local.get $n4)))))) (i32.const 2)))))
            (local.set $v5 (f64.load (i32.add (local.get $x5) (i32.load (i32.add (local.get $feat) (i32.shl (local.get $n5) (i32.const 2)))))))
            (local.set $n5 (i32.load (i32.add (local.get $child) (i32.shl (i32.or (i32.shl (local.get $n5) (i32.const 1))
              (i32.or (f64.le (local.get $v5) (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n5) (i32.const 3)))))
                (i32.and (f64.ne (local.get $v5) (local.get $v5)) (i32.load8_u (i32.add (local.get $ml) (local.get $n5)))))) (i32.const 2)))))
            (local.set $v6 (f64.load (i32.add (local.get $x6) (i32.load (i32.add (local.get $feat) (i32.shl (local.get $n6) (i32.const 2)))))))
            (local.set $n6 (i32.load (i32.add (local.get $child) (i32.shl (i32.or (i32.shl (local.get $n6) (i32.const 1))
              (i32.or (f64.le (local.get $v6) (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n6) (i32.const 3)))))
                (i32.and (f64.ne (local.get $v6) (local.get $v6)) (i32.load8_u (i32.add (local.get $ml) (local.get $n6)))))) (i32.const 2)))))
            (local.set $v7 (f64.load (i32.add (local.get $x7) (i32.load (i32.add (local.get $feat) (i32.shl (local.get $n7) (i32.const 2)))))))
            (local.set $n7 (i32.load (i32.add (local.get $child) (i32.shl (i32.or (i32.shl (local.get $n7) (i32.const 1))
              (i32.or (f64.le (local.get $v7) (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n7) (i32.const 3)))))
                (i32.and (f64.ne (local.get $v7) (local.get $v7)) (i32.load8_u (i32.add (local.get $ml) (local.get $n7)))))) (i32.const 2)))))
            (local.set $d (i32.sub (local.get $d) (i32.const 1)))
            (br $stepK)))
        (i32.store offset=0 (local.get $leaves) (local.get $n0))
        (i32.store offset=4 (local.get $leaves) (local.get $n1))
        (i32.store offset=8 (local.get $leaves) (local.get $n2))
        (i32.store offset=12 (local.get $leaves) (local.get $n3))
        (i32.store offset=16 (local.get $leaves) (local.get $n4))
        (i32.store offset=20 (local.get $leaves) (local.get $n5))
        (i32.store offset=24 (local.get $leaves) (local.get $n6))
        (i32.store offset=28 (local.get $leaves) (local.get $n7))
        (local.set $leaves (i32.add (local.get $leaves) (i32.const 32)))
        (local.set $x0 (i32.add (local.get $x7) (local.get $rowBytes)))
        (br $rowsK)))
    ;; the last rows % 8 one at a time
    (block $done
      (loop $row
        (br_if $done (i32.ge_u (local.get $leaves) (local.get $end)))
        (local.set $n0 (local.get $root))
        (local.set $d (local.get $depth))
        (block $leaf
          (loop $step
            (br_if $leaf (i32.eqz (local.get $d)))
            (local.set $v0 (f64.load (i32.add (local.get $x0) (i32.load (i32.add (local.get $feat) (i32.shl (local.get $n0) (i32.const 2)))))))
            (local.set $n0 (i32.load (i32.add (local.get $child) (i32.shl (i32.or (i32.shl (local.get $n0) (i32.const 1))
              (i32.or (f64.le (local.get $v0) (f64.load (i32.add (local.get $thr) (i32.shl (local.get $n0) (i32.const 3)))))
                (i32.and (f64.ne (local.get $v0) (local.get $v0)) (i32.load8_u (i32.add (local.get $ml) (local.get $n0)))))) (i32.const 2)))))
            (local.set $d (i32.sub (local.get $d) (i32.const 1)))
            (br $step)))
        (i32.store (local.get $leaves) (local.get $n0))
        (local.set $leaves (i32.add (local.get $leaves) (i32.const 4)))
        (local.set $x0 (i32.add (local.get $x0) (local.get $rowBytes)))
        (br $row))))
)
