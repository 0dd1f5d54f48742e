#include "core/resource.h"

namespace kdx {

std::string ResourceKey::display() const {
  std::string out;
  if (!pod.empty()) {
    out = ns.empty() ? pod : ns + "/" + pod;
    if (!container.empty()) out += " (" + container + ")";
    return out;
  }
  if (!unit.empty()) {
    out = unit;
    if (!node.empty()) out += " on " + node;
    return out;
  }
  if (!node.empty()) return "node/" + node;
  if (!ns.empty()) return "namespace/" + ns;
  return out;
}

}  // namespace kdx
