// `kubectl get pods -o json`: a PodList or List of Pods, one Pod, a bare array, or several such
// documents in a row. Each pod yields pod_status records for what is wrong with it: container
// states (waiting, failed terminations, last terminations), conditions that are False with a
// message (Unschedulable), and the pod's own reason/message (Evicted). Shapes: k8s_util.h.
#include <vector>

#include "core/text.h"
#include "formats/k8s_json.h"

namespace kdx::formats::detail {
namespace {

struct StateFields {
  bool present = false;
  std::string_view reason, message;
  int64_t exit_code = 0;
  Timestamp started, finished;
};

struct ContainerFields {
  std::string_view name;
  StateFields waiting, terminated, last_terminated;
  int64_t restarts = 0;
};

struct ConditionFields {
  std::string_view type, status, reason, message;
  Timestamp at;
};

struct PodFields {
  std::string_view name, ns, reason, message;
  std::vector<ConditionFields> conditions;
  std::vector<ContainerFields> containers;
};

class PodsJson {
 public:
  PodsJson(JsonReader& reader, const SplitInput& in, RecordBatch& batch, Problems& problems)
      : r_(reader), in_(in), batch_(batch), problems_(problems) {}

  bool document(od::value root, uint64_t line) { return walker_.document(root, line); }

 private:
  bool field(std::string_view key, od::value v, const JsonItem& item, PodFields& p) {
    if (key == "metadata") return metadata(v, item, p);
    if (key == "status") return status(v, item, p);
    return true;
  }

  bool metadata(od::value v, const JsonItem& item, PodFields& p) {
    od::object obj;
    bool found = false;
    if (!r_.object(v, item, "metadata", obj, found)) return false;
    if (!found) return true;
    return r_.fields(obj, [&](std::string_view key, od::value val) {
      if (key == "name") return r_.string(val, item, "metadata.name", p.name);
      if (key == "namespace") return r_.string(val, item, "metadata.namespace", p.ns);
      return true;
    });
  }

  bool status(od::value v, const JsonItem& item, PodFields& p) {
    od::object obj;
    bool found = false;
    if (!r_.object(v, item, "status", obj, found)) return false;
    if (!found) return true;
    return r_.fields(obj, [&](std::string_view key, od::value val) {
      if (key == "reason") return r_.string(val, item, "status.reason", p.reason);
      if (key == "message") return r_.string(val, item, "status.message", p.message);
      if (key == "conditions") return conditions(val, item, p);
      if (key == "containerStatuses" || key == "initContainerStatuses" ||
          key == "ephemeralContainerStatuses")
        return containers(val, item, key, p);
      return true;
    });
  }

  bool conditions(od::value v, const JsonItem& item, PodFields& p) {
    od::array arr;
    bool found = false;
    if (!r_.array(v, item, "conditions", arr, found)) return false;
    if (!found) return true;
    return r_.elements(arr, [&](od::value el) {
      od::object obj;
      bool is_object = false;
      if (!r_.object(el, item, "conditions[]", obj, is_object)) return false;
      if (!is_object) return true;
      ConditionFields& c = p.conditions.emplace_back();
      return r_.fields(obj, [&](std::string_view key, od::value val) {
        if (key == "type") return r_.string(val, item, "conditions.type", c.type);
        if (key == "status") return r_.string(val, item, "conditions.status", c.status);
        if (key == "reason") return r_.string(val, item, "conditions.reason", c.reason);
        if (key == "message") return r_.string(val, item, "conditions.message", c.message);
        if (key == "lastTransitionTime")
          return r_.timestamp(val, item, "conditions.lastTransitionTime", c.at);
        return true;
      });
    });
  }

  bool containers(od::value v, const JsonItem& item, std::string_view field, PodFields& p) {
    od::array arr;
    bool found = false;
    if (!r_.array(v, item, field, arr, found)) return false;
    if (!found) return true;
    return r_.elements(arr, [&](od::value el) {
      od::object obj;
      bool is_object = false;
      if (!r_.object(el, item, field, obj, is_object)) return false;
      if (!is_object) return true;
      ContainerFields& c = p.containers.emplace_back();
      return r_.fields(obj, [&](std::string_view key, od::value val) {
        if (key == "name") return r_.string(val, item, "name", c.name);
        if (key == "restartCount") return r_.integer(val, item, "restartCount", c.restarts);
        if (key == "state") return state(val, item, key, &c.waiting, &c.terminated);
        if (key == "lastState") return state(val, item, key, nullptr, &c.last_terminated);
        return true;
      });
    });
  }

