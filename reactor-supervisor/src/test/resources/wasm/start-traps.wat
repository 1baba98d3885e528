;; The module's start function hits unreachable while the instance is being created.
(module
  (memory (export "memory") 1 1)
  (func $start unreachable)
  (start $start)
  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64) (i64.const 0))
)
