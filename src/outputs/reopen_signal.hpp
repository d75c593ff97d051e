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
// Incremented by every SIGHUP (and by request_reopen_all()).
uint32_t reopen_generation();
// What the handler does; also for tests and for a control command.
void request_reopen_all();

}  // namespace btsensor
