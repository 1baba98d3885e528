;; alloc hands out an address whose message would run past the end of memory.
(module
  (memory (export "memory") 1 1)
  (func (export "alloc") (param $len i32) (result i32)
    (i32.const 65530))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (i64.const 0))
)
