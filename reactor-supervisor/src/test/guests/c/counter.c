/*
 * A Reactor Supervisor component in C (wasm32-wasi, reactor model, wasi-libc).
 *
 * Messages are text commands; the state is one counter, which a restart resets:
 *   "inc"        counts one and replies "count=N"
 *   "get"        replies "count=N"
 *   "grow KIB"   allocates KIB KiB and keeps it; replies "grew KIB" or "no memory"
 *   "trap"       traps (__builtin_trap: the wasm unreachable instruction)
 *   "loop"       spins forever (the host's time budget stops it)
 *   "exit"       calls exit(3): WASI proc_exit, which the host treats as a crash
 *   anything else: replies "unknown: " followed by the message
 * It logs through WASI: fprintf(stderr, ...) reaches the host's logger.
 *
 * Build: see ../build.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT(name) __attribute__((export_name(name)))

static uint32_t count;
static char *inbox;           /* the message buffer, reused: one message at a time */
static uint32_t inbox_size;
static char reply[128];       /* the reply buffer, reused: the host copies it out at once */
static void *kept;            /* what "grow" allocated, chained through each block's first word */

/* Packs a reply as the ABI wants it: address in the high 32 bits, length in the low 32. */
static uint64_t packed(const char *ptr, uint32_t len) {
    return ((uint64_t)(uintptr_t)ptr << 32) | len;
}

static uint64_t reply_text(const char *text, uint32_t len) {
    if (len > sizeof reply) {
        len = sizeof reply;
    }
    memcpy(reply, text, len);
    return packed(reply, len);
}

static int is(const char *msg, uint32_t len, const char *command) {
    size_t n = strlen(command);
    return len == n && memcmp(msg, command, n) == 0;
}

/* The WASI reactor's initializer (runs C constructors); the host calls init, not _initialize. */
void _initialize(void);

static int constructed;

__attribute__((constructor)) static void construct(void) {
    constructed = 1;
}

EXPORT("init") void init(void) {
    _initialize();
    fprintf(stderr, "c counter ready\n");
}

EXPORT("alloc") char *alloc(uint32_t len) {
    if (len > inbox_size) {
        free(inbox);
        inbox = malloc(len);
        if (inbox == NULL) {
            /* No room under the host's memory cap: trap rather than hand back a bad address. */
            fprintf(stderr, "c counter: no memory for a %u-byte message\n", len);
            abort();
        }
        inbox_size = len;
    }
    return inbox;
}

EXPORT("handle") uint64_t handle(const char *msg, uint32_t len) {
    char text[64];
    if (is(msg, len, "inc")) {
        count++;
        fprintf(stderr, "c counter: count=%u\n", count);
        return reply_text(text, (uint32_t)snprintf(text, sizeof text, "count=%u", count));
    }
    if (is(msg, len, "get")) {
        return reply_text(text, (uint32_t)snprintf(text, sizeof text, "count=%u", count));
    }
    if (len > 5 && memcmp(msg, "grow ", 5) == 0) {
        char digits[16] = {0};
        memcpy(digits, msg + 5, len - 5 < sizeof digits - 1 ? len - 5 : sizeof digits - 1);
        unsigned long kib = strtoul(digits, NULL, 10);
        void *block = malloc(kib * 1024);
        if (block == NULL || kib == 0) {
            return reply_text("no memory", 9);
        }
        memset(block, 1, kib * 1024); /* touch it: the pages are really used */
        *(void **)block = kept;       /* and keep it, so the compiler cannot drop the malloc */
        kept = block;
        return reply_text(text, (uint32_t)snprintf(text, sizeof text, "grew %lu", kib));
    }
    if (is(msg, len, "trap")) {
        __builtin_trap();
    }
    if (is(msg, len, "loop")) {
        volatile uint32_t spin = 0;
        for (;;) {
            spin++;
        }
    }
    if (is(msg, len, "exit")) {
        exit(3);
    }
    int n = snprintf(text, sizeof text, "unknown: %.*s", (int)(len > 40 ? 40 : len), msg);
    return reply_text(text, (uint32_t)n);
}

/* Healthy once the constructors have run. */
EXPORT("health") int32_t health(void) {
    return constructed;
}
