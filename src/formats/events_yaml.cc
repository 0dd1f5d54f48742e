// `kubectl get events -o yaml`: a List/EventList with items, one Event, or several `---`
// documents, read with the same fields as events JSON (v1 and events.k8s.io/v1). Documents are
// parsed one at a time so a broken one costs only itself. yaml-cpp throws: every exception is
// caught in this file and becomes a Problem "invalid YAML: <msg>" at the line it names.
#include <string>

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "formats/k8s_util.h"

namespace kdx::formats::detail {
namespace {

struct Item {
  size_t index = 1;
  uint64_t line = 0;
};

class EventsYaml {
 public:
  EventsYaml(const SplitInput& in, RecordBatch& batch, Problems& problems)
      : in_(in), batch_(batch), problems_(problems) {}

  // One `---` document starting at `first_line`; may throw YAML::Exception.
  void document(const std::string& text, uint64_t first_line) {
    first_line_ = first_line;
    const YAML::Node root = YAML::Load(text);
    if (root.IsMap()) {
      event(root, {1, line_of(root)}, true);
    } else if (root.IsSequence()) {
      each_event(root);
    } else if (root.IsScalar()) {
      problems_.push_back({where(in_, line_of(root)),
                           "invalid YAML: expected a mapping or a sequence of events"});
    }
  }

 private:
  uint64_t line_of(const YAML::Node& n) const {
    return first_line_ + static_cast<uint64_t>(std::max(n.Mark().line, 0));
  }

  void each_event(const YAML::Node& seq) {
    size_t index = 0;
    for (const YAML::Node& el : seq) {
      ++index;
      if (el.IsMap()) event(el, {index, line_of(el)}, false);
    }
  }

  void event(const YAML::Node& map, const Item& item, bool top) {
    EventFields ev;
    ev.line = item.line;
    std::string_view kind;
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) continue;
      const std::string& key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (key == "kind") {
        string(v, item, key, kind);
      } else if (key == "items" && top) {
        if (v.IsSequence()) each_event(v);
        else if (!v.IsNull()) wrong_type(item, key, "an array");
      } else {
        field(key, v, item, ev);
      }
    }
    if ((!kind.empty() && kind != "Event") || (ev.message.empty() && ev.reason.empty())) return;
    push_event(ev, in_, batch_, problems_);
  }

  void field(const std::string& key, const YAML::Node& v, const Item& item, EventFields& ev) {
    if (key == "reason") string(v, item, key, ev.reason);
    else if (key == "message" || key == "note") string(v, item, key, ev.message);
    else if (key == "type") string(v, item, key, ev.type);
    else if (key == "count" || key == "deprecatedCount") integer(v, item, key, ev.count);
    else if (key == "firstTimestamp" || key == "deprecatedFirstTimestamp")
      timestamp(v, item, key, ev.first);
    else if (key == "lastTimestamp" || key == "deprecatedLastTimestamp")
      timestamp(v, item, key, ev.last);
    else if (key == "eventTime") timestamp(v, item, key, ev.event_time);
    else if (key == "involvedObject" || key == "regarding") object_ref(v, item, key, ev);
    else if (key == "metadata") metadata(v, item, ev);
    else if (key == "series") series(v, item, ev);
  }

  void object_ref(const YAML::Node& v, const Item& item, const std::string& name, EventFields& ev) {
    if (!is_map(v, item, name)) return;
    for (const auto& kv : v) {
      if (!kv.first.IsScalar()) continue;
      const std::string& key = kv.first.Scalar();
      const std::string field = fmt::format("{}.{}", name, key);
      if (key == "kind") string(kv.second, item, field, ev.obj_kind);
      else if (key == "namespace") string(kv.second, item, field, ev.obj_ns);
      else if (key == "name") string(kv.second, item, field, ev.obj_name);
      else if (key == "fieldPath") string(kv.second, item, field, ev.field_path);
    }
  }

