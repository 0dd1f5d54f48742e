// kdx-datagen — a seeded, realistic support-bundle tree of any size, for benchmarks.
// Takes: --seed N --size SIZE (K/M/G suffixes) --out DIR [--fail-rate R]. Gives: a
// troubleshoot.sh-like tree under DIR: pod logs (kubelet/klog, containerd, etcd, postgres,
// nginx, JSON apps), CRI node logs, journald JSON and syslog host files, and events JSON, ~180
// files per GiB with a Pareto tail of sizes. About R of the log lines (default 2%) carry a
// failure: one of the embedded rules' own `match` examples, wrapped in the file's line format.
// The same seed and size give the same bytes on every machine. Single-threaded.
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/time.h"
#include "rules/rules.h"

namespace {

constexpr uint64_t kGiB = 1ull << 30;
constexpr double kFilesPerGiB = 180;
constexpr uint64_t kMaxEventsFile = 4 << 20;  // events JSON is one document: keep it small
constexpr size_t kFlushBytes = 4 << 20;

// xoshiro256** seeded by splitmix64: fast, and the same sequence on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& s : s_) {
      seed += 0x9e3779b97f4a7c15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      s = z ^ (z >> 31);
    }
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return unit() < p; }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

enum class Flavor { klog, logrus, etcd, postgres, nginx, app_json };
enum class FileKind { pod_log, cri_log, journald_json, syslog, events_json };

struct PlannedFile {
  std::string path;
  std::string ns;
  FileKind kind = FileKind::pod_log;
  Flavor flavor = Flavor::klog;
  uint64_t bytes = 0;
  std::string node, unit;
};

struct Civil {
  int year, month, day, hour, minute, second;
  int64_t nanos;
};

Civil civil(int64_t unix_ns) {
  int64_t secs = unix_ns / kdx::kNsPerSecond;
  int64_t days = secs / 86400, rem = secs % 86400;
  // Howard Hinnant's civil_from_days.
  int64_t z = days + 719468;
  int64_t era = z / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  int y = static_cast<int>(yoe + era * 400 + (m <= 2));
  return {y,
          m,
          d,
          static_cast<int>(rem / 3600),
          static_cast<int>(rem % 3600 / 60),
          static_cast<int>(rem % 60),
          unix_ns % kdx::kNsPerSecond};
}

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

void json_escape(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
}

std::string hex(Rng& rng, int n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(static_cast<size_t>(n), '0');
  for (char& c : s) c = kHex[rng.below(16)];
  return s;
}

