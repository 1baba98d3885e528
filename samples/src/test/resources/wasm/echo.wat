;; Replies with the message it was sent.
(module
  (memory (export "memory") 1 1)

  ;; the host copies each message to the address alloc returns
  (func (export "alloc") (param $len i32) (result i32)
    (i32.const 1024))

  ;; the reply is packed into an i64: address in the high 32 bits, length in the low 32
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
      (i64.extend_i32_u (local.get $len))))
)
