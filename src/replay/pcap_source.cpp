#include "replay/pcap_source.hpp"

#include <pcap/pcap.h>

namespace btsensor {
namespace {

// libpcap reports DLT_* values, which differ from the LINKTYPE_* numbers stored in files
// for a few link types (DLT_RAW is 12 on Linux but LINKTYPE_RAW is 101).
bool map_dlt(int dlt, LinkType& out) {
  switch (dlt) {
    case DLT_EN10MB:
      out = LinkType::kEthernet;
      return true;
    case DLT_NULL:
      out = LinkType::kNull;
      return true;
    case DLT_RAW:
      out = LinkType::kRaw;
      return true;
#ifdef DLT_IPV4
    case DLT_IPV4:
      out = LinkType::kIpv4;
      return true;
#endif
#ifdef DLT_IPV6
    case DLT_IPV6:
      out = LinkType::kIpv6;
      return true;
#endif
    case DLT_LINUX_SLL:
      out = LinkType::kLinuxSll;
      return true;
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2:
      out = LinkType::kLinuxSll2;
      return true;
#endif
    default:
      return false;
  }
}

}  // namespace

Result<std::unique_ptr<PcapSource>> PcapSource::open(const std::string& path) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  // Nanosecond precision: pcapng and nanosecond pcap keep their resolution, microsecond
  // files are scaled by libpcap.
  pcap* p =
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (!p) return Error{path + ": " + errbuf};
  LinkType lt;
  int dlt = pcap_datalink(p);
  if (!map_dlt(dlt, lt)) {
    const char* name = pcap_datalink_val_to_name(dlt);
    pcap_close(p);
    return Error{path + ": unsupported link type " + std::to_string(dlt) + " (" +
                 (name ? name : "unknown") +
                 "); supported: Ethernet, raw IP, IPv4, IPv6, BSD loopback, Linux SLL/SLL2"};
  }
  return std::unique_ptr<PcapSource>(new PcapSource(p, path, lt));
}

PcapSource::~PcapSource() {
  pcap_close(p_);
}

PcapSource::Next PcapSource::next(PcapPacket& out) {
  pcap_pkthdr* hdr;
  const u_char* data;
  int rc = pcap_next_ex(p_, &hdr, &data);
  if (rc == 1) {
    out.data = data;
    out.caplen = hdr->caplen;
    out.wire_len = hdr->len < hdr->caplen ? hdr->caplen : hdr->len;
    // With PCAP_TSTAMP_PRECISION_NANO, tv_usec carries nanoseconds.
    out.ts = Timestamp(hdr->ts.tv_sec) * kNsPerSec + Timestamp(hdr->ts.tv_usec);
    return Next::kPacket;
  }
  if (rc == PCAP_ERROR_BREAK) return Next::kEnd;
  error_ = path_ + ": " + pcap_geterr(p_);
  return Next::kError;
}

}  // namespace btsensor
