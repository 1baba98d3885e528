;; The guest of the supervision tests: a counter kept in linear memory, and one command per
;; way a guest can crash. A message is a UTF-8 command; only its first byte matters.
;; Every command first counts itself, so a trap always leaves a half-done update behind.
;;
;;   c  count          reply the counter, in decimal ("1", "2", ...)
;;   x  fresh only     reply the counter if this is the instance's first message, else unreachable
;;   h  sicken         health() answers 0 from now on; reply the counter
;;   g  grow           memory.grow by the digit in the second byte; reply what it returned ("-1" if refused)
;;   p  pages          reply memory.size
;;   u  unreachable    the unreachable instruction
;;   m  memory         a load far outside linear memory
;;   d  divide         integer division by zero
;;   o  overflow       INT_MIN / -1
;;   n  nan            a float-to-int truncation of NaN
;;   s  stack          unbounded recursion
;;   r  reply          a reply that lies outside linear memory
;;   l  loop           loops forever
;;   (anything else)   unreachable
;;
;; Memory layout: 0..3 counter, 4..7 "sick" flag, 1024.. message buffer, 32768.. reply buffer.
;; No declared maximum: the cap is the module's memoryLimitPages.
(module
  (memory (export "memory") 1)

  (func $pack (param $ptr i32) (param $len i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
      (i64.extend_i32_u (local.get $len))))

  ;; Writes $n in decimal at 32768 and returns the packed reply.
  (func $reply_int (param $n i32) (result i64)
    (local $neg i32) (local $len i32) (local $tmp i32) (local $i i32)
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then
        (local.set $neg (i32.const 1))
        (local.set $n (i32.sub (i32.const 0) (local.get $n)))))
    ;; count the digits
    (local.set $tmp (local.get $n))
    (local.set $len (i32.const 1))
    (block $done
      (loop $count
        (br_if $done (i32.lt_u (local.get $tmp) (i32.const 10)))
        (local.set $tmp (i32.div_u (local.get $tmp) (i32.const 10)))
        (local.set $len (i32.add (local.get $len) (i32.const 1)))
        (br $count)))
    (local.set $len (i32.add (local.get $len) (local.get $neg)))
    (if (local.get $neg)
      (then (i32.store8 (i32.const 32768) (i32.const 45)))) ;; '-'
    ;; write them from the last
    (local.set $i (local.get $len))
    (local.set $tmp (local.get $n))
    (loop $write
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8
        (i32.add (i32.const 32768) (local.get $i))
        (i32.add (i32.const 48) (i32.rem_u (local.get $tmp) (i32.const 10))))
      (local.set $tmp (i32.div_u (local.get $tmp) (i32.const 10)))
      (br_if $write (i32.gt_u (local.get $i) (local.get $neg))))
    (call $pack (i32.const 32768) (local.get $len)))

  (func $recurse (param $depth i32) (result i32)
    (i32.add (i32.const 1) (call $recurse (i32.add (local.get $depth) (i32.const 1)))))

  (func (export "alloc") (param $len i32) (result i32)
    (i32.const 1024))

  (func (export "health") (result i32)
    (i32.eqz (i32.load (i32.const 4))))

  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (local $cmd i32)
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (if (i32.eqz (local.get $len)) (then unreachable))
    (local.set $cmd (i32.load8_u (local.get $ptr)))

    (if (i32.eq (local.get $cmd) (i32.const 99)) ;; c
      (then (return (call $reply_int (i32.load (i32.const 0))))))
    (if (i32.eq (local.get $cmd) (i32.const 120)) ;; x
      (then
        (if (i32.ne (i32.load (i32.const 0)) (i32.const 1)) (then unreachable))
        (return (call $reply_int (i32.load (i32.const 0))))))
    (if (i32.eq (local.get $cmd) (i32.const 104)) ;; h
      (then
        (i32.store (i32.const 4) (i32.const 1))
        (return (call $reply_int (i32.load (i32.const 0))))))
    (if (i32.eq (local.get $cmd) (i32.const 103)) ;; g
      (then
        (return (call $reply_int
          (memory.grow (i32.sub (i32.load8_u (i32.add (local.get $ptr) (i32.const 1))) (i32.const 48)))))))
    (if (i32.eq (local.get $cmd) (i32.const 112)) ;; p
      (then (return (call $reply_int (memory.size)))))
    (if (i32.eq (local.get $cmd) (i32.const 109)) ;; m
      (then (return (i64.extend_i32_u (i32.load (i32.const -16))))))
    (if (i32.eq (local.get $cmd) (i32.const 100)) ;; d
      (then (return (i64.extend_i32_u (i32.div_s (local.get $len) (i32.const 0))))))
    (if (i32.eq (local.get $cmd) (i32.const 111)) ;; o
      (then (return (i64.extend_i32_u (i32.div_s (i32.const -2147483648) (i32.const -1))))))
    (if (i32.eq (local.get $cmd) (i32.const 110)) ;; n
      (then (return (i64.extend_i32_u (i32.trunc_f32_s (f32.const nan))))))
    (if (i32.eq (local.get $cmd) (i32.const 115)) ;; s
      (then (return (i64.extend_i32_u (call $recurse (i32.const 0))))))
    (if (i32.eq (local.get $cmd) (i32.const 114)) ;; r
      (then (return (call $pack (i32.const 131072) (i32.const 4)))))
    (if (i32.eq (local.get $cmd) (i32.const 108)) ;; l
      (then (loop $forever (br $forever))))
    unreachable)
)
