// The decompression limits (DESIGN §6): a size cap per input (--max-bytes) and a ratio cap
// against decompression bombs. The ratio is compared with the compressed bytes read so far, and
// only once ratio_grace_bytes are out: libarchive reads ahead, so early ratios mean nothing.
#include <fmt/format.h>

#include "ingest/budget.h"

namespace kdx::ingest {

Budget::Budget(const Limits& limits, std::string where, Problems& problems)
    : limits_(limits), where_(std::move(where)), problems_(problems) {}

size_t Budget::admit(size_t n) {
  if (exhausted_) return 0;
  uint64_t total = delivered_ + n;
  if (total > limits_.max_total_bytes) {
    exhausted_ = true;
    problems_.push_back(
        {where_, fmt::format("decompressed size exceeds the limit of {} bytes (--max-bytes)",
                             limits_.max_total_bytes)});
    size_t allowed = static_cast<size_t>(limits_.max_total_bytes - delivered_);
    delivered_ += allowed;
    return allowed;
  }
  // Division, not multiplication: max_ratio × read could overflow for absurd limits.
  bool over_ratio = limits_.max_ratio > 0 && read_ > 0 && total / read_ >= limits_.max_ratio &&
                    total > limits_.max_ratio * read_;
  if (total >= limits_.ratio_grace_bytes && over_ratio) {
    exhausted_ = true;
    problems_.push_back({where_, fmt::format("compression ratio exceeds {}:1 (possible "
                                             "decompression bomb)",
                                             limits_.max_ratio)});
    return 0;
  }
  delivered_ = total;
  return n;
}

}  // namespace kdx::ingest
