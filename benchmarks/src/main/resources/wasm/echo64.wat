;; The guest of the WebAssembly benchmarks (the library's ABI, see io.reactorsupervisor.wasm).
;; handle copies the message into the reply buffer and replies with it; an empty message traps
;; (the crash of the restart benchmark). Memory: 1024.. message buffer, 32768.. reply buffer.
(module
  (memory (export "memory") 1 1)

  (func (export "alloc") (param $len i32) (result i32)
    (i32.const 1024))

  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (if (i32.eqz (local.get $len)) (then unreachable))
    (memory.copy (i32.const 32768) (local.get $ptr) (local.get $len))
    (i64.or
      (i64.shl (i64.const 32768) (i64.const 32))
      (i64.extend_i32_u (local.get $len))))
)
