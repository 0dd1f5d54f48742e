// `kubectl get events -o json`: a v1 EventList or List of Events, one Event, events.k8s.io/v1
// Events (regarding/note/deprecated*), a bare array of Events, or several such documents in a
// row. Each Event becomes one event record (shape: push_event in k8s_util.h).
#include <fmt/format.h>

#include "formats/k8s_json.h"

namespace kdx::formats::detail {
namespace {

class EventsJson {
 public:
  EventsJson(JsonReader& reader, const SplitInput& in, RecordBatch& batch, Problems& problems)
      : r_(reader), in_(in), batch_(batch), problems_(problems) {}

  bool document(od::value root, uint64_t line) {
    const auto type = r_.type_of(root);
    if (!type) return false;
    if (*type == od::json_type::object) return event(root, {"event", 1, line}, true);
    od::array arr;
    if (auto e = root.get_array().get(arr)) return r_.fail(e);
    return each_event(arr);
  }

 private:
  bool each_event(od::array arr) {
    size_t index = 0;
    return r_.elements(arr, [&](od::value v) {
      return event(v, {"event", ++index, r_.line_of(v)}, false);
    });
  }

  // One Event object; `top` also accepts a list's "items". Non-objects are skipped.
  bool event(od::value v, const JsonItem& item, bool top) {
    const auto type = r_.type_of(v);
    if (!type) return false;
    if (*type != od::json_type::object) return true;
    // A list cut short is still read for its items; an item the cut went through is not.
    const bool whole = r_.whole(v);
    if (!whole && !top) return true;
    od::object obj;
    if (auto e = v.get_object().get(obj)) return r_.fail(e);
    EventFields ev;
    ev.line = item.line;
    std::string_view kind;
    const bool ok = r_.fields(obj, [&](std::string_view key, od::value val) {
      if (key == "kind") return r_.string(val, item, key, kind);
      if (key == "items" && top) return items(val, item);
      return field(key, val, item, ev);
    });
    if (!ok) return false;
    if (!whole || (!kind.empty() && kind != "Event") || (ev.message.empty() && ev.reason.empty()))
      return true;  // cut short, a list wrapper, another kind of object, or nothing to say
    push_event(ev, in_, batch_, problems_);
    return true;
  }

  bool items(od::value v, const JsonItem& item) {
    od::array arr;
    bool found = false;
    if (!r_.array(v, item, "items", arr, found)) return false;
    return !found || each_event(arr);
  }

  bool field(std::string_view key, od::value v, const JsonItem& item, EventFields& ev) {
    if (key == "reason") return r_.string(v, item, key, ev.reason);
    if (key == "message" || key == "note") return r_.string(v, item, key, ev.message);
    if (key == "type") return r_.string(v, item, key, ev.type);
    if (key == "count" || key == "deprecatedCount") return r_.integer(v, item, key, ev.count);
    if (key == "firstTimestamp" || key == "deprecatedFirstTimestamp")
      return r_.timestamp(v, item, key, ev.first);
    if (key == "lastTimestamp" || key == "deprecatedLastTimestamp")
      return r_.timestamp(v, item, key, ev.last);
    if (key == "eventTime") return r_.timestamp(v, item, key, ev.event_time);
    if (key == "involvedObject" || key == "regarding") return object_ref(v, item, key, ev);
    if (key == "metadata") return metadata(v, item, ev);
    if (key == "series") return series(v, item, ev);
    return true;
  }

  bool object_ref(od::value v, const JsonItem& item, std::string_view name, EventFields& ev) {
    od::object obj;
    bool found = false;
    if (!r_.object(v, item, name, obj, found)) return false;
    if (!found) return true;
    const bool v1 = name == "involvedObject";  // events.k8s.io/v1 says "regarding"
    return r_.fields(obj, [&](std::string_view key, od::value val) {
      if (key == "kind")
        return r_.string(val, item, v1 ? "involvedObject.kind" : "regarding.kind", ev.obj_kind);
      if (key == "namespace")
        return r_.string(val, item, v1 ? "involvedObject.namespace" : "regarding.namespace",
                         ev.obj_ns);
      if (key == "name")
        return r_.string(val, item, v1 ? "involvedObject.name" : "regarding.name", ev.obj_name);
      if (key == "fieldPath")
        return r_.string(val, item, v1 ? "involvedObject.fieldPath" : "regarding.fieldPath",
                         ev.field_path);
      return true;
    });
  }

  bool metadata(od::value v, const JsonItem& item, EventFields& ev) {
    od::object obj;
    bool found = false;
    if (!r_.object(v, item, "metadata", obj, found)) return false;
    if (!found) return true;
    return r_.fields(obj, [&](std::string_view key, od::value val) {
      if (key == "namespace") return r_.string(val, item, "metadata.namespace", ev.meta_ns);
      if (key == "creationTimestamp")
        return r_.timestamp(val, item, "metadata.creationTimestamp", ev.created);
      return true;
    });
  }

  bool series(od::value v, const JsonItem& item, EventFields& ev) {
    od::object obj;
    if (!r_.object(v, item, "series", obj, ev.has_series)) return false;
    if (!ev.has_series) return true;
    return r_.fields(obj, [&](std::string_view key, od::value val) {
      if (key == "count") return r_.integer(val, item, "series.count", ev.series_count);
      if (key == "lastObservedTime")
        return r_.timestamp(val, item, "series.lastObservedTime", ev.series_last);
      return true;
    });
  }

  JsonReader& r_;
  const SplitInput& in_;
  RecordBatch& batch_;
  Problems& problems_;
};

}  // namespace

void split_events_json(const SplitInput& in, RecordBatch& batch, Problems& problems) {
  JsonReader reader(in, batch, problems);
  EventsJson events(reader, in, batch, problems);
  reader.for_each_document([&](od::value root, uint64_t line) {
    return events.document(root, line);
  });
}

}  // namespace kdx::formats::detail