std::string pod_suffix(Rng& rng) {
  static constexpr char kAlnum[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string s = hex(rng, 9) + "-";
  for (int i = 0; i < 5; ++i) s += kAlnum[rng.below(sizeof(kAlnum) - 1)];
  return s;
}

// Healthy lines: the words of a working cluster, none of which a failure rule looks for.
const std::vector<std::string_view> kKlog = {
    "\"SyncLoop (PLEG): event for pod\" pod=\"{ns}/{pod}\" event={{ID:{hex} Type:ContainerStarted}}",
    "\"Successfully probed container\" probeType=\"Readiness\" pod=\"{ns}/{pod}\" containerName=\"{c}\"",
    "\"RemoveContainer\" containerID=\"{hex}\"",
    "\"Caches populated\" type=\"*v1.ConfigMap\" reflector=\"object-\\\"{ns}\\\"/\\\"kube-root-ca.crt\\\"\"",
    "\"Volume detached for volume\" volumeName=\"kubernetes.io/projected/{hex}-kube-api-access\" nodeName=\"{node}\"",
    "Started syncing deployment \"{ns}/{pod}\" ({n}ms)",
    "\"Updated node status\" node=\"{node}\" ready=true",
    "Successfully renewed lease kube-system/kube-controller-manager",
    "\"Pod status updated\" pod=\"{ns}/{pod}\" status=\"Running\"",
};
const std::vector<std::string_view> kLogrus = {
    "StartContainer for \\\"{hex}\\\" returns successfully",
    "PullImage \\\"registry.example.com/{c}:1.{n}\\\" returns image reference \\\"sha256:{hex}\\\"",
    "RunPodSandbox for &PodSandboxMetadata{{Name:{pod},Namespace:{ns},Attempt:0,}} returns sandbox id \\\"{hex}\\\"",
    "shim disconnected id={hex} namespace=k8s.io",
    "loading plugin \\\"io.containerd.snapshotter.v1.overlayfs\\\"... type=io.containerd.snapshotter.v1",
    "cleaning up dead shim namespace=k8s.io",
};
const std::vector<std::string_view> kEtcd = {
    "\"caller\":\"etcdserver/server.go:1402\",\"msg\":\"triggering snapshot\",\"local-member-id\":\"{hex}\",\"local-member-applied-index\":{n}",
    "\"caller\":\"mvcc/index.go:214\",\"msg\":\"compact tree index\",\"revision\":{n}",
    "\"caller\":\"mvcc/kvstore_compaction.go:57\",\"msg\":\"finished scheduled compaction\",\"compact-revision\":{n},\"took\":\"{n}.2ms\"",
    "\"caller\":\"etcdserver/api/v3rpc/interceptor.go:125\",\"msg\":\"request stats\",\"start time\":\"-\",\"time spent\":\"{n}us\",\"remote\":\"10.42.0.{n}:4567\",\"response type\":\"/etcdserverpb.KV/Range\"",
};
const std::vector<std::string_view> kPostgres = {
    "LOG:  checkpoint starting: time",
    "LOG:  checkpoint complete: wrote {n} buffers (0.{n}%); 0 WAL file(s) added, 0 removed, 1 recycled",
    "LOG:  automatic vacuum of table \"app.public.orders\": index scans: 1",
    "LOG:  connection received: host=10.42.1.{n} port={n}",
    "LOG:  connection authorized: user=app database=app application_name=psql",
    "LOG:  duration: {n}.512 ms  statement: SELECT id, status FROM orders WHERE id = {n}",
};
const std::vector<std::string_view> kNginx = {
    "GET /api/v1/orders/{n} HTTP/1.1\" 200 {n} \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" {n} 0.0{n} [{ns}-{c}-8080] 10.42.0.{n}:8080 {n} 0.004 200 {hex}",
    "POST /api/v1/checkout HTTP/1.1\" 201 {n} \"https://shop.example.com/cart\" \"Mozilla/5.0\" {n} 0.1{n} [{ns}-{c}-8080] 10.42.1.{n}:8080 {n} 0.120 201 {hex}",
    "GET /healthz HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.29\" 98 0.001 [{ns}-{c}-8080] 10.42.0.{n}:8080 2 0.001 200 {hex}",
    "GET /static/app.{hex}.js HTTP/2.0\" 304 0 \"https://shop.example.com/\" \"Mozilla/5.0\" {n} 0.002 [{ns}-{c}-80] 10.42.2.{n}:80 0 0.002 304 {hex}",
};
const std::vector<std::string_view> kAppJson = {
    "\"msg\":\"request handled\",\"method\":\"GET\",\"path\":\"/v1/items/{n}\",\"status\":200,\"duration_ms\":{n},\"trace_id\":\"{hex}\"",
    "\"msg\":\"cache hit\",\"key\":\"session:{hex}\",\"ttl_s\":{n}",
    "\"msg\":\"job completed\",\"job\":\"reindex\",\"items\":{n},\"elapsed\":\"{n}ms\"",
    "\"msg\":\"published message\",\"topic\":\"orders\",\"partition\":{n},\"offset\":{n}",
};
const std::vector<std::string_view> kHost = {
    "Started Session {n} of User core.",
    "I0604 10:00:00.000000    {n} kubelet_node_status.go:71] \"Successfully registered node\" node=\"{node}\"",
    "time=\"2026-06-04T10:00:00Z\" level=info msg=\"Tunnel server egress proxy mode: agent\"",
    "Finished logrotate.service - Rotate log files.",
    "systemd-journald[{n}]: Data hash table of /var/log/journal/{hex}/system.journal has a fill level at 75.0",
    "Accepted publickey for core from 10.0.0.{n} port {n} ssh2: ED25519 SHA256:{hex}",
};

const std::vector<std::string_view>& vocabulary(Flavor f) {
  switch (f) {
    case Flavor::klog: return kKlog;
    case Flavor::logrus: return kLogrus;
    case Flavor::etcd: return kEtcd;
    case Flavor::postgres: return kPostgres;
    case Flavor::nginx: return kNginx;
    case Flavor::app_json: return kAppJson;
  }
  return kKlog;
}

struct Context {
  std::string ns, pod, container, node;
};

// Expands {ns} {pod} {c} {node} {hex} {n} in a template; {{ and }} are literal braces.
void expand(std::string& out, std::string_view t, const Context& cx, Rng& rng) {
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '{' && i + 1 < t.size() && t[i + 1] == '{') { out += '{'; ++i; continue; }
    if (t[i] == '}' && i + 1 < t.size() && t[i + 1] == '}') { out += '}'; ++i; continue; }
    if (t[i] != '{') { out += t[i]; continue; }
    size_t end = t.find('}', i);
    std::string_view key = t.substr(i + 1, end - i - 1);
    if (key == "ns") out += cx.ns;
    else if (key == "pod") out += cx.pod;
    else if (key == "c") out += cx.container;
    else if (key == "node") out += cx.node;
    else if (key == "hex") out += hex(rng, 12);
    else out += fmt::format("{}", rng.below(9000) + 10);
    i = end;
  }
}

