// Community ID v1 flow hashing (https://github.com/corelight/community-id-spec), bit-exact with
// the reference implementation pycommunityid, so our flow IDs join against Zeek/Suricata logs.
//
// Pre:  `t` is the 5-tuple of any packet of the flow, in either direction. For ICMP (proto 1)
//       and ICMPv6 (proto 58) t.sport holds the message type and t.dport the message code, the
//       convention of Zeek, Suricata and the spec. For protocols other than TCP, UDP, SCTP, ICMP
//       and ICMPv6 the ports are ignored. Both addresses should be of the same family
//       (IpAddr::is_v4()); IPv4 hashes 4 address bytes, IPv6 16.
// Post: `out` holds the NUL-terminated text "1:<base64 of SHA-1>" (30 chars), NUL-padded to the
//       end of the array. Both directions of a bidirectional flow yield the same ID; one-way
//       ICMP messages (e.g. errors) are hashed as sent, without reordering.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "btsensor/types.hpp"

namespace btsensor {

// "1:" + 28 base64 chars of a 20-byte digest + NUL = 31, rounded up to 32 for alignment.
using CommunityId = std::array<char, 32>;

// Allocation-free; meant to run on worker lcores once per new flow.
void community_id_v1(const FiveTuple& t, uint16_t seed, CommunityId& out) noexcept;

// Convenience for tests and the control plane; allocates.
std::string community_id_v1(const FiveTuple& t, uint16_t seed = 0);

}  // namespace btsensor
