// Replaces a file atomically: a temporary file in the same directory, fsync, rename over
// the target, fsync of the directory. A crash leaves the old content or the new, never a
// mix or an empty file. Used for the state file and the persisted runtime exclusions.
#pragma once

#include <sys/types.h>

#include <string>

#include "btsensor/result.hpp"

namespace btsensor {

// Error: one line naming `path` and the step that failed.
Result<bool> write_file_atomically(const std::string& path, const std::string& text,
                                   mode_t mode = 0600);

}  // namespace btsensor