// The failure lines: every rule's `match` examples; a few rules dominate, as in real bundles.
struct Failures {
  std::vector<std::string> lines;
  std::string_view pick(Rng& rng) const {
    double u = rng.unit();
    return lines[static_cast<size_t>(u * u * u * static_cast<double>(lines.size()))];
  }
};

Failures load_failures(Rng& rng) {
  Failures f;
  auto texts = kdx::rules::embedded_rule_texts();
  auto rules = kdx::rules::load_rules(texts);
  if (!rules) return f;
  for (const auto& r : rules->rules())
    for (const auto& e : r.examples)
      if (e.should_match && e.text.find('\n') == std::string::npos) f.lines.push_back(e.text);
  for (size_t i = f.lines.size(); i > 1; --i) std::swap(f.lines[i - 1], f.lines[rng.below(i)]);
  return f;
}

class Writer {
 public:
  Writer(const std::string& root, const PlannedFile& pf, const Failures& fails, double rate,
         uint64_t seed)
      : path_(root + "/" + pf.path), pf_(pf), fails_(fails), rate_(rate), rng_(seed) {}
  bool run(int64_t start_ns);

 private:
  void line(bool fail);
  void message(bool fail, bool json);
  void event(bool warning);
  bool flush(bool last);

  std::string path_;
  const PlannedFile& pf_;
  const Failures& fails_;
  double rate_;
  Rng rng_;
  Context cx_;
  std::string buf_, msg_;
  int64_t now_ = 0;
  std::FILE* f_ = nullptr;
};

// The payload of one line: a failure example or a healthy template; JSON-escaped if asked.
void Writer::message(bool fail, bool json) {
  msg_.clear();
  if (fail && !fails_.lines.empty()) {
    std::string_view s = fails_.pick(rng_);
    if (json) json_escape(msg_, s);
    else msg_ += s;
    return;
  }
  const bool host = pf_.kind == FileKind::journald_json || pf_.kind == FileKind::syslog;
  if (!host || !json) return expand(msg_, rng_.pick(host ? kHost : vocabulary(pf_.flavor)), cx_, rng_);
  std::string raw;  // the host lines are written unescaped
  expand(raw, rng_.pick(kHost), cx_, rng_);
  json_escape(msg_, raw);
}

