#include "outputs/syslog_format.hpp"

#include <charconv>

#include "outputs/eve_writer.hpp"

namespace btsensor {
namespace {

std::string printusascii(std::string_view s, size_t max) {
  std::string out;
  for (unsigned char c : s.substr(0, max)) out += (c >= 33 && c <= 126) ? char(c) : '_';
  return out.empty() ? "-" : out;
}

void append_uint(std::string& out, uint64_t v) {
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  out.append(tmp, r.ptr);
}

}  // namespace

std::string syslog_header_fields(std::string_view hostname, std::string_view app_name,
                                 long procid) {
  return printusascii(hostname, 255) + " " + printusascii(app_name, 48) + " " +
         std::to_string(procid);
}

void append_syslog_message(std::string& out, uint8_t facility, uint8_t severity, Timestamp now,
                           std::string_view header_fields, const Record& r) {
  out += '<';
  append_uint(out, uint64_t(facility) * 8 + severity);
  out += ">1 ";
  char ts[32];
  format_timestamp(now, ts);
  out += ts;
  out += ' ';
  out += header_fields;
  out += ' ';
  out += printusascii(r.event_type, 32);  // MSGID: at most 32 characters
  out += " - ";
  out += r.json;
}

void append_syslog_frame(std::string& out, SyslogFraming framing, std::string_view message) {
  if (framing == SyslogFraming::kOctetCounting) {
    append_uint(out, message.size());
    out += ' ';
    out += message;
  } else {
    out += message;
    out += '\n';
  }
}

}  // namespace btsensor
