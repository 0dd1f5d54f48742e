// Every rule of the embedded database, run against its own examples: each `match` line must
// hit one of the rule's signals and each `no_match` line none. A failure names rule and line.
#include <gtest/gtest.h>

#include "match/match.h"

namespace kdx::match {
namespace {

TEST(EmbeddedRules, EveryExampleBehaves) {
  auto texts = rules::embedded_rule_texts();
  auto rules = rules::load_rules(texts);
  ASSERT_TRUE(rules) << rules.error().message;
  auto matcher = Matcher::compile(*rules);
  ASSERT_TRUE(matcher) << matcher.error().message;
  for (const auto& f : check_examples(*matcher))
    ADD_FAILURE() << f.file << ":" << f.line << " (" << f.rule_id << "): "
                  << (f.should_match ? "match example does not match: " : "no_match example matches: ")
                  << f.text;
}

TEST(EmbeddedRules, EveryCatalogRuleHasTheExamplesTheCatalogAsksFor) {
  auto texts = rules::embedded_rule_texts();
  auto rules = rules::load_rules(texts);
  ASSERT_TRUE(rules) << rules.error().message;
  for (const auto& r : rules->rules()) {
    int pos = 0, neg = 0;
    for (const auto& e : r.examples) (e.should_match ? pos : neg)++;
    EXPECT_GE(pos, 3) << r.file << ":" << r.line << " (" << r.id << ")";
    EXPECT_GE(neg, 2) << r.file << ":" << r.line << " (" << r.id << ")";
    EXPECT_FALSE(r.references.empty()) << r.id;
    EXPECT_FALSE(r.fix.empty()) << r.id;
  }
}

TEST(EmbeddedRules, SeedIncidentIdsExist) {
  auto texts = rules::embedded_rule_texts();
  auto rules = rules::load_rules(texts);
  ASSERT_TRUE(rules) << rules.error().message;
  for (const char* id :
       {"volume.wrong-ownership", "security.runasnonroot-root-image", "etcd.v2-api-on-v3",
        "etcd.tls-scheme-mismatch", "docker.socket-permission-denied", "docker.bridge-no-ipv4",
        "docker.dns-resolution-failure", "storage.no-default-storageclass",
        "scheduling.untolerated-taint", "postgres.pg-hba-reject", "probe.readiness-http-error",
        "network.connection-refused", "monitoring.scrape-target-down", "haproxy.backend-down",
        "rbac.forbidden", "container.crashloop", "container.oom-killed", "image.pull-backoff",
        "image.not-found", "image.registry-unauthorized", "image.registry-x509"})
    EXPECT_TRUE(rules->find(id)) << id;
}

}  // namespace
}  // namespace kdx::match