void Writer::line(bool fail) {
  Civil t = civil(now_);
  if (pf_.kind == FileKind::cri_log)
    buf_ += fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z {} F ", t.year, t.month,
                        t.day, t.hour, t.minute, t.second, t.nanos, fail ? "stderr" : "stdout");
  if (pf_.kind == FileKind::syslog) {
    message(fail, false);
    buf_ += fmt::format("{} {:2} {:02}:{:02}:{:02} {} {}[{}]: {}\n", kMonths[t.month - 1], t.day,
                        t.hour, t.minute, t.second, pf_.node, pf_.unit, 800 + rng_.below(200),
                        msg_);
    return;
  }
  if (pf_.kind == FileKind::journald_json) {
    message(fail, true);
    buf_ += fmt::format(
        "{{\"__REALTIME_TIMESTAMP\":\"{}\",\"_HOSTNAME\":\"{}\",\"PRIORITY\":\"{}\","
        "\"_SYSTEMD_UNIT\":\"{}.service\",\"SYSLOG_IDENTIFIER\":\"{}\",\"_PID\":\"{}\","
        "\"MESSAGE\":\"{}\"}}\n",
        now_ / 1000, pf_.node, fail ? 3 : 6, pf_.unit, pf_.unit, 900 + rng_.below(99), msg_);
    return;
  }
  const bool json = pf_.flavor == Flavor::etcd || pf_.flavor == Flavor::app_json;
  message(fail, json || pf_.flavor == Flavor::logrus);
  switch (pf_.flavor) {
    case Flavor::klog:
      buf_ += fmt::format("{}{:02}{:02} {:02}:{:02}:{:02}.{:06}    {} {}] {}\n", fail ? 'E' : 'I',
                          t.month, t.day, t.hour, t.minute, t.second, t.nanos / 1000,
                          1000 + rng_.below(9000), fail ? "pod_workers.go:1298" : "kubelet.go:2421",
                          msg_);
      break;
    case Flavor::logrus:
      buf_ += fmt::format("time=\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z\" level={} msg=\"{}\"\n",
                          t.year, t.month, t.day, t.hour, t.minute, t.second, t.nanos,
                          fail ? "error" : "info", msg_);
      break;
    case Flavor::etcd:
      buf_ += fmt::format("{{\"level\":\"{}\",\"ts\":\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z\",{}}}\n",
                          fail ? "warn" : "info", t.year, t.month, t.day, t.hour, t.minute,
                          t.second, t.nanos / 1000,
                          fail ? "\"caller\":\"etcdserver/server.go:921\",\"msg\":\"" + msg_ + "\""
                               : msg_);
      break;
    case Flavor::postgres:
      buf_ += fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03} UTC [{}] {}\n", t.year, t.month,
                          t.day, t.hour, t.minute, t.second, t.nanos / 1000000,
                          100 + rng_.below(900), fail ? "ERROR:  " + msg_ : msg_);
      break;
    case Flavor::nginx:
      if (fail)
        buf_ += fmt::format("{:04}/{:02}/{:02} {:02}:{:02}:{:02} [error] 7#7: *{} {}\n", t.year,
                            t.month, t.day, t.hour, t.minute, t.second, rng_.below(99999), msg_);
      else
        buf_ += fmt::format("10.42.0.{} - - [{:02}/{}/{:04}:{:02}:{:02}:{:02} +0000] \"{}\n",
                            rng_.below(250), t.day, kMonths[t.month - 1], t.year, t.hour,
                            t.minute, t.second, msg_);
      break;
    case Flavor::app_json:
      buf_ += fmt::format("{{\"time\":\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z\",\"level\":\"{}\",{}}}\n",
                          t.year, t.month, t.day, t.hour, t.minute, t.second, t.nanos / 1000000,
                          fail ? "error" : "info",
                          fail ? "\"msg\":\"" + msg_ + "\",\"service\":\"" + cx_.container + "\""
                               : msg_);
      break;
  }
}

struct EventKind {
  std::string_view reason, message, kind;
};
const std::vector<EventKind> kNormalEvents = {
    {"Scheduled", "Successfully assigned {ns}/{pod} to {node}", "Pod"},
    {"Pulled", "Container image \\\"registry.example.com/{c}:1.{n}\\\" already present on machine", "Pod"},
    {"Created", "Created container {c}", "Pod"},
    {"Started", "Started container {c}", "Pod"},
    {"SuccessfulCreate", "Created pod: {pod}", "ReplicaSet"},
    {"ScalingReplicaSet", "Scaled up replica set {pod} to {n}", "Deployment"},
};
const std::vector<EventKind> kWarningEvents = {
    {"BackOff", "Back-off restarting failed container {c} in pod {pod}_{ns}({hex})", "Pod"},
    {"Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", "Pod"},
    {"FailedScheduling", "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.", "Pod"},
    {"Failed", "Failed to pull image \\\"registry.example.com/{c}:9.{n}\\\": rpc error: code = NotFound desc = failed to pull and unpack image \\\"registry.example.com/{c}:9.{n}\\\": failed to resolve reference \\\"registry.example.com/{c}:9.{n}\\\": registry.example.com/{c}:9.{n}: not found", "Pod"},
    {"FailedMount", "MountVolume.SetUp failed for volume \\\"data\\\" : configmap \\\"{c}-config\\\" not found", "Pod"},
};

