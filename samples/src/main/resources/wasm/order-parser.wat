;; The `parse` component of the samples: checks one order line and normalizes it.
;;
;; ABI (see the io.reactorsupervisor.wasm package): exports `memory`, `alloc(len) -> ptr`
;; and `handle(ptr, len) -> (replyPtr << 32) | replyLen`.
;;
;; An order line is `id,sku,qty`: id digits, a non-empty sku, qty 1 to 4 digits.
;; The reply is the line with its sku upper-cased (`17,kiwi,2` -> `17,KIWI,2`), or
;; `ERR <reason>` for a line that breaks those rules: a normal reply, not a crash.
;;
;; A byte below 0x20 (a control character) is input this parser was written never to
;; see: it executes `unreachable`, as a Rust `panic!` would, and the host gets a trap.
;; That is the poison input of the demo; the trap throws this instance's memory away
;; and nothing else.
;;
;; A line longer than 1024 bytes gets `ERR line too long`. The host (OrderParser.handler)
;; refuses such a line before copying it in, and the module (maxMessageBytes) refuses any
;; message longer than the 48 KiB message buffer: a longer one would not fit in this one
;; page of memory.
(module
  (memory (export "memory") 1 1)

  ;; 0..255: reply texts; 8192..: reply buffer; 16384..: message buffer (alloc)
  (data (i32.const 0)   "ERR expected id,sku,qty")        ;; 23 bytes
  (data (i32.const 32)  "ERR id must be digits")          ;; 21 bytes
  (data (i32.const 64)  "ERR sku must not be empty")      ;; 25 bytes
  (data (i32.const 96)  "ERR qty must be 1 to 4 digits")  ;; 29 bytes
  (data (i32.const 128) "ERR line too long")              ;; 17 bytes

  (func $pack (param $ptr i32) (param $len i32) (result i64)
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
      (i64.extend_i32_u (local.get $len))))

  (func $isDigit (param $b i32) (result i32)
    (i32.and
      (i32.ge_u (local.get $b) (i32.const 0x30))
      (i32.le_u (local.get $b) (i32.const 0x39))))

  ;; Every message goes to the same buffer: one message at a time, as a component works.
  (func (export "alloc") (param $len i32) (result i32)
    (i32.const 16384))

  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (local $i i32) (local $b i32) (local $field i32)
    (local $idLen i32) (local $skuLen i32) (local $qtyLen i32)

    (if (i32.gt_u (local.get $len) (i32.const 1024))
      (then (return (call $pack (i32.const 128) (i32.const 17)))))

    (block $end
      (loop $next
        (br_if $end (i32.ge_u (local.get $i) (local.get $len)))
        (local.set $b (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))

        ;; the poison input: a control character
        (if (i32.lt_u (local.get $b) (i32.const 0x20))
          (then unreachable))

        (if (i32.eq (local.get $b) (i32.const 0x2c)) ;; ','
          (then
            (local.set $field (i32.add (local.get $field) (i32.const 1)))
            (if (i32.gt_u (local.get $field) (i32.const 2))
              (then (return (call $pack (i32.const 0) (i32.const 23))))))
          (else
            (if (i32.eqz (local.get $field))
              (then
                (if (i32.eqz (call $isDigit (local.get $b)))
                  (then (return (call $pack (i32.const 32) (i32.const 21)))))
                (local.set $idLen (i32.add (local.get $idLen) (i32.const 1)))))
            (if (i32.eq (local.get $field) (i32.const 1))
              (then
                ;; upper-case a..z
                (if (i32.and
                      (i32.ge_u (local.get $b) (i32.const 0x61))
                      (i32.le_u (local.get $b) (i32.const 0x7a)))
                  (then (local.set $b (i32.sub (local.get $b) (i32.const 0x20)))))
                (local.set $skuLen (i32.add (local.get $skuLen) (i32.const 1)))))
            (if (i32.eq (local.get $field) (i32.const 2))
              (then
                (if (i32.eqz (call $isDigit (local.get $b)))
                  (then (return (call $pack (i32.const 96) (i32.const 29)))))
                (local.set $qtyLen (i32.add (local.get $qtyLen) (i32.const 1)))))))

        (i32.store8 (i32.add (i32.const 8192) (local.get $i)) (local.get $b))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))

    (if (i32.ne (local.get $field) (i32.const 2))
      (then (return (call $pack (i32.const 0) (i32.const 23)))))
    (if (i32.eqz (local.get $idLen))
      (then (return (call $pack (i32.const 32) (i32.const 21)))))
    (if (i32.eqz (local.get $skuLen))
      (then (return (call $pack (i32.const 64) (i32.const 25)))))
    (if (i32.or (i32.eqz (local.get $qtyLen)) (i32.gt_u (local.get $qtyLen) (i32.const 4)))
      (then (return (call $pack (i32.const 96) (i32.const 29)))))
    (call $pack (i32.const 8192) (local.get $len)))
)
