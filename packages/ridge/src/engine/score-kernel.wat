;; Inner loops of the batch scoring (batch-scores.ts), two voxels per SIMD step: running sums
;; over the rows of a float32 block (rows × b, row-major) about per-voxel shifts, into float64
;; accumulators of length b. The same operations per element and in the same order as the
;; TypeScript loops of batch-scores.ts (float32 promoted exactly, no fused multiply-add), so the
;; same bits. Addresses are byte offsets into the imported memory.
;;   ysums: dy = y − ky;  sy += dy;  syy += dy·dy
;;   psums: dp = p − kp;  dy = y − ky;  sp += dp;  spp += dp·dp;  spy += dp·dy
;;   cross: acc += (pm − km)·(pq − kq)
;; and two element-wise float32 loops of the batch (alpha-path.ts), four elements per step; a
;; float32 sum or difference rounds the same as TypeScript's float64 one stored to float32:
;;   add: acc[k] = acc[k] + x[k];   sub: out[k] = a[k] − b[k]   (k < n)
(module
  (import "env" "memory" (memory 1))
  (func (export "ysums")
    (param $y i32) (param $ky i32) (param $sy i32) (param $syy i32) (param $rows i32) (param $b i32)
    (local $i i32) (local $a i32) (local $end i32) (local $dv v128) (local $d f64)
    (local.set $end (i32.shl (i32.and (local.get $b) (i32.const -2)) (i32.const 3)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $a (i32.const 0))
        (block $pairsDone
          (loop $pair
            (br_if $pairsDone (i32.ge_u (local.get $a) (local.get $end)))
            (local.set $dv
              (f64x2.sub
                (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $y)))
                (v128.load align=8 (i32.add (local.get $ky) (local.get $a)))))
            (v128.store align=8 (i32.add (local.get $sy) (local.get $a))
              (f64x2.add (v128.load align=8 (i32.add (local.get $sy) (local.get $a))) (local.get $dv)))
            (v128.store align=8 (i32.add (local.get $syy) (local.get $a))
              (f64x2.add (v128.load align=8 (i32.add (local.get $syy) (local.get $a)))
                (f64x2.mul (local.get $dv) (local.get $dv))))
            (local.set $y (i32.add (local.get $y) (i32.const 8)))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (br $pair)))
        (if (i32.and (local.get $b) (i32.const 1))
          (then
            (local.set $d
              (f64.sub (f64.promote_f32 (f32.load (local.get $y))) (f64.load (i32.add (local.get $ky) (local.get $a)))))
            (f64.store (i32.add (local.get $sy) (local.get $a))
              (f64.add (f64.load (i32.add (local.get $sy) (local.get $a))) (local.get $d)))
            (f64.store (i32.add (local.get $syy) (local.get $a))
              (f64.add (f64.load (i32.add (local.get $syy) (local.get $a))) (f64.mul (local.get $d) (local.get $d))))
            (local.set $y (i32.add (local.get $y) (i32.const 4)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))
  (func (export "psums")
    (param $p i32) (param $y i32) (param $ky i32) (param $kp i32)
    (param $sp i32) (param $spp i32) (param $spy i32) (param $rows i32) (param $b i32)
    (local $i i32) (local $a i32) (local $end i32)
    (local $dp v128) (local $dy v128) (local $d f64) (local $e f64)
    (local.set $end (i32.shl (i32.and (local.get $b) (i32.const -2)) (i32.const 3)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $a (i32.const 0))
        (block $pairsDone
          (loop $pair
            (br_if $pairsDone (i32.ge_u (local.get $a) (local.get $end)))
            (local.set $dp
              (f64x2.sub
                (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p)))
                (v128.load align=8 (i32.add (local.get $kp) (local.get $a)))))
            (local.set $dy
              (f64x2.sub
                (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $y)))
                (v128.load align=8 (i32.add (local.get $ky) (local.get $a)))))
            (v128.store align=8 (i32.add (local.get $sp) (local.get $a))
              (f64x2.add (v128.load align=8 (i32.add (local.get $sp) (local.get $a))) (local.get $dp)))
            (v128.store align=8 (i32.add (local.get $spp) (local.get $a))
              (f64x2.add (v128.load align=8 (i32.add (local.get $spp) (local.get $a)))
                (f64x2.mul (local.get $dp) (local.get $dp))))
            (v128.store align=8 (i32.add (local.get $spy) (local.get $a))
              (f64x2.add (v128.load align=8 (i32.add (local.get $spy) (local.get $a)))
                (f64x2.mul (local.get $dp) (local.get $dy))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $y (i32.add (local.get $y) (i32.const 8)))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (br $pair)))
        (if (i32.and (local.get $b) (i32.const 1))
          (then
            (local.set $d
              (f64.sub (f64.promote_f32 (f32.load (local.get $p))) (f64.load (i32.add (local.get $kp) (local.get $a)))))
            (local.set $e
              (f64.sub (f64.promote_f32 (f32.load (local.get $y))) (f64.load (i32.add (local.get $ky) (local.get $a)))))
            (f64.store (i32.add (local.get $sp) (local.get $a))
              (f64.add (f64.load (i32.add (local.get $sp) (local.get $a))) (local.get $d)))
            (f64.store (i32.add (local.get $spp) (local.get $a))
              (f64.add (f64.load (i32.add (local.get $spp) (local.get $a))) (f64.mul (local.get $d) (local.get $d))))
            (f64.store (i32.add (local.get $spy) (local.get $a))
              (f64.add (f64.load (i32.add (local.get $spy) (local.get $a))) (f64.mul (local.get $d) (local.get $e))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $y (i32.add (local.get $y) (i32.const 4)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))
  (func (export "cross")
    (param $pm i32) (param $pq i32) (param $km i32) (param $kq i32) (param $acc i32) (param $rows i32) (param $b i32)
    (local $i i32) (local $a i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $b) (i32.const -2)) (i32.const 3)))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $a (i32.const 0))
        (block $pairsDone
          (loop $pair
            (br_if $pairsDone (i32.ge_u (local.get $a) (local.get $end)))
            (v128.store align=8 (i32.add (local.get $acc) (local.get $a))
              (f64x2.add (v128.load align=8 (i32.add (local.get $acc) (local.get $a)))
                (f64x2.mul
                  (f64x2.sub
                    (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $pm)))
                    (v128.load align=8 (i32.add (local.get $km) (local.get $a))))
                  (f64x2.sub
                    (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $pq)))
                    (v128.load align=8 (i32.add (local.get $kq) (local.get $a)))))))
            (local.set $pm (i32.add (local.get $pm) (i32.const 8)))
            (local.set $pq (i32.add (local.get $pq) (i32.const 8)))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (br $pair)))
        (if (i32.and (local.get $b) (i32.const 1))
          (then
            (f64.store (i32.add (local.get $acc) (local.get $a))
              (f64.add (f64.load (i32.add (local.get $acc) (local.get $a)))
                (f64.mul
                  (f64.sub (f64.promote_f32 (f32.load (local.get $pm))) (f64.load (i32.add (local.get $km) (local.get $a))))
                  (f64.sub (f64.promote_f32 (f32.load (local.get $pq))) (f64.load (i32.add (local.get $kq) (local.get $a)))))))
            (local.set $pm (i32.add (local.get $pm) (i32.const 4)))
            (local.set $pq (i32.add (local.get $pq) (i32.const 4)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))
  (func (export "add") (param $acc i32) (param $x i32) (param $n i32)
    (local $end i32) (local $last i32)
    (local.set $end (i32.add (local.get $acc) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $last (i32.add (local.get $acc) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $quadsDone
      (loop $quad
        (br_if $quadsDone (i32.ge_u (local.get $acc) (local.get $last)))
        (v128.store align=4 (local.get $acc)
          (f32x4.add (v128.load align=4 (local.get $acc)) (v128.load align=4 (local.get $x))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 16)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $quad)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $acc) (local.get $end)))
        (f32.store (local.get $acc) (f32.add (f32.load (local.get $acc)) (f32.load (local.get $x))))
        (local.set $acc (i32.add (local.get $acc) (i32.const 4)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $tail))))
  (func (export "sub") (param $out i32) (param $a i32) (param $b i32) (param $n i32)
    (local $end i32) (local $last i32)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $last (i32.add (local.get $out) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $quadsDone
      (loop $quad
        (br_if $quadsDone (i32.ge_u (local.get $out) (local.get $last)))
        (v128.store align=4 (local.get $out)
          (f32x4.sub (v128.load align=4 (local.get $a)) (v128.load align=4 (local.get $b))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $quad)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $out) (local.get $end)))
        (f32.store (local.get $out) (f32.sub (f32.load (local.get $a)) (f32.load (local.get $b))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $tail)))))