  // state {waiting, terminated, running} or lastState; `waiting` null: not read.
  bool state(od::value v, const JsonItem& item, std::string_view field, StateFields* waiting,
             StateFields* terminated) {
    od::object obj;
    bool found = false;
    if (!r_.object(v, item, field, obj, found)) return false;
    if (!found) return true;
    return r_.fields(obj, [&](std::string_view key, od::value val) {
      if (key == "waiting" && waiting) return state_detail(val, item, "waiting", *waiting);
      if (key == "terminated") return state_detail(val, item, "terminated", *terminated);
      return true;
    });
  }

  bool state_detail(od::value v, const JsonItem& item, std::string_view field, StateFields& s) {
    od::object obj;
    if (!r_.object(v, item, field, obj, s.present)) return false;
    if (!s.present) return true;
    return r_.fields(obj, [&](std::string_view key, od::value val) {
      if (key == "reason") return r_.string(val, item, "reason", s.reason);
      if (key == "message") return r_.string(val, item, "message", s.message);
      if (key == "exitCode") return r_.integer(val, item, "exitCode", s.exit_code);
      if (key == "startedAt") return r_.timestamp(val, item, "startedAt", s.started);
      if (key == "finishedAt") return r_.timestamp(val, item, "finishedAt", s.finished);
      return true;
    });
  }

  void emit(const PodFields& p, uint64_t line) {
    ResourceRef res = in_.res;
    if (!p.name.empty()) {
      res = ResourceRef{};
      res.ns = p.ns.empty() ? in_.res.ns : p.ns;
      res.pod = p.name;
    }
    if (!p.reason.empty() || !trim(p.message).empty())
      push(res, p.reason, pod_reason_message(p.reason, p.message), {}, line);
    for (const ConditionFields& c : p.conditions) {
      if (c.status == "False" && !trim(c.message).empty())
        push(res, c.reason, pod_condition_message(c.type, c.reason, c.message), c.at, line);
    }
    for (const ContainerFields& c : p.containers) {
      ResourceRef cres = res;
      cres.container = c.name;
      emit_state(cres, c, StateKind::waiting, c.waiting, line);
      emit_state(cres, c, StateKind::terminated, c.terminated, line);
      emit_state(cres, c, StateKind::last_terminated, c.last_terminated, line);
    }
  }

  void emit_state(const ResourceRef& res, const ContainerFields& c, StateKind kind,
                  const StateFields& s, uint64_t line) {
    if (!s.present) return;
    const ContainerState state{kind, c.name, s.reason, s.message, s.exit_code, c.restarts};
    if (!state_is_interesting(state)) return;
    // A termination is dated by its end; a waiting state carries no time.
    push(res, s.reason, container_state_message(state), s.finished.known() ? s.finished : s.started,
         line);
  }

  void push(const ResourceRef& res, std::string_view reason, std::string message, Timestamp ts,
            uint64_t line) {
    Record r;
    r.kind = SourceKind::pod_status;
    r.res = res;
    r.reason = reason;
    r.message = batch_.arena.keep(std::move(message));
    r.text = r.message;
    r.ts = ts;
    r.first_ts = ts;
    r.line = line;
    push_record(r, in_, batch_, problems_);
  }

  JsonReader& r_;
  const SplitInput& in_;
  RecordBatch& batch_;
  Problems& problems_;
  ObjectWalker<PodFields> walker_{
      r_, "pod",
      [this](std::string_view key, od::value v, const JsonItem& item, PodFields& p) {
        return field(key, v, item, p);
      },
      [this](PodFields& p, std::string_view kind, const JsonItem& item) {
        if (kind.empty() || kind == "Pod") emit(p, item.line);
      }};
};

}  // namespace

void split_pods_json(const SplitInput& in, RecordBatch& batch, Problems& problems) {
  JsonReader reader(in, batch, problems);
  PodsJson pods(reader, in, batch, problems);
  reader.for_each_document([&](od::value root, uint64_t line) { return pods.document(root, line); });
}

}  // namespace kdx::formats::detail
