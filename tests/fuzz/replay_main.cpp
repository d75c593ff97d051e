// Runs a fuzz target's LLVMFuzzerTestOneInput over files (directories: every regular file in
// them, in name order), without libFuzzer: the regression suite of the normal build. A target
// that finds a problem aborts (FUZZ_CHECK) or is reported by the sanitizers of the build.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
// Defined only by the targets that load state once (fuzz_shard).
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path p = argv[i];
    if (fs::is_directory(p)) {
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file() && e.path().filename() != "README.md") files.push_back(e.path());
    } else if (fs::exists(p)) {
      files.push_back(p);
    }
    // A target without regressions yet has no directory: nothing to replay, not an error.
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replay %s (%zu bytes)\n", f.c_str(), data.size());
    // An exact-size heap copy: ASan flags reads past the end.
    std::unique_ptr<uint8_t[]> buf(new uint8_t[data.size() + 1]);
    std::copy(data.begin(), data.end(), buf.get());
    LLVMFuzzerTestOneInput(buf.get(), data.size());
  }
  std::printf("%zu inputs replayed\n", files.size());
  return 0;
}
