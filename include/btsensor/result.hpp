// Errors as values for the control plane: a Result<T> holds a T or an error message that
// already names the file, line and key at fault ("config.yaml:12:3: home_net: …").
// (std::expected is C++23; this is the part of it we need.)
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace btsensor {

struct Error {
  std::string message;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error e) : v_(std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const std::string& error() const { return std::get<1>(v_).message; }

 private:
  std::variant<T, Error> v_;
};

// Collects every problem found while validating, so check-config can print them all at once.
struct Diagnostics {
  std::vector<std::string> lines;
  void add(std::string line) { lines.push_back(std::move(line)); }
  bool empty() const { return lines.empty(); }
};

}  // namespace btsensor
