;; A one-slot register for the JSON-RPC tests.
;;   empty calldata   -> returns slot 0
;;   32-byte calldata -> stores it in slot 0, emits Set(value) (topic 0x11..11), returns it
;;   anything else    -> reverts with 0xdeadbeef
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "emit_log" (func $emit_log (param i32 i32 i32)))
  (memory (export "memory") 1 1)
  ;; 0..32 storage key (zero), 32..64 the log topic, 64..96 the value, 200..204 revert data,
  ;; 256.. calldata
  (data (i32.const 32) "\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11\11")
  (data (i32.const 200) "\de\ad\be\ef")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (if (i32.gt_u (local.get $len) (i32.const 1024))
      (then
        (call $write_result (i32.const 200) (i32.const 4))
        (return (i32.const 1))))
    (call $read_args (i32.const 256))
    (if (i32.eqz (local.get $len))
      (then
        (call $load (i32.const 0) (i32.const 64))
        (call $write_result (i32.const 64) (i32.const 32))
        (return (i32.const 0))))
    (if (i32.ne (local.get $len) (i32.const 32))
      (then
        (call $write_result (i32.const 200) (i32.const 4))
        (return (i32.const 1))))
    (memory.copy (i32.const 64) (i32.const 256) (i32.const 32))
    (call $cache (i32.const 0) (i32.const 64))
    (call $flush (i32.const 0))
    (call $emit_log (i32.const 32) (i32.const 64) (i32.const 1))
    (call $write_result (i32.const 64) (i32.const 32))
    (i32.const 0))
)
