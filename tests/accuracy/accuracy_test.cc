// The accuracy suite: ticket-sized excerpts in the shapes people paste (events tables, describe
// output, journalctl, kubectl logs, dmesg, docker CLI errors), each labelled by its directory
// under tests/accuracy/cases/: a rule id that must rank first, or "healthy" (healthy output and
// near misses that must raise nothing above low). Every excerpt runs through the whole
// pipeline with the embedded rules. The suite prints recall and false alarms and every miss,
// and fails below kMinRecall or on any false alarm.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cli/commands.h"
#include "pipeline/pipeline.h"
#include "support/paths.h"

namespace kdx::pipeline {
namespace {

namespace fs = std::filesystem;

constexpr double kMinRecall = 0.95;
constexpr size_t kMinLabelled = 120;  // excerpts whose label is a rule id
constexpr size_t kMinHealthy = 30;
constexpr size_t kMinLines = 3, kMaxLines = 40;
const std::string kHealthy = "healthy";

struct Case {
  std::string label;  // rule id or "healthy"
  std::string path;   // absolute
  std::string name;   // "<label>/<file>", for messages
};

std::string cases_dir() { return test::source_dir() + "/tests/accuracy/cases"; }

std::vector<Case> list_cases() {
  std::vector<Case> out;
  for (const auto& dir : fs::directory_iterator(cases_dir())) {
    if (!dir.is_directory()) continue;
    for (const auto& file : fs::directory_iterator(dir.path())) {
      if (!file.is_regular_file()) continue;
      const std::string label = dir.path().filename().string();
      out.push_back({label, file.path().string(), label + "/" + file.path().filename().string()});
    }
  }
  std::sort(out.begin(), out.end(), [](const Case& a, const Case& b) { return a.name < b.name; });
  return out;
}

size_t count_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

// What one excerpt gave: its first finding, and its most severe one.
struct Outcome {
  std::string first_id;  // empty: no finding
  Severity first_severity = Severity::info;
  Severity worst = Severity::info;
  std::string worst_id;
};

class Accuracy : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto rules = cli::load_database({});
    ASSERT_TRUE(rules) << rules.error().message;
    rules_ = new rules::RuleSet(std::move(*rules));
    auto m = match::Matcher::compile(*rules_);
    ASSERT_TRUE(m) << m.error().message;
    matcher_ = new match::Matcher(std::move(*m));
  }
  static void TearDownTestSuite() {
    delete matcher_;
    delete rules_;
    matcher_ = nullptr;
    rules_ = nullptr;
  }

  static Outcome run(const Case& c) {
    RunOptions opts;
    opts.jobs = 1;
    const analyze::Analysis a = analyze_inputs({c.path}, *matcher_, opts);
    Outcome o;
    if (!a.findings.empty()) {
      o.first_id = a.findings.front().id;
      o.first_severity = a.findings.front().severity;
    }
    for (const auto& f : a.findings)
      if (o.worst_id.empty() || f.severity > o.worst) {
        o.worst = f.severity;
        o.worst_id = f.id;
      }
    return o;
  }

  static rules::RuleSet* rules_;
  static match::Matcher* matcher_;
};
rules::RuleSet* Accuracy::rules_ = nullptr;
match::Matcher* Accuracy::matcher_ = nullptr;

TEST_F(Accuracy, CasesAreLabelledExcerptsOfTicketSize) {
  const std::vector<Case> cases = list_cases();
  size_t labelled = 0, healthy = 0;
  for (const Case& c : cases) {
    (c.label == kHealthy ? healthy : labelled)++;
    if (c.label != kHealthy) {
      EXPECT_TRUE(rules_->find(c.label)) << c.name << ": no rule with this id";
    }
    const size_t lines = count_lines(c.path);
    EXPECT_GE(lines, kMinLines) << c.name;
    EXPECT_LE(lines, kMaxLines) << c.name;
  }
  EXPECT_GE(labelled, kMinLabelled);
  EXPECT_GE(healthy, kMinHealthy);
}

// Every rule of the database is the expected first finding of at least one excerpt.
TEST_F(Accuracy, EveryRuleHasAnExcerpt) {
  std::set<std::string> labels;
  for (const Case& c : list_cases()) labels.insert(c.label);
  for (const auto& r : rules_->rules()) {
    EXPECT_TRUE(labels.count(r.id)) << "no excerpt for " << r.id;
  }
}

TEST_F(Accuracy, RecallAndFalseAlarms) {
  size_t labelled = 0, hits = 0, healthy = 0, false_alarms = 0, above_low = 0;
  std::vector<std::string> misses;
  for (const Case& c : list_cases()) {
    const Outcome o = run(c);
    if (c.label == kHealthy) {
      ++healthy;
      if (o.worst >= Severity::high) ++false_alarms;
      if (o.worst > Severity::low) {
        ++above_low;
        misses.push_back(fmt::format("  false alarm: {}: {} ({})", c.name, o.worst_id,
                                     to_string(o.worst)));
      }
      continue;
    }
    ++labelled;
    if (o.first_id == c.label) {
      ++hits;
    } else {
      misses.push_back(fmt::format("  miss: {}: first is {}", c.name,
                                   o.first_id.empty() ? std::string("nothing")
                                                      : fmt::format("{} ({})", o.first_id,
                                                                    to_string(o.first_severity))));
    }
  }
  ASSERT_GT(labelled, 0u);
  const double recall = static_cast<double>(hits) / static_cast<double>(labelled);
  std::string report = fmt::format(
      "accuracy: recall {}/{} = {:.1f}%, false alarms {}/{} (high or critical), above low {}/{}\n",
      hits, labelled, 100.0 * recall, false_alarms, healthy, above_low, healthy);
  for (const auto& m : misses) report += m + "\n";
  std::fputs(report.c_str(), stdout);
  EXPECT_GE(recall, kMinRecall) << report;
  EXPECT_EQ(false_alarms, 0u) << report;
  // Healthy chatter with scary words raises nothing above low (transient findings are info).
  EXPECT_EQ(above_low, 0u) << report;
}

}  // namespace
}  // namespace kdx::pipeline
