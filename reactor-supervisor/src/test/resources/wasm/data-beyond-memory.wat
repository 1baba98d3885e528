;; A module that cannot fit its own memory: its second data segment (10 bytes at 65530)
;; ends past the one initial page.
(module
  (memory (export "memory") 1 4)
  (data (i32.const 0) "ok")
  (data (i32.const 65530) "0123456789")
  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64) (i64.const 0))
)
