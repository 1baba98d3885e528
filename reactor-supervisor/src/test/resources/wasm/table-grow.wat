;; A hostile guest that grows its table. Declares a table of 1 entry, no maximum.
;; "handle" grows it by the entry count in the message (4 bytes little-endian) and
;; replies with what table.grow returned (the old size, or -1); "size" replies with
;; table.size. Both reply 4 bytes little-endian.
(module
  (memory (export "memory") 1 1)
  (table $t 1 funcref)
  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (i32.store (i32.const 0) (table.grow $t (ref.null func) (i32.load (local.get $ptr))))
    (i64.const 4))
  (func (export "size") (param $ptr i32) (param $len i32) (result i64)
    (i32.store (i32.const 0) (table.size $t))
    (i64.const 4))
)
