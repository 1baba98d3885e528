;; The start function asks the granted env.enter whether to spin, and if so never returns.
;; "handle" traps (unreachable), to make the component restart.
(module
  (import "env" "enter" (func $enter (result i32)))
  (memory (export "memory") 1 1)
  (func $start (if (call $enter) (then (loop $forever (br $forever)))))
  (start $start)
  (func (export "alloc") (param $len i32) (result i32) (i32.const 1024))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64) unreachable)
)
