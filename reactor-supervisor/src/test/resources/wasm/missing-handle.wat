(module
  (memory (export "memory") 1 1)
  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
)
