;; One handler export per way a guest can crash. The module has one page of memory.
(module
  (memory (export "memory") 1 1)

  (func $pack (param $ptr i32) (param $len i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
      (i64.extend_i32_u (local.get $len))))

  (func (export "alloc") (param $len i32) (result i32)
    (i32.const 1024))

  (func (export "unreachable") (param $ptr i32) (param $len i32) (result i64)
    unreachable)

  ;; Loads from 0xFFFFFFF0, far outside the 64 KiB memory.
  (func (export "outOfBounds") (param $ptr i32) (param $len i32) (result i64)
    (i64.extend_i32_u (i32.load (i32.const -16))))

  (func (export "divideByZero") (param $ptr i32) (param $len i32) (result i64)
    (i64.extend_i32_u (i32.div_s (local.get $len) (i32.const 0))))

  ;; INT_MIN / -1 does not fit in an i32.
  (func (export "integerOverflow") (param $ptr i32) (param $len i32) (result i64)
    (i64.extend_i32_u (i32.div_s (i32.const -2147483648) (i32.const -1))))

  (func (export "invalidConversion") (param $ptr i32) (param $len i32) (result i64)
    (i64.extend_i32_u (i32.trunc_f32_s (f32.const nan))))

  (func $recurse (param $depth i32) (result i32)
    (i32.add (i32.const 1) (call $recurse (i32.add (local.get $depth) (i32.const 1)))))

  (func (export "recurse") (param $ptr i32) (param $len i32) (result i64)
    (i64.extend_i32_u (call $recurse (i32.const 0))))

  ;; A reply that starts past the end of memory.
  (func (export "replyPastMemory") (param $ptr i32) (param $len i32) (result i64)
    (call $pack (i32.const 131072) (i32.const 4)))

  ;; A reply that starts inside memory but is longer than what is left.
  (func (export "replyTooLong") (param $ptr i32) (param $len i32) (result i64)
    (call $pack (i32.const 1024) (i32.const 65536)))

  ;; The largest packed value: address and length 0xFFFFFFFF.
  (func (export "replyAllOnes") (param $ptr i32) (param $len i32) (result i64)
    (i64.const -1))

  ;; No reply at all.
  (func (export "noReply") (param $ptr i32) (param $len i32) (result i64)
    (i64.const 0))

  ;; No reply either: length 0, at an address far outside memory.
  (func (export "noReplyFarAway") (param $ptr i32) (param $len i32) (result i64)
    (call $pack (i32.const -1) (i32.const 0)))

  (func (export "loop") (param $ptr i32) (param $len i32) (result i64)
    (loop $forever (br $forever))
    (i64.const 0))
)
