// bench/micro/bench_data.h — seeded log text for the micro-benchmarks (header-only).
// Gives: N bytes of one line format (klog, CRI, journald JSON, syslog, JSON app logs) where
// about 2% of the lines are the embedded rules' own `match` examples. Pure; deterministic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "rules/rules.h"

namespace kdx::bench {

enum class Shape { klog, cri, journald_json, syslog, app_json };

inline std::vector<std::string> failure_lines() {
  std::vector<std::string> out;
  auto texts = rules::embedded_rule_texts();
  auto rules = rules::load_rules(texts);
  if (!rules) return out;
  for (const auto& r : rules->rules())
    for (const auto& e : r.examples)
      if (e.should_match && e.text.find_first_of("\"\\\n") == std::string::npos)
        out.push_back(e.text);
  return out;
}

// `bytes` of `shape` lines; every 50th line is a failure example.
inline std::string make_log(Shape shape, size_t bytes) {
  static const std::vector<std::string> fails = failure_lines();
  std::string out;
  out.reserve(bytes + 512);
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (uint64_t i = 0; out.size() < bytes; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    const unsigned sec = static_cast<unsigned>(i / 400 % 60), us = static_cast<unsigned>(x % 1000000);
    std::string msg = i % 50 == 7 && !fails.empty()
                          ? fails[(x >> 33) % fails.size()]
                          : fmt::format("\"SyncLoop (PLEG): event for pod\" pod=\"db/api-{:x}\" "
                                        "event={{ID:{:x} Type:ContainerStarted}}",
                                        x >> 40, x >> 20);
    switch (shape) {
      case Shape::klog:
        out += fmt::format("I0604 10:00:{:02}.{:06}    1234 kubelet.go:2421] {}\n", sec, us, msg);
        break;
      case Shape::cri:
        out += fmt::format("2026-06-04T10:00:{:02}.{:06}123Z stdout F I0604 10:00:{:02}.{:06} "
                           "1 kubelet.go:2421] {}\n", sec, us, sec, us, msg);
        break;
      case Shape::journald_json:
        out += fmt::format("{{\"__REALTIME_TIMESTAMP\":\"{}\",\"_HOSTNAME\":\"node-1\","
                           "\"_SYSTEMD_UNIT\":\"k3s.service\",\"MESSAGE\":\"{}\"}}\n",
                           1780560000000000ull + i * 1000, msg.find('"') == std::string::npos ? msg : "k3s is up");
        break;
      case Shape::syslog:
        out += fmt::format("Jun  4 10:00:{:02} node-1 k3s[812]: {}\n", sec, msg);
        break;
      case Shape::app_json:
        out += fmt::format("{{\"time\":\"2026-06-04T10:00:{:02}.{:06}Z\",\"level\":\"info\",\"msg\":\"{}\"}}\n",
                           sec, us, msg.find('"') == std::string::npos ? msg : "request handled");
        break;
    }
  }
  return out;
}

}  // namespace kdx::bench
