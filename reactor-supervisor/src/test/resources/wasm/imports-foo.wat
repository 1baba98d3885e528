;; Imports env.foo, which a test does not grant.
(module
  (import "env" "foo" (func $foo))
  (memory (export "memory") 1 1)
  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (call $foo)
    (i64.const 0))
)
