#include "fuzz_common.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace btsensor::fuzz {

const std::string& scratch_dir() {
  // Never destroyed: the atexit handler below runs after static destructors would have.
  static const std::string& dir = *new std::string([] {
    // /dev/shm when present: the loaders are fuzzed at thousands of files per second.
    std::string base = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    std::string tmpl = base + "/btsensor-fuzz-XXXXXX";
    if (!mkdtemp(tmpl.data())) {
      std::perror("mkdtemp");
      std::abort();
    }
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir(), ec);
    });
    return tmpl;
  }());
  return dir;
}

std::string write_scratch(const std::string& name, std::string_view data) {
  std::string path = scratch_dir() + "/" + name;
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), std::streamsize(data.size()));
  if (!f) {
    std::perror(path.c_str());
    std::abort();
  }
  return path;
}

}  // namespace btsensor::fuzz
