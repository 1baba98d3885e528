;; Two tables of 10 entries each, no maximum: "handle" grows the first, "size" grows the second,
;; each by the entry count in the message, replying with what table.grow returned.
(module
  (memory (export "memory") 1 1)
  (table $a 10 funcref)
  (table $b 10 funcref)
  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (i32.store (i32.const 0) (table.grow $a (ref.null func) (i32.load (local.get $ptr))))
    (i64.const 4))
  (func (export "size") (param $ptr i32) (param $len i32) (result i64)
    (i32.store (i32.const 0) (table.grow $b (ref.null func) (i32.load (local.get $ptr))))
    (i64.const 4))
)
