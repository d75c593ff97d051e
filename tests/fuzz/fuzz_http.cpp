// HTTP request/response heads, tracker announce/scrape classification, torrent links,
// url_decode and the Content-Type check. The same bytes are parsed as both a request and a
// response (one segment is either, depending on the direction).
#include <array>
#include <vector>

#include "engine/proto/http.hpp"
#include "fuzz_common.hpp"

using namespace btsensor;
using namespace btsensor::proto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes in(data, size);
  HttpRequest req;
  HttpStatus rs = parse_http_request(in, req);
  (void)rs;
  FUZZ_CHECK(fuzz::inside(in, req.method_text));
  FUZZ_CHECK(fuzz::inside(in, req.target));
  FUZZ_CHECK(fuzz::inside(in, req.host));
  FUZZ_CHECK(fuzz::inside(in, req.user_agent));
  FUZZ_CHECK(req.header_lines <= kHttpMaxHeaders);
  TrackerRequest tr;
  if (classify_tracker_request(req, tr)) FUZZ_CHECK(tr.peer_id_len <= tr.peer_id.size());
  TorrentLink link;
  (void)classify_torrent_link(req, link);

  HttpResponse resp;
  (void)parse_http_response(in, resp);
  FUZZ_CHECK(fuzz::inside(in, resp.reason));
  FUZZ_CHECK(fuzz::inside(in, resp.server));
  FUZZ_CHECK(resp.head_len <= size);
  FUZZ_CHECK(resp.header_lines <= kHttpMaxHeaders);

  // url_decode into a buffer as large as the input and into a too-small one.
  std::array<uint8_t, 64> small;
  std::vector<uint8_t> big(size + 1);
  size_t n = 0;
  if (url_decode(fuzz::as_text(in), big, n)) FUZZ_CHECK(n <= big.size());
  if (url_decode(fuzz::as_text(in), small, n)) FUZZ_CHECK(n <= small.size());
  (void)is_torrent_content_type(fuzz::as_text(in));
  return 0;
}
