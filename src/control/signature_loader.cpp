#include "control/signature_loader.hpp"

#include <map>
#include <set>

#include "control/yaml_util.hpp"

namespace btsensor {
namespace {

template <class E>
bool pick(Reporter& rep, const YAML::Node& n, const std::string& path,
          const std::map<std::string, E>& table, E& out) {
  std::string v = n.IsScalar() ? n.Scalar() : "";
  auto it = table.find(v);
  if (it != table.end()) {
    out = it->second;
    return true;
  }
  std::string list;
  for (const auto& [k, _] : table) list += (list.empty() ? "" : ", ") + k;
  rep.at(n, path, "unknown value '" + v + "' (expected one of: " + list + ")");
  return false;
}

const std::map<std::string, Validator>& validators() {
  static const std::map<std::string, Validator> t = [] {
    std::map<std::string, Validator> m;
    for (int i = 0; i < int(Validator::kCount_); ++i)
      m[validator_name(Validator(i))] = Validator(i);
    return m;
  }();
  return t;
}

const std::map<std::string, Evidence>& evidences() {
  static const std::map<std::string, Evidence> t = [] {
    std::map<std::string, Evidence> m;
    for (int i = 0; i < kEvidenceCount; ++i) m[evidence_name(Evidence(i))] = Evidence(i);
    return m;
  }();
  return t;
}

bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 48) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

Result<std::vector<SignatureSource>> parse_root(const YAML::Node& root, Reporter& rep) {
  std::vector<SignatureSource> out;
  if (!root.IsMap() || !root["signatures"] || !root["signatures"].IsSequence()) {
    rep.at(root, "signatures", "expected a top-level 'signatures:' list");
    return Error{"invalid signatures"};
  }
  check_keys(rep, root, "", {"signatures"});
  std::set<uint32_t> ids;
  std::set<std::string> names;
  int index = 0;
  for (const YAML::Node& n : root["signatures"]) {
    std::string where = "signatures[" + std::to_string(index++) + "]";
    if (!n.IsMap()) {
      rep.at(n, where, "expected a mapping");
      continue;
    }
    check_keys(rep, n, where,
               {"id", "name", "transport", "pattern", "flags", "direction", "validator", "evidence",
                "confidence", "detect", "meaning"});
    SignatureSource s;
    s.meta.file = rep.name();
    s.meta.line = n.Mark().line + 1;
    for (const char* req : {"id", "name", "pattern", "evidence"})
      if (!n[req]) rep.at(n, where, std::string("missing required key '") + req + "'");
    if (n["id"]) {
      uint64_t id;
      if (read_u64(rep, n["id"], where + ".id", id, 1, 0xffffffffu)) {
        s.meta.id = uint32_t(id);
        if (!ids.insert(s.meta.id).second)
          rep.at(n["id"], where + ".id", "duplicate id " + std::to_string(id));
      }
    }
    if (n["name"] && read_string(rep, n["name"], where + ".name", s.meta.name)) {
      if (!valid_name(s.meta.name))
        rep.at(n["name"], where + ".name",
               "use 1-48 characters of [a-z0-9_] (it is a metric label)");
      else if (!names.insert(s.meta.name).second)
        rep.at(n["name"], where + ".name", "duplicate name '" + s.meta.name + "'");
    }
    if (n["pattern"]) read_string(rep, n["pattern"], where + ".pattern", s.pattern);
    if (n["transport"]) {
      static const std::map<std::string, uint8_t> t = {
          {"tcp", kTransportTcp}, {"udp", kTransportUdp}, {"any", kTransportTcp | kTransportUdp}};
      pick(rep, n["transport"], where + ".transport", t, s.meta.transports);
    }
    if (n["direction"]) {
      static const std::map<std::string, Direction> t = {{"any", Direction::kAny},
                                                         {"to_server", Direction::kToServer},
                                                         {"to_client", Direction::kToClient}};
      pick(rep, n["direction"], where + ".direction", t, s.meta.direction);
    }
    if (n["validator"])
      pick(rep, n["validator"], where + ".validator", validators(), s.meta.validator);
    if (n["evidence"]) pick(rep, n["evidence"], where + ".evidence", evidences(), s.meta.evidence);
    if (n["confidence"]) {
      static const std::map<std::string, Confidence> t = {
          {"high", Confidence::kHigh}, {"medium", Confidence::kMedium}, {"low", Confidence::kLow}};
      pick(rep, n["confidence"], where + ".confidence", t, s.meta.confidence);
    }
    if (n["detect"]) read_bool(rep, n["detect"], where + ".detect", s.meta.detect);
    if (YAML::Node f = n["flags"]) {
      if (!f.IsSequence()) {
        rep.at(f, where + ".flags", "expected a list (caseless, dotall, multiline)");
      } else {
        static const std::map<std::string, unsigned> t = {{"caseless", HS_FLAG_CASELESS},
                                                          {"dotall", HS_FLAG_DOTALL},
                                                          {"multiline", HS_FLAG_MULTILINE}};
        for (const auto& fl : f) {
          unsigned v = 0;
          if (pick(rep, fl, where + ".flags", t, v)) s.hs_flags |= v;
        }
      }
    }
    out.push_back(std::move(s));
  }
  if (out.size() > kMaxSignatures)
    rep.at(root["signatures"], "signatures",
           "too many signatures (" + std::to_string(out.size()) + " > " +
               std::to_string(kMaxSignatures) + ")");
  if (rep.errors()) return Error{"invalid signatures"};
  return out;
}

// Compiles the signatures of one transport into a block-mode database. Ids are indices into
// the full list so that one match bitset serves both databases.
bool compile_one(const std::vector<SignatureSource>& src, uint8_t transport, hs_database_t** db,
                 Diagnostics& diag) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < src.size(); ++i) {
    if (!(src[i].meta.transports & transport)) continue;
    exprs.push_back(src[i].pattern.c_str());
    // SINGLEMATCH: the classifier only needs "did it match", and it keeps the callback count
    // per scan bounded by the number of signatures.
    flags.push_back(src[i].hs_flags | HS_FLAG_SINGLEMATCH);
    ids.push_back(unsigned(i));
  }
  *db = nullptr;
  if (exprs.empty()) return true;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), unsigned(exprs.size()),
                       HS_MODE_BLOCK, nullptr, db, &err) != HS_SUCCESS) {
    const SignatureSource* bad =
        err->expression >= 0 ? &src[ids[size_t(err->expression)]] : nullptr;
    if (bad) {
      diag.add(bad->meta.file + ":" + std::to_string(bad->meta.line) + ": signature " +
               bad->meta.name + ": pattern '" + bad->pattern + "': " + err->message);
    } else {
      diag.add(std::string("signatures: hyperscan: ") + err->message);
    }
    hs_free_compile_error(err);
    return false;
  }
  return true;
}

}  // namespace

