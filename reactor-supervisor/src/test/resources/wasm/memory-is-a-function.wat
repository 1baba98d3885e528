;; Exports a function under the name "memory".
(module
  (memory 1 1)
  (func (export "memory") (result i32) (i32.const 0))
  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64) (i64.const 0))
)
