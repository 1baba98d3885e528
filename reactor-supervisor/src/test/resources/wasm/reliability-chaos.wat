;; The guest of the reliability tests: echoes its message, unless the first byte says to crash.
;;   '!' traps (unreachable)        '^' recurses until the call stack is exhausted
;;   '~' loops forever (the time budget stops it)
;; Memory layout: 1024.. the message buffer alloc hands out, 32768.. the reply buffer.
(module
  (memory (export "memory") 1 1)

  (func $pack (param $ptr i32) (param $len i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
      (i64.extend_i32_u (local.get $len))))

  (func $recurse (param $depth i32) (result i32)
    (i32.add (i32.const 1) (call $recurse (i32.add (local.get $depth) (i32.const 1)))))

  (func (export "alloc") (param $len i32) (result i32)
    (i32.const 1024))

  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (local $first i32)
    (if (i32.gt_u (local.get $len) (i32.const 0))
      (then
        (local.set $first (i32.load8_u (local.get $ptr)))
        (if (i32.eq (local.get $first) (i32.const 33)) (then unreachable))
        (if (i32.eq (local.get $first) (i32.const 94)) (then (drop (call $recurse (i32.const 0)))))
        (if (i32.eq (local.get $first) (i32.const 126)) (then (loop $forever (br $forever))))))
    (memory.copy (i32.const 32768) (local.get $ptr) (local.get $len))
    (call $pack (i32.const 32768) (local.get $len)))
)