Result<std::vector<SignatureSource>> parse_signatures_text(const std::string& text,
                                                           const std::string& name,
                                                           Diagnostics& diag) {
  YAML::Node root;
  if (!load_yaml_text(text, name, diag, root)) return Error{"invalid signatures"};
  Reporter rep(name, diag);
  return parse_root(root, rep);
}

Result<std::vector<SignatureSource>> parse_signatures(const std::string& path, Diagnostics& diag) {
  YAML::Node root;
  if (!load_yaml_file(path, diag, root)) return Error{"invalid signatures"};
  Reporter rep(path, diag);
  return parse_root(root, rep);
}

Result<std::unique_ptr<SignatureSet>> compile_signatures(std::vector<SignatureSource> sources,
                                                         uint32_t shards, Diagnostics& diag) {
  auto set = std::make_unique<SignatureSet>();
  // Hyperscan stops at the first bad pattern; compiling the UDP set after a TCP failure would
  // only report the same "any"-transport pattern twice.
  bool ok = compile_one(sources, kTransportTcp, &set->tcp_db, diag) &&
            compile_one(sources, kTransportUdp, &set->udp_db, diag);
  if (!ok) return Error{"signatures failed to compile"};
  hs_scratch_t* proto = nullptr;
  for (hs_database_t* db : {set->tcp_db, set->udp_db}) {
    if (db && hs_alloc_scratch(db, &proto) != HS_SUCCESS) {
      diag.add("signatures: cannot allocate Hyperscan scratch");
      hs_free_scratch(proto);
      return Error{"scratch allocation failed"};
    }
  }
  if (proto) {
    for (uint32_t i = 0; i < shards; ++i) {
      hs_scratch_t* s = nullptr;
      if (hs_clone_scratch(proto, &s) != HS_SUCCESS) {
        diag.add("signatures: cannot clone Hyperscan scratch");
        hs_free_scratch(proto);
        return Error{"scratch allocation failed"};
      }
      set->scratch.push_back(s);
    }
    hs_free_scratch(proto);
  }
  for (auto& s : sources) set->sigs.push_back(std::move(s.meta));
  return set;
}

Result<std::unique_ptr<SignatureSet>> load_signatures(const std::string& path, uint32_t shards,
                                                      Diagnostics& diag) {
  auto src = parse_signatures(path, diag);
  if (!src) return Error{src.error()};
  return compile_signatures(std::move(*src), shards, diag);
}

}  // namespace btsensor
