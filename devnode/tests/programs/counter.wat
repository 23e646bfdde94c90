;; The smallest useful Stylus program: increments slot 0 on every call and returns the new value.
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    ;; key at 0 (zero), value at 32
    (call $load (i32.const 0) (i32.const 32))
    ;; increment the last (least significant) byte of the big-endian word (mod 256)
    (i32.store8 (i32.const 63)
      (i32.add (i32.const 1) (i32.load8_u (i32.const 63))))
    (call $cache (i32.const 0) (i32.const 32))
    (call $flush (i32.const 0))
    (call $write_result (i32.const 32) (i32.const 32))
    (i32.const 0))
)
