// core/problem.h — bad input and setup failures as data.
// A Problem names the place (`where`: "bundle.tar.gz:pods/db.log:1042" or
// "patterns/etcd.yaml:17 (etcd.v2-api-on-v3)") and says what is wrong (`message`).
// Plain value type; thread-compatible.
#pragma once

#include <string>
#include <vector>

namespace kdx {

struct Problem {
  std::string where;
  std::string message;

  friend bool operator==(const Problem&, const Problem&) = default;
  friend auto operator<=>(const Problem&, const Problem&) = default;
};

using Problems = std::vector<Problem>;

}  // namespace kdx
