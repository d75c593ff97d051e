// SIGHUP → reopen the outputs (logrotate's postrotate sends it).
//
// The handler only increments a lock-free counter (async-signal-safe); every writer thread
// compares it with the value it last saw and reopens its own sink. Nothing is done in the
// handler itself.
#pragma once

#include <cstdint>

namespace btsensor {

// Installs the SIGHUP handler (idempotent). Call from main's wiring, before writers start.
void install_reopen_on_sighup();
// Installs `handler` for SIGHUP instead, with the same flags (SA_RESTART: a writer in
// write(2) resumes rather than failing with EINTR). A handler that replaces the reopen one
// must call request_reopen_all() itself (`btsensor run` does, then asks for a reload).
void install_sighup_handler(void (*handler)(int));
// Incremented by every SIGHUP (and by request_reopen_all()).
uint32_t reopen_generation();
// What the handler does; also for tests and for a control command.
void request_reopen_all();

}  // namespace btsensor
