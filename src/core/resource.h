// core/resource.h — what a record belongs to: namespace, pod, container, node, systemd unit.
// ResourceRef borrows (from a Chunk, a RecordBatch arena or a FileInfo); ResourceKey owns.
// Any field may be empty (unknown). Plain values; thread-compatible.
#pragma once

#include <compare>
#include <string>
#include <string_view>

namespace kdx {

struct ResourceRef {
  std::string_view ns, pod, container, node, unit;

  bool empty() const {
    return ns.empty() && pod.empty() && container.empty() && node.empty() && unit.empty();
  }
  friend bool operator==(const ResourceRef&, const ResourceRef&) = default;
};

struct ResourceKey {
  std::string ns, pod, container, node, unit;

  static ResourceKey from(const ResourceRef& r) {
    return {std::string(r.ns), std::string(r.pod), std::string(r.container), std::string(r.node),
            std::string(r.unit)};
  }
  ResourceRef ref() const { return {ns, pod, container, node, unit}; }
  bool empty() const { return ref().empty(); }

  // The resource a finding is reported on: the pod (containers of one pod are one resource),
  // else the node/unit. "postgres/postgres-0", "node/worker-1", "unit/k3s.service on worker-1".
  std::string display() const;

  friend bool operator==(const ResourceKey&, const ResourceKey&) = default;
  friend auto operator<=>(const ResourceKey&, const ResourceKey&) = default;
};

}  // namespace kdx
