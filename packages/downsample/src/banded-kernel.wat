;; The inner loop of the banded product (banded.ts), in WebAssembly SIMD: two TRs share one pass
;; over the union of their word ranges, four words per step, two float64 columns per instruction
;; (pair64 on float64 rows; pair32 on float32 rows, widened to float64 as they are loaded, so the
;; copy of the features the kernel reads is half the size).
;; The arithmetic is the scalar kernel's (banded-kernel.ts pairKernelJs), operation for operation:
;;   a0[k] = a0[k] + (((w00·x0 + w01·x1) + w02·x2) + w03·x3)
;; with no fused multiply-add, so both give the same bits. Groups whose eight weights are all 0 are
;; skipped, groups where one TR's four weights are all 0 update the other TR's sums only (at the
;; ends of the pair's range, which only one of its TRs reaches), then the last (span mod 4) words
;; are added one at a time.
;;
;; finite32 / finite64 check the copied features for NaN and ±Infinity; signs32 splits float32 rows
;; into their negative and positive parts (Lanczos rectify); demote rounds float64 sums to float32.
;;
;; The bytes are embedded in banded-kernel-bytes.ts twice: as written (the module's own memory) and
;; with the memory line replaced by an imported shared memory (for the worker thread: banded-team.ts);
;; test/banded-kernel.test.ts assembles both with wabt and checks that they match. Every address is
;; a byte offset into the memory.
(module
  (memory (export "memory") 1)

  ;; pair64: float64 rows. x: first row of the pair's range (rows of `stride` float64, in time order)
  ;; width: columns to process (≤ stride); span: rows in the range
  ;; w: 2·span weights, TR 0's then TR 1's; a0, a1: width float64 each, overwritten
  (func $pair64 (export "pair64")
    (param $x i32) (param $stride i32) (param $width i32) (param $span i32)
    (param $w i32) (param $a0 i32) (param $a1 i32)
    (local $rowBytes i32) (local $vecBytes i32) (local $widthBytes i32)
    (local $p i32) (local $k i32) (local $wp i32) (local $wq i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $w00 f64) (local $w01 f64) (local $w02 f64) (local $w03 f64)
    (local $w10 f64) (local $w11 f64) (local $w12 f64) (local $w13 f64)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $y0 f64) (local $y1 f64) (local $y2 f64) (local $y3 f64)
    (local $z0 i32) (local $z1 i32) (local $acc i32)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 3)))
    (local.set $widthBytes (i32.shl (local.get $width) (i32.const 3)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $width) (i32.const -2)) (i32.const 3)))
    (memory.fill (local.get $a0) (i32.const 0) (local.get $widthBytes))
    (memory.fill (local.get $a1) (i32.const 0) (local.get $widthBytes))

    ;; Four words at a time.
    (block $groupsDone
      (loop $groups
        (br_if $groupsDone (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $span)))
        (local.set $wp (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3))))
        (local.set $wq (i32.add (local.get $wp) (i32.shl (local.get $span) (i32.const 3))))
        (local.set $w00 (f64.load offset=0 (local.get $wp)))
        (local.set $w01 (f64.load offset=8 (local.get $wp)))
        (local.set $w02 (f64.load offset=16 (local.get $wp)))
        (local.set $w03 (f64.load offset=24 (local.get $wp)))
        (local.set $w10 (f64.load offset=0 (local.get $wq)))
        (local.set $w11 (f64.load offset=8 (local.get $wq)))
        (local.set $w12 (f64.load offset=16 (local.get $wq)))
        (local.set $w13 (f64.load offset=24 (local.get $wq)))
        (local.set $z0
          (i32.and
            (i32.and (f64.eq (local.get $w00) (f64.const 0)) (f64.eq (local.get $w01) (f64.const 0)))
            (i32.and (f64.eq (local.get $w02) (f64.const 0)) (f64.eq (local.get $w03) (f64.const 0)))))
        (local.set $z1
          (i32.and
            (i32.and (f64.eq (local.get $w10) (f64.const 0)) (f64.eq (local.get $w11) (f64.const 0)))
            (i32.and (f64.eq (local.get $w12) (f64.const 0)) (f64.eq (local.get $w13) (f64.const 0)))))
        (if (i32.eqz (i32.or (local.get $z0) (local.get $z1)))
          (then
            (local.set $s00 (f64x2.splat (local.get $w00)))
            (local.set $s01 (f64x2.splat (local.get $w01)))
            (local.set $s02 (f64x2.splat (local.get $w02)))
            (local.set $s03 (f64x2.splat (local.get $w03)))
            (local.set $s10 (f64x2.splat (local.get $w10)))
            (local.set $s11 (f64x2.splat (local.get $w11)))
            (local.set $s12 (f64x2.splat (local.get $w12)))
            (local.set $s13 (f64x2.splat (local.get $w13)))
            (local.set $r0 (i32.add (local.get $x) (i32.mul (local.get $p) (local.get $rowBytes))))
            (local.set $r1 (i32.add (local.get $r0) (local.get $rowBytes)))
            (local.set $r2 (i32.add (local.get $r1) (local.get $rowBytes)))
            (local.set $r3 (i32.add (local.get $r2) (local.get $rowBytes)))
            (local.set $k (i32.const 0))
            (block $vecDone
              (loop $vec
                (br_if $vecDone (i32.ge_u (local.get $k) (local.get $vecBytes)))
                (local.set $x0 (v128.load (i32.add (local.get $r0) (local.get $k))))
                (local.set $x1 (v128.load (i32.add (local.get $r1) (local.get $k))))
                (local.set $x2 (v128.load (i32.add (local.get $r2) (local.get $k))))
                (local.set $x3 (v128.load (i32.add (local.get $r3) (local.get $k))))
                (v128.store (i32.add (local.get $a0) (local.get $k))
                  (f64x2.add
                    (v128.load (i32.add (local.get $a0) (local.get $k)))
                    (f64x2.add
                      (f64x2.add
                        (f64x2.add (f64x2.mul (local.get $s00) (local.get $x0)) (f64x2.mul (local.get $s01) (local.get $x1)))
                        (f64x2.mul (local.get $s02) (local.get $x2)))
                      (f64x2.mul (local.get $s03) (local.get $x3)))))
                (v128.store (i32.add (local.get $a1) (local.get $k))
                  (f64x2.add
                    (v128.load (i32.add (local.get $a1) (local.get $k)))
                    (f64x2.add
                      (f64x2.add
                        (f64x2.add (f64x2.mul (local.get $s10) (local.get $x0)) (f64x2.mul (local.get $s11) (local.get $x1)))
                        (f64x2.mul (local.get $s12) (local.get $x2)))
                      (f64x2.mul (local.get $s13) (local.get $x3)))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $vec)))
            ;; An odd width leaves one column.
            (if (i32.lt_u (local.get $k) (local.get $widthBytes))
              (then
                (local.set $y0 (f64.load (i32.add (local.get $r0) (local.get $k))))
                (local.set $y1 (f64.load (i32.add (local.get $r1) (local.get $k))))
                (local.set $y2 (f64.load (i32.add (local.get $r2) (local.get $k))))
                (local.set $y3 (f64.load (i32.add (local.get $r3) (local.get $k))))
                (f64.store (i32.add (local.get $a0) (local.get $k))
                  (f64.add
                    (f64.load (i32.add (local.get $a0) (local.get $k)))
                    (f64.add
                      (f64.add
                        (f64.add (f64.mul (local.get $w00) (local.get $y0)) (f64.mul (local.get $w01) (local.get $y1)))
                        (f64.mul (local.get $w02) (local.get $y2)))
                      (f64.mul (local.get $w03) (local.get $y3)))))
                (f64.store (i32.add (local.get $a1) (local.get $k))
                  (f64.add
                    (f64.load (i32.add (local.get $a1) (local.get $k)))
                    (f64.add
                      (f64.add
                        (f64.add (f64.mul (local.get $w10) (local.get $y0)) (f64.mul (local.get $w11) (local.get $y1)))
                        (f64.mul (local.get $w12) (local.get $y2)))
                      (f64.mul (local.get $w13) (local.get $y3))))))))
          (else
            (if (i32.xor (local.get $z0) (local.get $z1))
              (then
                ;; One TR of the pair has only zero weights here: the other one alone (adding 0 would
                ;; leave its sums as they are: they start at +0 and never become −0).
                (local.set $acc (select (local.get $a1) (local.get $a0) (local.get $z0)))
                (local.set $w00 (select (local.get $w10) (local.get $w00) (local.get $z0)))
                (local.set $w01 (select (local.get $w11) (local.get $w01) (local.get $z0)))
                (local.set $w02 (select (local.get $w12) (local.get $w02) (local.get $z0)))
                (local.set $w03 (select (local.get $w13) (local.get $w03) (local.get $z0)))
                (local.set $s00 (f64x2.splat (local.get $w00)))
                (local.set $s01 (f64x2.splat (local.get $w01)))
                (local.set $s02 (f64x2.splat (local.get $w02)))
                (local.set $s03 (f64x2.splat (local.get $w03)))
                (local.set $r0 (i32.add (local.get $x) (i32.mul (local.get $p) (local.get $rowBytes))))
                (local.set $r1 (i32.add (local.get $r0) (local.get $rowBytes)))
                (local.set $r2 (i32.add (local.get $r1) (local.get $rowBytes)))
                (local.set $r3 (i32.add (local.get $r2) (local.get $rowBytes)))
                (local.set $k (i32.const 0))
                (block $vecDone
                  (loop $vec
                    (br_if $vecDone (i32.ge_u (local.get $k) (local.get $vecBytes)))
                    (local.set $x0 (v128.load (i32.add (local.get $r0) (local.get $k))))
                    (local.set $x1 (v128.load (i32.add (local.get $r1) (local.get $k))))
                    (local.set $x2 (v128.load (i32.add (local.get $r2) (local.get $k))))
                    (local.set $x3 (v128.load (i32.add (local.get $r3) (local.get $k))))
                    (v128.store (i32.add (local.get $acc) (local.get $k))
                      (f64x2.add
                        (v128.load (i32.add (local.get $acc) (local.get $k)))
                        (f64x2.add
                          (f64x2.add
                            (f64x2.add (f64x2.mul (local.get $s00) (local.get $x0)) (f64x2.mul (local.get $s01) (local.get $x1)))
                            (f64x2.mul (local.get $s02) (local.get $x2)))
                          (f64x2.mul (local.get $s03) (local.get $x3)))))
                    (local.set $k (i32.add (local.get $k) (i32.const 16)))
                    (br $vec)))
                ;; An odd width leaves one column.
                (if (i32.lt_u (local.get $k) (local.get $widthBytes))
                  (then
                    (local.set $y0 (f64.load (i32.add (local.get $r0) (local.get $k))))
                    (local.set $y1 (f64.load (i32.add (local.get $r1) (local.get $k))))
                    (local.set $y2 (f64.load (i32.add (local.get $r2) (local.get $k))))
                    (local.set $y3 (f64.load (i32.add (local.get $r3) (local.get $k))))
                    (f64.store (i32.add (local.get $acc) (local.get $k))
                      (f64.add
                        (f64.load (i32.add (local.get $acc) (local.get $k)))
                        (f64.add
                          (f64.add
                            (f64.add (f64.mul (local.get $w00) (local.get $y0)) (f64.mul (local.get $w01) (local.get $y1)))
                            (f64.mul (local.get $w02) (local.get $y2)))
                          (f64.mul (local.get $w03) (local.get $y3)))))))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $groups)))

    ;; The remaining words one at a time.
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_s (local.get $p) (local.get $span)))
        (local.set $wp (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3))))
        (local.set $w00 (f64.load (local.get $wp)))
        (local.set $w10 (f64.load (i32.add (local.get $wp) (i32.shl (local.get $span) (i32.const 3)))))
        (if
          (i32.eqz (i32.and (f64.eq (local.get $w00) (f64.const 0)) (f64.eq (local.get $w10) (f64.const 0))))
          (then
            (local.set $s00 (f64x2.splat (local.get $w00)))
            (local.set $s10 (f64x2.splat (local.get $w10)))
            (local.set $r0 (i32.add (local.get $x) (i32.mul (local.get $p) (local.get $rowBytes))))
            (local.set $k (i32.const 0))
            (block $vecDone
              (loop $vec
                (br_if $vecDone (i32.ge_u (local.get $k) (local.get $vecBytes)))
                (local.set $x0 (v128.load (i32.add (local.get $r0) (local.get $k))))
                (v128.store (i32.add (local.get $a0) (local.get $k))
                  (f64x2.add (v128.load (i32.add (local.get $a0) (local.get $k))) (f64x2.mul (local.get $s00) (local.get $x0))))
                (v128.store (i32.add (local.get $a1) (local.get $k))
                  (f64x2.add (v128.load (i32.add (local.get $a1) (local.get $k))) (f64x2.mul (local.get $s10) (local.get $x0))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $vec)))
            (if (i32.lt_u (local.get $k) (local.get $widthBytes))
              (then
                (local.set $y0 (f64.load (i32.add (local.get $r0) (local.get $k))))
                (f64.store (i32.add (local.get $a0) (local.get $k))
                  (f64.add (f64.load (i32.add (local.get $a0) (local.get $k))) (f64.mul (local.get $w00) (local.get $y0))))
                (f64.store (i32.add (local.get $a1) (local.get $k))
                  (f64.add (f64.load (i32.add (local.get $a1) (local.get $k))) (f64.mul (local.get $w10) (local.get $y0))))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $tail))))

  ;; pair32: the same on float32 rows, each value widened to float64 exactly as it is loaded.
  ;; width: columns to process (≤ stride); span: rows in the range
  ;; w: 2·span weights, TR 0's then TR 1's; a0, a1: width float64 each, overwritten
  (func $pair32 (export "pair32")
    (param $x i32) (param $stride i32) (param $width i32) (param $span i32)
    (param $w i32) (param $a0 i32) (param $a1 i32)
    (local $rowBytes i32) (local $vecBytes i32) (local $widthBytes i32)
    (local $p i32) (local $k i32) (local $wp i32) (local $wq i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $w00 f64) (local $w01 f64) (local $w02 f64) (local $w03 f64)
    (local $w10 f64) (local $w11 f64) (local $w12 f64) (local $w13 f64)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $y0 f64) (local $y1 f64) (local $y2 f64) (local $y3 f64)
    (local $z0 i32) (local $z1 i32) (local $acc i32)
    (local.set $rowBytes (i32.shl (local.get $stride) (i32.const 2)))
    (local.set $widthBytes (i32.shl (local.get $width) (i32.const 3)))
    (local.set $vecBytes (i32.shl (i32.and (local.get $width) (i32.const -2)) (i32.const 3)))
    (memory.fill (local.get $a0) (i32.const 0) (local.get $widthBytes))
    (memory.fill (local.get $a1) (i32.const 0) (local.get $widthBytes))

    ;; Four words at a time.
    (block $groupsDone
      (loop $groups
        (br_if $groupsDone (i32.gt_s (i32.add (local.get $p) (i32.const 4)) (local.get $span)))
        (local.set $wp (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3))))
        (local.set $wq (i32.add (local.get $wp) (i32.shl (local.get $span) (i32.const 3))))
        (local.set $w00 (f64.load offset=0 (local.get $wp)))
        (local.set $w01 (f64.load offset=8 (local.get $wp)))
        (local.set $w02 (f64.load offset=16 (local.get $wp)))
        (local.set $w03 (f64.load offset=24 (local.get $wp)))
        (local.set $w10 (f64.load offset=0 (local.get $wq)))
        (local.set $w11 (f64.load offset=8 (local.get $wq)))
        (local.set $w12 (f64.load offset=16 (local.get $wq)))
        (local.set $w13 (f64.load offset=24 (local.get $wq)))
        (local.set $z0
          (i32.and
            (i32.and (f64.eq (local.get $w00) (f64.const 0)) (f64.eq (local.get $w01) (f64.const 0)))
            (i32.and (f64.eq (local.get $w02) (f64.const 0)) (f64.eq (local.get $w03) (f64.const 0)))))
        (local.set $z1
          (i32.and
            (i32.and (f64.eq (local.get $w10) (f64.const 0)) (f64.eq (local.get $w11) (f64.const 0)))
            (i32.and (f64.eq (local.get $w12) (f64.const 0)) (f64.eq (local.get $w13) (f64.const 0)))))
        (if (i32.eqz (i32.or (local.get $z0) (local.get $z1)))
          (then
            (local.set $s00 (f64x2.splat (local.get $w00)))
            (local.set $s01 (f64x2.splat (local.get $w01)))
            (local.set $s02 (f64x2.splat (local.get $w02)))
            (local.set $s03 (f64x2.splat (local.get $w03)))
            (local.set $s10 (f64x2.splat (local.get $w10)))
            (local.set $s11 (f64x2.splat (local.get $w11)))
            (local.set $s12 (f64x2.splat (local.get $w12)))
            (local.set $s13 (f64x2.splat (local.get $w13)))
            (local.set $r0 (i32.add (local.get $x) (i32.mul (local.get $p) (local.get $rowBytes))))
            (local.set $r1 (i32.add (local.get $r0) (local.get $rowBytes)))
            (local.set $r2 (i32.add (local.get $r1) (local.get $rowBytes)))
            (local.set $r3 (i32.add (local.get $r2) (local.get $rowBytes)))
            (local.set $k (i32.const 0))
            (block $vecDone
              (loop $vec
                (br_if $vecDone (i32.ge_u (local.get $k) (local.get $vecBytes)))
                (local.set $x0 (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $r0) (i32.shr_u (local.get $k) (i32.const 1))))))
                (local.set $x1 (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $r1) (i32.shr_u (local.get $k) (i32.const 1))))))
                (local.set $x2 (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $r2) (i32.shr_u (local.get $k) (i32.const 1))))))
                (local.set $x3 (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $r3) (i32.shr_u (local.get $k) (i32.const 1))))))
                (v128.store (i32.add (local.get $a0) (local.get $k))
                  (f64x2.add
                    (v128.load (i32.add (local.get $a0) (local.get $k)))
                    (f64x2.add
                      (f64x2.add
                        (f64x2.add (f64x2.mul (local.get $s00) (local.get $x0)) (f64x2.mul (local.get $s01) (local.get $x1)))
                        (f64x2.mul (local.get $s02) (local.get $x2)))
                      (f64x2.mul (local.get $s03) (local.get $x3)))))
                (v128.store (i32.add (local.get $a1) (local.get $k))
                  (f64x2.add
                    (v128.load (i32.add (local.get $a1) (local.get $k)))
                    (f64x2.add
                      (f64x2.add
                        (f64x2.add (f64x2.mul (local.get $s10) (local.get $x0)) (f64x2.mul (local.get $s11) (local.get $x1)))
                        (f64x2.mul (local.get $s12) (local.get $x2)))
                      (f64x2.mul (local.get $s13) (local.get $x3)))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $vec)))
            ;; An odd width leaves one column.
            (if (i32.lt_u (local.get $k) (local.get $widthBytes))
              (then
                (local.set $y0 (f64.promote_f32 (f32.load (i32.add (local.get $r0) (i32.shr_u (local.get $k) (i32.const 1))))))
                (local.set $y1 (f64.promote_f32 (f32.load (i32.add (local.get $r1) (i32.shr_u (local.get $k) (i32.const 1))))))
                (local.set $y2 (f64.promote_f32 (f32.load (i32.add (local.get $r2) (i32.shr_u (local.get $k) (i32.const 1))))))
                (local.set $y3 (f64.promote_f32 (f32.load (i32.add (local.get $r3) (i32.shr_u (local.get $k) (i32.const 1))))))
                (f64.store (i32.add (local.get $a0) (local.get $k))
                  (f64.add
                    (f64.load (i32.add (local.get $a0) (local.get $k)))
                    (f64.add
                      (f64.add
                        (f64.add (f64.mul (local.get $w00) (local.get $y0)) (f64.mul (local.get $w01) (local.get $y1)))
                        (f64.mul (local.get $w02) (local.get $y2)))
                      (f64.mul (local.get $w03) (local.get $y3)))))
                (f64.store (i32.add (local.get $a1) (local.get $k))
                  (f64.add
                    (f64.load (i32.add (local.get $a1) (local.get $k)))
                    (f64.add
                      (f64.add
                        (f64.add (f64.mul (local.get $w10) (local.get $y0)) (f64.mul (local.get $w11) (local.get $y1)))
                        (f64.mul (local.get $w12) (local.get $y2)))
                      (f64.mul (local.get $w13) (local.get $y3))))))))
          (else
            (if (i32.xor (local.get $z0) (local.get $z1))
              (then
                ;; One TR of the pair has only zero weights here: the other one alone (adding 0 would
                ;; leave its sums as they are: they start at +0 and never become −0).
                (local.set $acc (select (local.get $a1) (local.get $a0) (local.get $z0)))
                (local.set $w00 (select (local.get $w10) (local.get $w00) (local.get $z0)))
                (local.set $w01 (select (local.get $w11) (local.get $w01) (local.get $z0)))
                (local.set $w02 (select (local.get $w12) (local.get $w02) (local.get $z0)))
                (local.set $w03 (select (local.get $w13) (local.get $w03) (local.get $z0)))
                (local.set $s00 (f64x2.splat (local.get $w00)))
                (local.set $s01 (f64x2.splat (local.get $w01)))
                (local.set $s02 (f64x2.splat (local.get $w02)))
                (local.set $s03 (f64x2.splat (local.get $w03)))
                (local.set $r0 (i32.add (local.get $x) (i32.mul (local.get $p) (local.get $rowBytes))))
                (local.set $r1 (i32.add (local.get $r0) (local.get $rowBytes)))
                (local.set $r2 (i32.add (local.get $r1) (local.get $rowBytes)))
                (local.set $r3 (i32.add (local.get $r2) (local.get $rowBytes)))
                (local.set $k (i32.const 0))
                (block $vecDone
                  (loop $vec
                    (br_if $vecDone (i32.ge_u (local.get $k) (local.get $vecBytes)))
                    (local.set $x0 (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $r0) (i32.shr_u (local.get $k) (i32.const 1))))))
                    (local.set $x1 (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $r1) (i32.shr_u (local.get $k) (i32.const 1))))))
                    (local.set $x2 (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $r2) (i32.shr_u (local.get $k) (i32.const 1))))))
                    (local.set $x3 (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $r3) (i32.shr_u (local.get $k) (i32.const 1))))))
                    (v128.store (i32.add (local.get $acc) (local.get $k))
                      (f64x2.add
                        (v128.load (i32.add (local.get $acc) (local.get $k)))
                        (f64x2.add
                          (f64x2.add
                            (f64x2.add (f64x2.mul (local.get $s00) (local.get $x0)) (f64x2.mul (local.get $s01) (local.get $x1)))
                            (f64x2.mul (local.get $s02) (local.get $x2)))
                          (f64x2.mul (local.get $s03) (local.get $x3)))))
                    (local.set $k (i32.add (local.get $k) (i32.const 16)))
                    (br $vec)))
                ;; An odd width leaves one column.
                (if (i32.lt_u (local.get $k) (local.get $widthBytes))
                  (then
                    (local.set $y0 (f64.promote_f32 (f32.load (i32.add (local.get $r0) (i32.shr_u (local.get $k) (i32.const 1))))))
                    (local.set $y1 (f64.promote_f32 (f32.load (i32.add (local.get $r1) (i32.shr_u (local.get $k) (i32.const 1))))))
                    (local.set $y2 (f64.promote_f32 (f32.load (i32.add (local.get $r2) (i32.shr_u (local.get $k) (i32.const 1))))))
                    (local.set $y3 (f64.promote_f32 (f32.load (i32.add (local.get $r3) (i32.shr_u (local.get $k) (i32.const 1))))))
                    (f64.store (i32.add (local.get $acc) (local.get $k))
                      (f64.add
                        (f64.load (i32.add (local.get $acc) (local.get $k)))
                        (f64.add
                          (f64.add
                            (f64.add (f64.mul (local.get $w00) (local.get $y0)) (f64.mul (local.get $w01) (local.get $y1)))
                            (f64.mul (local.get $w02) (local.get $y2)))
                          (f64.mul (local.get $w03) (local.get $y3)))))))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $groups)))

    ;; The remaining words one at a time.
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_s (local.get $p) (local.get $span)))
        (local.set $wp (i32.add (local.get $w) (i32.shl (local.get $p) (i32.const 3))))
        (local.set $w00 (f64.load (local.get $wp)))
        (local.set $w10 (f64.load (i32.add (local.get $wp) (i32.shl (local.get $span) (i32.const 3)))))
        (if
          (i32.eqz (i32.and (f64.eq (local.get $w00) (f64.const 0)) (f64.eq (local.get $w10) (f64.const 0))))
          (then
            (local.set $s00 (f64x2.splat (local.get $w00)))
            (local.set $s10 (f64x2.splat (local.get $w10)))
            (local.set $r0 (i32.add (local.get $x) (i32.mul (local.get $p) (local.get $rowBytes))))
            (local.set $k (i32.const 0))
            (block $vecDone
              (loop $vec
                (br_if $vecDone (i32.ge_u (local.get $k) (local.get $vecBytes)))
                (local.set $x0 (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $r0) (i32.shr_u (local.get $k) (i32.const 1))))))
                (v128.store (i32.add (local.get $a0) (local.get $k))
                  (f64x2.add (v128.load (i32.add (local.get $a0) (local.get $k))) (f64x2.mul (local.get $s00) (local.get $x0))))
                (v128.store (i32.add (local.get $a1) (local.get $k))
                  (f64x2.add (v128.load (i32.add (local.get $a1) (local.get $k))) (f64x2.mul (local.get $s10) (local.get $x0))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $vec)))
            (if (i32.lt_u (local.get $k) (local.get $widthBytes))
              (then
                (local.set $y0 (f64.promote_f32 (f32.load (i32.add (local.get $r0) (i32.shr_u (local.get $k) (i32.const 1))))))
                (f64.store (i32.add (local.get $a0) (local.get $k))
                  (f64.add (f64.load (i32.add (local.get $a0) (local.get $k))) (f64.mul (local.get $w00) (local.get $y0))))
                (f64.store (i32.add (local.get $a1) (local.get $k))
                  (f64.add (f64.load (i32.add (local.get $a1) (local.get $k))) (f64.mul (local.get $w10) (local.get $y0))))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $tail))))

  ;; Lanczos rectify: each of `rows` float32 rows of `width` at `src` becomes the row of 2·width
  ;; at `dst` holding [min(x, 0) | max(x, 0)] (np.clip), written as x < 0 ? x : 0 and x > 0 ? x : 0
  ;; so that −0 gives +0 as in the scalar copy.
  (func (export "signs32") (param $src i32) (param $dst i32) (param $rows i32) (param $width i32)
    (local $r i32) (local $k i32) (local $end4 i32) (local $s i32) (local $d i32) (local $v v128) (local $x f32)
    (local.set $end4 (i32.shl (i32.and (local.get $width) (i32.const -4)) (i32.const 2)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $r) (i32.shl (local.get $width) (i32.const 2)))))
        (local.set $d (i32.add (local.get $dst) (i32.mul (local.get $r) (i32.shl (local.get $width) (i32.const 3)))))
        (local.set $k (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $k) (local.get $end4)))
            (local.set $v (v128.load (i32.add (local.get $s) (local.get $k))))
            (v128.store (i32.add (local.get $d) (local.get $k))
              (v128.and (local.get $v) (f32x4.lt (local.get $v) (v128.const f32x4 0 0 0 0))))
            (v128.store (i32.add (i32.add (local.get $d) (i32.shl (local.get $width) (i32.const 2))) (local.get $k))
              (v128.and (local.get $v) (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $vec)))
        (block $tailDone
          (loop $tailLoop
            (br_if $tailDone (i32.ge_u (local.get $k) (i32.shl (local.get $width) (i32.const 2))))
            (local.set $x (f32.load (i32.add (local.get $s) (local.get $k))))
            (f32.store (i32.add (local.get $d) (local.get $k))
              (select (local.get $x) (f32.const 0) (f32.lt (local.get $x) (f32.const 0))))
            (f32.store (i32.add (i32.add (local.get $d) (i32.shl (local.get $width) (i32.const 2))) (local.get $k))
              (select (local.get $x) (f32.const 0) (f32.gt (local.get $x) (f32.const 0))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $tailLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; demote: the `count` float64 at `src` rounded to float32 (to nearest even, as a Float32Array
  ;; store rounds) at `dst`, four per step, so that float32 results leave the kernel's memory by a
  ;; plain copy.
  (func $demote (export "demote") (param $src i32) (param $dst i32) (param $count i32)
    (local $i i32) (local $end4 i32) (local $s i32)
    (local.set $end4 (i32.and (local.get $count) (i32.const -4)))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $s (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 3))))
        (v128.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (v128.load offset=0 (local.get $s)))
            (f32x4.demote_f64x2_zero (v128.load offset=16 (local.get $s)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
    (block $tailDone
      (loop $tailLoop
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $count)))
        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 2)))
          (f32.demote_f64 (f64.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 3))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tailLoop))))

  ;; unit: every weight set of TR pair `q` of a job (banded.ts, with a worker thread), so that the
  ;; caller and the worker run the same code. The job at `job` holds i32 fields: 0 float32 rows (1)
  ;; or float64 (0); 4 width (values per row); 8 sets; 12 the table address; 16 bytes between the
  ;; sets' output rows; 20 the same for their float32 copies (0: none). Table entry q (20 bytes):
  ;; the first source row of the pair's range, its span, set 0's weights (TR 0's then TR 1's, each
  ;; set 2·span after the previous), set 0's output row of TR 0 (TR 1's follows it), and where the
  ;; float32 copy of both rows goes. With `acc` ≠ 0 the sums of every set go to the two rows at
  ;; `acc` instead (the thread's own, reused while they are in cache) and only their float32 copies
  ;; stay.
  (func (export "unit") (param $job i32) (param $q i32) (param $acc i32)
    (local $f32 i32) (local $width i32) (local $sets i32) (local $e i32) (local $outStride i32)
    (local $o32Stride i32) (local $x i32) (local $span i32) (local $w i32) (local $a i32) (local $o i32)
    (local $rowBytes i32) (local $set i32)
    (local.set $f32 (i32.load offset=0 (local.get $job)))
    (local.set $width (i32.load offset=4 (local.get $job)))
    (local.set $sets (i32.load offset=8 (local.get $job)))
    (local.set $e (i32.add (i32.load offset=12 (local.get $job)) (i32.mul (local.get $q) (i32.const 20))))
    (local.set $outStride (i32.load offset=16 (local.get $job)))
    (local.set $o32Stride (i32.load offset=20 (local.get $job)))
    (local.set $x (i32.load offset=0 (local.get $e)))
    (local.set $span (i32.load offset=4 (local.get $e)))
    (local.set $w (i32.load offset=8 (local.get $e)))
    (local.set $a (i32.load offset=12 (local.get $e)))
    (local.set $o (i32.load offset=16 (local.get $e)))
    (local.set $rowBytes (i32.shl (local.get $width) (i32.const 3)))
    (if (local.get $acc)
      (then
        (local.set $a (local.get $acc))
        (local.set $outStride (i32.const 0))))
    (block $setsDone
      (loop $setLoop
        (br_if $setsDone (i32.ge_u (local.get $set) (local.get $sets)))
        (if (i32.gt_s (local.get $span) (i32.const 0))
          (then
            (if (local.get $f32)
              (then
                (call $pair32 (local.get $x) (local.get $width) (local.get $width) (local.get $span)
                  (local.get $w) (local.get $a) (i32.add (local.get $a) (local.get $rowBytes))))
              (else
                (call $pair64 (local.get $x) (local.get $width) (local.get $width) (local.get $span)
                  (local.get $w) (local.get $a) (i32.add (local.get $a) (local.get $rowBytes))))))
          (else (memory.fill (local.get $a) (i32.const 0) (i32.shl (local.get $rowBytes) (i32.const 1)))))
        (if (local.get $o32Stride)
          (then (call $demote (local.get $a) (local.get $o) (i32.shl (local.get $width) (i32.const 1)))))
        (local.set $w (i32.add (local.get $w) (i32.shl (local.get $span) (i32.const 4))))
        (local.set $a (i32.add (local.get $a) (local.get $outStride)))
        (local.set $o (i32.add (local.get $o) (local.get $o32Stride)))
        (local.set $set (i32.add (local.get $set) (i32.const 1)))
        (br $setLoop))))

  ;; Returns 1 when the `count` float32 at `ptr` are all finite: the largest magnitude bit pattern
  ;; (sign cleared) stays below 0x7f800000, the exponent of ±Infinity and NaN. Sixteen values per
  ;; step into two running maxima (integer max: one-cycle latency, so the loop is not held up by a
  ;; chain of dependent float adds, as an `x − x` sum was).
  (func (export "finite32") (param $ptr i32) (param $count i32) (result i32)
    (local $i i32) (local $end16 i32) (local $p i32) (local $m0 v128) (local $m1 v128) (local $abs v128)
    (local $tail i32)
    (local.set $abs (v128.const i32x4 0x7fffffff 0x7fffffff 0x7fffffff 0x7fffffff))
    (local.set $end16 (i32.and (local.get $count) (i32.const -16)))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $i) (local.get $end16)))
        (local.set $p (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $m0 (i32x4.max_u (local.get $m0) (v128.and (v128.load offset=0 (local.get $p)) (local.get $abs))))
        (local.set $m1 (i32x4.max_u (local.get $m1) (v128.and (v128.load offset=16 (local.get $p)) (local.get $abs))))
        (local.set $m0 (i32x4.max_u (local.get $m0) (v128.and (v128.load offset=32 (local.get $p)) (local.get $abs))))
        (local.set $m1 (i32x4.max_u (local.get $m1) (v128.and (v128.load offset=48 (local.get $p)) (local.get $abs))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (block $tailDone
      (loop $tailLoop
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $tail
          (i32.or (local.get $tail)
            (i32.ge_u
              (i32.and (i32.load (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 0x7fffffff))
              (i32.const 0x7f800000))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $tailLoop)))
    (i32.and
      (i32.eqz (v128.any_true (i32x4.ge_u (i32x4.max_u (local.get $m0) (local.get $m1)) (v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000))))
      (i32.eqz (local.get $tail))))

  ;; Returns 1 when the `count` float64 at `ptr` are all finite.
  (func (export "finite64") (param $ptr i32) (param $count i32) (result i32)
    (local $i i32) (local $end2 i32) (local $v v128) (local $bad v128) (local $s f64) (local $tail f64)
    (local.set $end2 (i32.and (local.get $count) (i32.const -2)))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $i) (local.get $end2)))
        (local.set $v (v128.load (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $bad (f64x2.add (local.get $bad) (f64x2.sub (local.get $v) (local.get $v))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $vec)))
    (if (i32.lt_u (local.get $i) (local.get $count))
      (then
        (local.set $s (f64.load (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $tail (f64.sub (local.get $s) (local.get $s)))))
    (i32.and
      (i32.eqz (v128.any_true (f64x2.ne (local.get $bad) (v128.const f64x2 0 0))))
      (f64.eq (local.get $tail) (f64.const 0)))))

