;; A hostile guest whose declared table (20,000 entries) is above the default table cap.
(module
  (memory (export "memory") 1 1)
  (table $t 20000 funcref)
  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64) (i64.const 0))
)