  void metadata(const YAML::Node& v, const Item& item, EventFields& ev) {
    if (!is_map(v, item, "metadata")) return;
    if (const YAML::Node ns = v["namespace"]) string(ns, item, "metadata.namespace", ev.meta_ns);
    if (const YAML::Node created = v["creationTimestamp"])
      timestamp(created, item, "metadata.creationTimestamp", ev.created);
  }

  void series(const YAML::Node& v, const Item& item, EventFields& ev) {
    if (!is_map(v, item, "series")) return;
    ev.has_series = true;
    if (const YAML::Node count = v["count"]) integer(count, item, "series.count", ev.series_count);
    if (const YAML::Node last = v["lastObservedTime"])
      timestamp(last, item, "series.lastObservedTime", ev.series_last);
  }

  bool is_map(const YAML::Node& v, const Item& item, std::string_view field) {
    if (v.IsMap()) return true;
    if (!v.IsNull()) wrong_type(item, field, "an object");
    return false;
  }

  void string(const YAML::Node& v, const Item& item, std::string_view field,
              std::string_view& out) {
    if (v.IsScalar()) out = batch_.arena.keep(v.Scalar());
    else if (!v.IsNull()) wrong_type(item, field, "a string");
  }

  void integer(const YAML::Node& v, const Item& item, std::string_view field, int64_t& out) {
    if (v.IsNull()) return;
    long long n = 0;
    if (v.IsScalar() && YAML::convert<long long>::decode(v, n)) out = n;
    else wrong_type(item, field, "a number");
  }

  void timestamp(const YAML::Node& v, const Item& item, std::string_view field, Timestamp& out) {
    if (v.IsNull() || (v.IsScalar() && v.Scalar().empty())) return;
    if (v.IsScalar()) {
      if (auto ts = parse_rfc3339(v.Scalar())) {
        out = *ts;
        return;
      }
    }
    wrong_type(item, field, "a timestamp");
  }

  void wrong_type(const Item& item, std::string_view field, std::string_view expected) {
    problems_.push_back({where(in_, item.line), fmt::format("event {}: field '{}' is not {}",
                                                            item.index, field, expected)});
  }

  const SplitInput& in_;
  RecordBatch& batch_;
  Problems& problems_;
  uint64_t first_line_ = 1;
};

// A `---` line (optionally followed by a space and more) starts a new document.
bool is_document_start(std::string_view line) {
  return line.starts_with("---") && (line.size() == 3 || line[3] == ' ' || line[3] == '\t');
}

}  // namespace

void split_events_yaml(const SplitInput& in, RecordBatch& batch, Problems& problems) {
  EventsYaml events(in, batch, problems);
  const std::vector<TextLine> lines = split_lines(in.bytes, in.first_line);
  if (lines.empty()) return;
  size_t start = 0;  // index of the document's first line
  for (size_t i = 0; i <= lines.size(); ++i) {
    if (i < lines.size() && (i == start || !is_document_start(lines[i].text))) continue;
    const size_t begin = lines[start].offset;
    const size_t end = i < lines.size() ? lines[i].offset : in.bytes.size();
    const uint64_t first_line = lines[start].line;
    start = i;
    try {
      events.document(std::string(in.bytes.substr(begin, end - begin)), first_line);
    } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's guard against stack overflow
      problems.push_back({where(in, first_line + static_cast<uint64_t>(std::max(e.mark.line, 0))),
                          "invalid YAML: nested too deeply"});
    } catch (const YAML::ParserException& e) {
      problems.push_back({where(in, first_line + static_cast<uint64_t>(std::max(e.mark.line, 0))),
                          fmt::format("invalid YAML: {}", e.msg)});
    } catch (const YAML::Exception& e) {
      problems.push_back({where(in, first_line), fmt::format("invalid YAML: {}", e.msg)});
    } catch (const std::exception& e) {
      problems.push_back({where(in, first_line), fmt::format("invalid YAML: {}", e.what())});
    }
  }
}

}  // namespace kdx::formats::detail
