;; Calls one WASI function per message, chosen by the message's first byte, and replies with
;; 12 bytes: the errno (i32) then up to 8 bytes of result, from address 60.
;;   c  clock_time_get(realtime)         -> errno, time in ns (i64)
;;   r  random_get(8 bytes)              -> errno, the 8 bytes
;;   e  environ_sizes_get                -> errno, count (i32), size (i32)
;;   p  fd_prestat_get(3)                -> errno, prestat (tag, name length)
;;   o  path_open(3, rest of message)    -> errno, the new fd
;;   w  fd_write(1, rest of message)     -> errno, bytes written
;;   E  fd_write(2, rest of message)     -> errno, bytes written
;;   x  fd_close(1)                      -> errno
;;   s  poll_oneoff(one 10 s clock)      -> errno
;;   l  path_symlink("..", 3, rest)      -> errno
;;   H  fd_write(1, one iovec of 2 GiB - 16 bytes at 0)   (a lie: memory is 64 KiB)
(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1 1)
  (data (i32.const 512) "..")
  (func (export "alloc") (param $len i32) (result i32)
    (i32.const 1024))
  (func $write (param $fd i32) (param $ptr i32) (param $len i32) (result i32)
    (i32.store (i32.const 80) (i32.add (local.get $ptr) (i32.const 1)))
    (i32.store (i32.const 84) (i32.sub (local.get $len) (i32.const 1)))
    (call $fd_write (local.get $fd) (i32.const 80) (i32.const 1) (i32.const 64)))
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (local $op i32)
    (local $errno i32)
    (i64.store (i32.const 64) (i64.const 0))
    (local.set $op (i32.load8_u (local.get $ptr)))
    (local.set $errno (i32.const -1))
    (if (i32.eq (local.get $op) (i32.const 99)) ;; c
      (then (local.set $errno (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 64)))))
    (if (i32.eq (local.get $op) (i32.const 114)) ;; r
      (then (local.set $errno (call $random_get (i32.const 64) (i32.const 8)))))
    (if (i32.eq (local.get $op) (i32.const 101)) ;; e
      (then (local.set $errno (call $environ_sizes_get (i32.const 64) (i32.const 68)))))
    (if (i32.eq (local.get $op) (i32.const 112)) ;; p
      (then (local.set $errno (call $fd_prestat_get (i32.const 3) (i32.const 64)))))
    (if (i32.eq (local.get $op) (i32.const 111)) ;; o
      (then (local.set $errno (call $path_open (i32.const 3) (i32.const 0)
              (i32.add (local.get $ptr) (i32.const 1)) (i32.sub (local.get $len) (i32.const 1))
              (i32.const 0) (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 64)))))
    (if (i32.eq (local.get $op) (i32.const 119)) ;; w
      (then (local.set $errno (call $write (i32.const 1) (local.get $ptr) (local.get $len)))))
    (if (i32.eq (local.get $op) (i32.const 69)) ;; E
      (then (local.set $errno (call $write (i32.const 2) (local.get $ptr) (local.get $len)))))
    (if (i32.eq (local.get $op) (i32.const 120)) ;; x
      (then (local.set $errno (call $fd_close (i32.const 1)))))
    (if (i32.eq (local.get $op) (i32.const 115)) ;; s: subscription at 128, event at 256
      (then
        (memory.fill (i32.const 128) (i32.const 0) (i32.const 48))
        (i32.store (i32.const 144) (i32.const 1))                 ;; monotonic clock
        (i64.store (i32.const 152) (i64.const 10000000000))       ;; 10 s
        (local.set $errno (call $poll_oneoff (i32.const 128) (i32.const 256) (i32.const 1) (i32.const 64)))))
    (if (i32.eq (local.get $op) (i32.const 72)) ;; H
      (then
        (i32.store (i32.const 80) (i32.const 0))
        (i32.store (i32.const 84) (i32.const 0x7ffffff0))
        (local.set $errno (call $fd_write (i32.const 1) (i32.const 80) (i32.const 1) (i32.const 64)))))
    (if (i32.eq (local.get $op) (i32.const 108)) ;; l
      (then (local.set $errno (call $path_symlink (i32.const 512) (i32.const 2) (i32.const 3)
              (i32.add (local.get $ptr) (i32.const 1)) (i32.sub (local.get $len) (i32.const 1))))))
    (i32.store (i32.const 60) (local.get $errno))
    (i64.const 0x0000003c0000000c)))
