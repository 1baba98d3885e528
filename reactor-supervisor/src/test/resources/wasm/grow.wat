;; Declares a maximum of 100 pages. "handle" grows memory by the page count in the
;; message (4 bytes little-endian) and replies with what memory.grow returned (the old
;; size, or -1); "size" replies with memory.size. Both reply 4 bytes little-endian.
(module
  (memory (export "memory") 1 100)
  (func (export "alloc") (param $len i32) (result i32)
    (i32.const 1024))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (i32.store (i32.const 0) (memory.grow (i32.load (local.get $ptr))))
    (i64.const 4))
  (func (export "size") (param $ptr i32) (param $len i32) (result i64)
    (i32.store (i32.const 0) (memory.size))
    (i64.const 4))
)
