//! A Reactor Supervisor component in Rust (crate type cdylib), built twice: for
//! wasm32-unknown-unknown (no WASI at all) and for wasm32-wasi (logs through stderr).
//!
//! Messages are text commands; the state is one counter, which a restart resets:
//!   "inc"        counts one and replies "count=N"
//!   "get"        replies "count=N"
//!   "map"        makes a HashMap and replies "map=1" (on wasm32-wasi its seed needs WASI random)
//!   "grow KIB"   allocates KIB KiB and keeps it; replies "grew KIB" or "no memory"
//!   "panic"      panics: on this target a panic aborts with the wasm unreachable instruction
//!   "loop"       spins forever (the host's time budget stops it)
//!   anything else: replies "unknown: " followed by the message
//!
//! Build: see ../build.sh.

static mut COUNT: u32 = 0;
static mut INBOX: Vec<u8> = Vec::new(); // the message buffer, reused: one message at a time
static mut REPLY: Vec<u8> = Vec::new(); // the reply buffer, reused: the host copies it out at once
static mut KEPT: Vec<Vec<u8>> = Vec::new(); // what "grow" allocated
static mut SPIN: u64 = 0;

/// Packs a reply as the ABI wants it: address in the high 32 bits, length in the low 32.
fn packed(reply: &[u8]) -> u64 {
    ((reply.as_ptr() as u64) << 32) | reply.len() as u64
}

fn reply(text: String) -> u64 {
    unsafe {
        REPLY = text.into_bytes();
        packed(&REPLY)
    }
}

/// Returns the address of `len` writable bytes for the next message.
#[no_mangle]
pub extern "C" fn alloc(len: u32) -> *mut u8 {
    unsafe {
        INBOX.clear();
        INBOX.resize(len as usize, 0); // past the memory cap this aborts: a trap, not a bad address
        INBOX.as_mut_ptr()
    }
}

/// Handles the message at `[ptr, ptr + len)` and returns the packed reply.
#[no_mangle]
pub extern "C" fn handle(ptr: *const u8, len: u32) -> u64 {
    let message = unsafe { std::slice::from_raw_parts(ptr, len as usize) };
    let text = String::from_utf8_lossy(message);
    match text.as_ref() {
        "inc" => unsafe {
            COUNT += 1;
            #[cfg(target_os = "wasi")]
            eprintln!("rust counter: count={}", COUNT);
            reply(format!("count={}", COUNT))
        },
        "get" => unsafe { reply(format!("count={}", COUNT)) },
        "panic" => panic!("asked to panic"),
        "map" => {
            let mut words = std::collections::HashMap::new();
            words.insert("one", 1);
            reply(format!("map={}", words.len()))
        }
        "loop" => loop {
            unsafe { std::ptr::write_volatile(&mut SPIN, SPIN.wrapping_add(1)) }
        },
        command if command.starts_with("grow ") => {
            let kib: usize = command[5..].trim().parse().unwrap_or(0);
            let mut block = Vec::new();
            if block.try_reserve_exact(kib * 1024).is_err() {
                return reply("no memory".to_string());
            }
            block.resize(kib * 1024, 1); // touch it: the pages are really used
            unsafe { KEPT.push(block) };
            reply(format!("grew {}", kib))
        }
        other => reply(format!("unknown: {}", other.chars().take(40).collect::<String>())),
    }
}

/// Nonzero: healthy.
#[no_mangle]
pub extern "C" fn health() -> i32 {
    1
}