void Writer::event(bool warning) {
  const EventKind& k = rng_.pick(warning ? kWarningEvents : kNormalEvents);
  Civil t = civil(now_);
  std::string ts = fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", t.year, t.month, t.day,
                               t.hour, t.minute, t.second);
  msg_.clear();
  expand(msg_, k.message, cx_, rng_);
  buf_ += fmt::format(
      "    {{\n      \"kind\": \"Event\",\n      \"apiVersion\": \"v1\",\n      \"metadata\": {{\n"
      "        \"name\": \"{}.{}\",\n        \"namespace\": \"{}\",\n"
      "        \"creationTimestamp\": \"{}\"\n      }},\n      \"involvedObject\": {{\n"
      "        \"kind\": \"{}\",\n        \"namespace\": \"{}\",\n        \"name\": \"{}\"\n"
      "      }},\n      \"reason\": \"{}\",\n      \"message\": \"{}\",\n"
      "      \"source\": {{\n        \"component\": \"kubelet\",\n        \"host\": \"{}\"\n      }},\n"
      "      \"firstTimestamp\": \"{}\",\n      \"lastTimestamp\": \"{}\",\n      \"count\": {},\n"
      "      \"type\": \"{}\"\n    }}",
      cx_.pod, hex(rng_, 16), cx_.ns, ts, k.kind, cx_.ns, cx_.pod, k.reason, msg_, pf_.node, ts,
      ts, 1 + rng_.below(warning ? 40 : 2), warning ? "Warning" : "Normal");
}

bool Writer::flush(bool last) {
  if (buf_.size() < kFlushBytes && !last) return true;
  bool ok = std::fwrite(buf_.data(), 1, buf_.size(), f_) == buf_.size();
  buf_.clear();
  return ok;
}

bool Writer::run(int64_t start_ns) {
  f_ = std::fopen(path_.c_str(), "wb");
  if (!f_) return false;
  static const std::vector<std::string> kContainers = {"app", "api", "worker", "web", "sidecar"};
  cx_.ns = pf_.ns;
  cx_.container = rng_.pick(kContainers);
  cx_.node = pf_.node;
  cx_.pod = cx_.container + "-" + pod_suffix(rng_);
  now_ = start_ns;
  uint64_t written = 0;
  bool ok = true;
  if (pf_.kind == FileKind::events_json) {
    buf_ += "{\n  \"kind\": \"EventList\",\n  \"apiVersion\": \"v1\",\n  \"items\": [\n";
    for (bool first = true; written + buf_.size() < pf_.bytes; first = false) {
      if (!first) buf_ += ",\n";
      cx_.pod = rng_.pick(kContainers) + "-" + pod_suffix(rng_);
      event(rng_.chance(rate_ * 5));  // a bundle's events are far more often warnings
      now_ += static_cast<int64_t>(rng_.below(30)) * kdx::kNsPerSecond;
      if (buf_.size() >= kFlushBytes) {
        written += buf_.size();
        ok = ok && flush(false);
      }
    }
    buf_ += "\n  ]\n}\n";
  } else {
    while (written + buf_.size() < pf_.bytes) {
      line(rng_.chance(rate_));
      now_ += static_cast<int64_t>(rng_.below(4000000));  // up to 4 ms between lines
      if (buf_.size() >= kFlushBytes) {
        written += buf_.size();
        ok = ok && flush(false);
      }
    }
  }
  ok = ok && flush(true);
  return std::fclose(f_) == 0 && ok;
}

bool make_dirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i < path.size() && path[i] != '/') continue;
    std::string dir = path.substr(0, i);
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return false;
  }
  return true;
}

