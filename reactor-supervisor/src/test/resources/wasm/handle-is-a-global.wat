;; Exports a global under the handler's name.
(module
  (memory (export "memory") 1 1)
  (global (export "handle") i32 (i32.const 0))
  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
)
