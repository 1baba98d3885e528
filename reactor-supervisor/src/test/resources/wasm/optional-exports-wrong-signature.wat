;; init returns a value and health takes one: both break the ABI.
(module
  (memory (export "memory") 1 1)
  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64) (i64.const 0))
  (func (export "init") (result i32) (i32.const 0))
  (func (export "health") (param i32) (result i32) (i32.const 1))
)
