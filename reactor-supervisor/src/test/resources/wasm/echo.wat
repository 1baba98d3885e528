;; The happy-path module of the ABI.
;; Memory layout: 0..3 call counter, 4..7 "sick" flag, 8..11 init marker,
;; 1024.. the message buffer alloc hands out, 32768.. the reply buffer.
(module
  (memory (export "memory") 1 2)

  (func $pack (param $ptr i32) (param $len i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
      (i64.extend_i32_u (local.get $len))))

  (func $bump
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1))))

  (func (export "alloc") (param $len i32) (result i32)
    (i32.const 1024))

  (func (export "init")
    (i32.store (i32.const 8) (i32.const 42)))

  (func (export "health") (result i32)
    (i32.eqz (i32.load (i32.const 4))))

  ;; Copies the message into the reply buffer and replies with it; counts the call.
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (call $bump)
    (memory.copy (i32.const 32768) (local.get $ptr) (local.get $len))
    (call $pack (i32.const 32768) (local.get $len)))

  ;; Counts the call and replies with the count, 4 bytes little-endian;
  ;; an empty message traps after counting.
  (func (export "count") (param $ptr i32) (param $len i32) (result i64)
    (call $bump)
    (if (i32.eqz (local.get $len)) (then unreachable))
    (call $pack (i32.const 0) (i32.const 4)))

  ;; Replies with the marker init wrote, 4 bytes little-endian.
  (func (export "initialized") (param $ptr i32) (param $len i32) (result i64)
    (call $pack (i32.const 8) (i32.const 4)))

  ;; Makes health() report unhealthy; no reply.
  (func (export "sicken") (param $ptr i32) (param $len i32) (result i64)
    (i32.store (i32.const 4) (i32.const 1))
    (i64.const 0))
)
