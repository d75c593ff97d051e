// Time zones for exclusion windows, resolved on the control plane.
//
// libstdc++ 12 has no time zone database (std::chrono::locate_zone), so zones are read from
// the TZif files of the system's IANA database (/usr/share/zoneinfo, Debian package
// `tzdata`; $TZDIR overrides the directory) once, at load time, into the compact table of
// offset changes that TimeZone (btsensor/exclusions.hpp) searches without allocating.
//
// TZif (RFC 8536): the version 2+ 64-bit block is used. Its footer, a POSIX TZ rule such
// as "CET-1CEST,M3.5.0,M10.5.0/3", covers the time after the last explicit transition;
// zic's default "slim" files rely on it for every year after 2007. The rule is expanded
// into explicit transitions up to the end of kTzExpandUntilYear; after that the last
// offset stays in force.
#pragma once

#include <string>
#include <string_view>

#include "btsensor/exclusions.hpp"
#include "btsensor/result.hpp"

namespace btsensor {

constexpr int kTzExpandUntilYear = 2100;

// $TZDIR, else /usr/share/zoneinfo.
std::string default_zoneinfo_dir();

// "UTC" (or "Z"), a fixed offset "+HH:MM" / "-HH:MM" (up to ±15:59), or an IANA name
// ("Europe/Berlin") read from <zoneinfo_dir>/<name>. The error is one line without position.
Result<TimeZone> load_time_zone(const std::string& name, const std::string& zoneinfo_dir);

// The contents of one TZif file.
Result<TimeZone> parse_tzif(const std::string& name, std::string_view bytes);

// A POSIX TZ string (the TZif footer), expanded from `from_year` on; `name` names the zone.
Result<TimeZone> parse_posix_tz(const std::string& name, std::string_view rule, int from_year);

}  // namespace btsensor
