;; As grow.wat, but the memory declares no maximum.
(module
  (memory (export "memory") 1)
  (func (export "alloc") (param $len i32) (result i32)
    (i32.const 1024))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (i32.store (i32.const 0) (memory.grow (i32.load (local.get $ptr))))
    (i64.const 4))
  (func (export "size") (param $ptr i32) (param $len i32) (result i64)
    (i32.store (i32.const 0) (memory.size))
    (i64.const 4))
)
