// RFC 5424 syslog messages carrying one EVE record as MSG.
//
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID - MSG
//
// PRI = facility * 8 + severity; TIMESTAMP is the send time (RFC 3339, UTC, µs) — the
// event's own time is inside the JSON; MSGID is the event_type (flow, label, alert), so a
// receiver can route records without parsing the JSON; no structured data ("-"). The JSON is
// pure ASCII (json_line.hpp escapes every byte ≥ 0x80), so no BOM is needed.
#pragma once

#include <string>

#include "btsensor/types.hpp"
#include "outputs/line_sink.hpp"
#include "outputs/output_options.hpp"

namespace btsensor {

// The fixed part of every header: "HOSTNAME APP-NAME PROCID". Fields are PRINTUSASCII with
// RFC 5424 length limits (255, 48, 128); other bytes become '_' and empty ones '-'.
std::string syslog_header_fields(std::string_view hostname, std::string_view app_name, long procid);

// Appends one message (without framing) to `out`.
void append_syslog_message(std::string& out, uint8_t facility, uint8_t severity, Timestamp now,
                           std::string_view header_fields, const Record& r);

// Appends one message with its TCP framing (RFC 6587).
void append_syslog_frame(std::string& out, SyslogFraming framing, std::string_view message);

}  // namespace btsensor
