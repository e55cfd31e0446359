#pragma once
// Internal: opening the input files of the IDX and CSV readers (src/data/idx.cpp,
// src/data/csv.cpp), with the errors both give.

#include <sys/stat.h>

#include <string>
#include <utility>

#include "core/fd.hpp"

namespace nabla::detail {

/// A hint to append to "cannot open" for a path that looks like a dataset nabla knows
/// where to get (Fashion-MNIST's Debian package), else "".
std::string missing_hint(const std::string& path);

/// Opens `path` for reading and checks its kind: a directory is named as such, and any
/// other kind that `allowed` rejects is named by what it is ("it reads `wanted`"). Returns
/// the open descriptor and its status. Throws std::runtime_error naming `fn` and the path.
std::pair<UniqueFd, struct stat> open_input(const char* fn, const std::string& path,
                                            const std::string& hint, bool (*allowed)(mode_t),
                                            const char* wanted);

}  // namespace nabla::detail
