(module
  (memory (export "memory") 1 1)
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64) (i64.const 0))
)