std::vector<PlannedFile> plan(uint64_t total, Rng& rng) {
  const size_t n = std::max<size_t>(
      16, static_cast<size_t>(std::llround(kFilesPerGiB * static_cast<double>(total) / kGiB)));
  const size_t n_events = std::min<size_t>(8, std::max<size_t>(2, n / 20));
  static const std::vector<std::string> kNs = {"default", "kube-system", "monitoring", "db",
                                               "web", "payments", "ingress-nginx", "logging"};
  static const std::vector<std::string> kUnits = {"k3s", "containerd", "kubelet", "systemd-networkd"};
  std::vector<PlannedFile> files(n);
  std::vector<double> weight(n);
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    PlannedFile& f = files[i];
    f.node = fmt::format("node-{}", 1 + rng.below(4));
    const double u = rng.unit();
    const std::string& ns = i < n_events ? kNs[i] : rng.pick(kNs);
    f.ns = ns;
    const auto flavor = static_cast<Flavor>(rng.below(6));
    const std::string pod = fmt::format("p{}-{}", i, hex(rng, 5));
    if (i < n_events) {
      f.kind = FileKind::events_json;
      f.path = fmt::format("cluster-resources/events/{}.json", kNs[i]);
    } else if (u < 0.55) {
      f.kind = FileKind::pod_log;
      f.flavor = flavor;
      f.path = fmt::format("cluster-resources/pods/logs/{}/{}/c{}.log", ns, pod, i);
    } else if (u < 0.82) {
      f.kind = FileKind::cri_log;
      f.flavor = flavor;
      f.path = fmt::format("node-logs/{}/var/log/pods/{}_{}_{}-{}-4{}-8{}-{}/c{}/0.log", f.node, ns,
                           pod, hex(rng, 8), hex(rng, 4), hex(rng, 3), hex(rng, 3), hex(rng, 12), i);
    } else if (u < 0.91) {
      f.kind = FileKind::journald_json;
      f.unit = rng.pick(kUnits);
      f.path = fmt::format("host-collectors/{}/journald/{}-{}.json", f.node, f.unit, i);
    } else {
      f.kind = FileKind::syslog;
      f.unit = rng.pick(kUnits);
      f.path = fmt::format("node-logs/{}/var/log/syslog.{}", f.node, i);
    }
    // Pareto (alpha 1.16: the 80/20 tail), capped so no one file is a quarter of the bundle.
    weight[i] = std::min(std::pow(1.0 - rng.unit(), -1.0 / 1.16), 60.0);
    sum += weight[i];
  }
  uint64_t spare = 0;
  double log_weight = 0;
  for (size_t i = 0; i < n; ++i) {
    files[i].bytes = static_cast<uint64_t>(static_cast<double>(total) * weight[i] / sum);
    if (files[i].kind == FileKind::events_json && files[i].bytes > kMaxEventsFile) {
      spare += files[i].bytes - kMaxEventsFile;
      files[i].bytes = kMaxEventsFile;
    } else if (files[i].kind != FileKind::events_json) {
      log_weight += weight[i];
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (files[i].kind != FileKind::events_json)
      files[i].bytes += static_cast<uint64_t>(static_cast<double>(spare) * weight[i] / log_weight);
  return files;
}

std::optional<uint64_t> parse_size(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t mult = 1;
  switch (s.back()) {
    case 'K': case 'k': mult = 1ull << 10; break;
    case 'M': case 'm': mult = 1ull << 20; break;
    case 'G': case 'g': mult = 1ull << 30; break;
    default: break;
  }
  if (mult != 1) s.remove_suffix(1);
  char* end = nullptr;
  std::string str(s);
  double v = std::strtod(str.c_str(), &end);
  if (end == str.c_str() || *end != '\0' || v <= 0) return std::nullopt;
  return static_cast<uint64_t>(v * static_cast<double>(mult));
}

int usage() {
  std::fputs("usage: kdx-datagen --seed N --size SIZE[K|M|G] --out DIR [--fail-rate R]\n", stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t seed = 1, size = 0;
  double rate = 0.02;
  std::string out;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view k = argv[i], v = argv[i + 1];
    if (k == "--seed") seed = std::strtoull(argv[i + 1], nullptr, 10);
    else if (k == "--size") size = parse_size(v).value_or(0);
    else if (k == "--out") out = v;
    else if (k == "--fail-rate") rate = std::strtod(argv[i + 1], nullptr);
    else return usage();
  }
  if (argc % 2 == 0 || size == 0 || out.empty() || rate < 0 || rate > 1) return usage();
  Rng rng(seed);
  Failures fails = load_failures(rng);
  std::vector<PlannedFile> files = plan(size, rng);
  const int64_t base = kdx::make_utc(2026, 6, 4, 0, 0, 0)->unix_ns;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string full = out + "/" + files[i].path;
    if (!make_dirs(full.substr(0, full.rfind('/')))) {
      std::fprintf(stderr, "kdx-datagen: cannot create %s: %s\n", full.c_str(), std::strerror(errno));
      return 1;
    }
    Writer w(out, files[i], fails, rate, seed * 1000003 + i);
    if (!w.run(base + static_cast<int64_t>(rng.below(3600)) * kdx::kNsPerSecond)) {
      std::fprintf(stderr, "kdx-datagen: cannot write %s\n", full.c_str());
      return 1;
    }
  }
  std::fprintf(stderr, "kdx-datagen: %zu files, %llu bytes in %s\n", files.size(),
               static_cast<unsigned long long>(size), out.c_str());
  return 0;
}
