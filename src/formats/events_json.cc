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

  bool document(od::value root, uint64_t line) { return walker_.document(root, line); }

 private:
  // A whole object of kind Event (or of no kind) with something to say becomes a record.
  void done(EventFields& ev, std::string_view kind, const JsonItem& item) {
    if ((!kind.empty() && kind != "Event") || (ev.message.empty() && ev.reason.empty())) return;
    ev.line = item.line;
    push_event(ev, in_, batch_, problems_);
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
  ObjectWalker<EventFields> walker_{
      r_, "event",
      [this](std::string_view key, od::value v, const JsonItem& item, EventFields& ev) {
        return field(key, v, item, ev);
      },
      [this](EventFields& ev, std::string_view kind, const JsonItem& item) { done(ev, kind, item); }};
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
