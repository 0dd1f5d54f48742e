// ingest/budget.h — the per-input byte budget that enforces Limits (internal).
// Takes: the bytes read from disk or stdin, and the decompressed bytes about to be handed out.
// Gives: how many of them may go out; when a limit is hit it records the Problem once and
// stays exhausted, and the input stops. One Budget per command-line input; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/problem.h"
#include "ingest/ingest.h"

namespace kdx::ingest {

class Budget {
 public:
  // `where` names the input in the Problem ("bundle.tar.gz"); `problems` outlives the Budget.
  Budget(const Limits& limits, std::string where, Problems& problems);

  // Bytes read from the input file or pipe (compressed bytes, for the ratio).
  void add_read(uint64_t n) { read_ += n; }

  // Of `n` decompressed bytes about to be delivered, how many may go. Less than `n` means a
  // limit was hit: the Problem is recorded and exhausted() is true from then on. The size limit
  // lets the bytes up to the limit through; the ratio limit lets none of this block through.
  size_t admit(size_t n);

  bool exhausted() const { return exhausted_; }
  uint64_t delivered() const { return delivered_; }
  uint64_t read() const { return read_; }

 private:
  Limits limits_;
  std::string where_;
  Problems& problems_;
  uint64_t read_ = 0;
  uint64_t delivered_ = 0;
  bool exhausted_ = false;
};

}  // namespace kdx::ingest
