#include <gtest/gtest.h>

#include "report/report.h"

namespace kdx::report {
namespace {

// One string through redact(), as the first evidence line of a one-finding report.
std::string redacted(const std::string& text) {
  analyze::Analysis a;
  analyze::Finding f;
  f.id = "x";
  f.evidence = {{"p.log", 1, {}, text}};
  a.findings.push_back(f);
  redact(a);
  return a.findings[0].evidence[0].text;
}

TEST(Redact, Ipv4AddressesAreMaskedConsistently) {
  EXPECT_EQ(redacted("dial tcp 10.43.7.2:5432: connect: connection refused"),
            "dial tcp <ip-1>:5432: connect: connection refused");
  EXPECT_EQ(redacted("from 192.168.1.20 to 10.0.0.1 and back to 192.168.1.20."),
            "from <ip-1> to <ip-2> and back to <ip-1>.");
  EXPECT_EQ(redacted("pod CIDR 10.42.0.0/16, node (172.18.0.3)"),
            "pod CIDR <ip-1>/16, node (<ip-2>)");
  EXPECT_EQ(redacted("ip=255.255.255.255,x"), "ip=<ip-1>,x");
}

TEST(Redact, VersionsAndOtherDottedNumbersStay) {
  for (const char* kept :
       {"image v1.2.3.4 pulled", "chart 1.2.3.4.5", "1.2.3.4a", "x1.2.3.4", "999.1.1.1", "1.2.3",
        "256.1.1.1", "01.2.3.4", "10.0.0.1.2", "kept: 127.0.0.1 and 0.0.0.0"})
    EXPECT_EQ(redacted(kept), kept);
}

TEST(Redact, Ipv6AddressesAreMaskedButTimesAndMacsStay) {
  EXPECT_EQ(redacted("listen on [2001:db8::1]:443 and fe80::1ff:fe23:4567:890a%eth0"),
            "listen on [<ip-1>]:443 and <ip-2>%eth0");
  EXPECT_EQ(redacted("mapped ::ffff:10.1.2.3 and 2001:0db8:0000:0000:0000:ff00:0042:8329."),
            "mapped <ip-1> and <ip-2>.");
  EXPECT_EQ(redacted("route fe80::1: no route to host"), "route <ip-1>: no route to host");
  for (const char* kept :
       {"at 10:00:00 and 2025-11-20T09:22:21.647Z", "09:22:21.647 UTC", "mac aa:bb:cc:dd:ee:ff",
        "std::string and Foo::Bar", "a::b::c", "loopback ::1 and any ::", "1:2:3:4:5:6:7:8:9",
        "hello-node::10.129.2.20x"})
    EXPECT_EQ(redacted(kept), kept);
  // A name glued to "::" is not an address; the IPv4 after it is.
  EXPECT_EQ(redacted("hello-node::10.129.2.20:8080"), "hello-node::<ip-1>:8080");
}

TEST(Redact, EmailAddresses) {
  EXPECT_EQ(redacted("notify ops@example.com, Jane.Doe+k8s@mail.corp.example.org; ops@example.com"),
            "notify <email-1>, <email-2>; <email-1>");
  for (const char* kept : {"image postgres@sha256:abcdef", "golang.org/x/net@v0.17.0", "a@b"})
    EXPECT_EQ(redacted(kept), kept);
}

TEST(Redact, BearerTokensAndJwts) {
  EXPECT_EQ(redacted("Authorization: Bearer x"), "Authorization: Bearer <token-1>");
  EXPECT_EQ(redacted("authorization=bearer abc.def-ghi"), "authorization=bearer <token-1>");
  EXPECT_EQ(redacted("curl -H 'Authorization: Basic dXNlcjpwYXNz'"),
            "curl -H 'Authorization: Basic <token-1>'");
  EXPECT_EQ(redacted("sent Bearer 8f14e45fceea167a5a36dedd4bea2543 upstream"),
            "sent Bearer <token-1> upstream");
  const std::string jwt =
      "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXBhcnQ";
  EXPECT_EQ(redacted("token " + jwt + " expired; again " + jwt),
            "token <token-1> expired; again <token-1>");
  EXPECT_EQ(redacted("Authorization: Bearer " + jwt), "Authorization: Bearer <token-1>");
  // Prose about tokens is not a token.
  for (const char* kept : {"Unable to authenticate the request: invalid bearer token",
                           "WWW-Authenticate: Basic realm=\"k8s\""})
    EXPECT_EQ(redacted(kept), kept);
}

TEST(Redact, PasswordsInUrlsAndKeyValuePairs) {
  EXPECT_EQ(redacted("DATABASE_URL=postgres://app:s3cr3t!@db.svc:5432/app"),
            "DATABASE_URL=postgres://app:<password-1>@db.svc:5432/app");
  EXPECT_EQ(redacted("redis://:hunter2@10.0.0.5:6379"), "redis://:<password-1>@<ip-1>:6379");
  EXPECT_EQ(redacted("login password=hunter2 passwd='p w' token=\"abc\" secret=x1&next=1"),
            "login password=<password-1> passwd='<password-2>' token=\"<token-1>\" "
            "secret=<password-3>&next=1");
  EXPECT_EQ(redacted("--db-password=hunter2 K3S_TOKEN=K10abc::server:xyz api_key=AbC"),
            "--db-password=<password-1> K3S_TOKEN=<token-1> api_key=<key-1>");
  EXPECT_EQ(redacted(R"({"user":"app","password":"hunter2","Token": "t0k"})"),
            R"({"user":"app","password":"<password-1>","Token": "<token-1>"})");
  EXPECT_EQ(redacted(R"({"log":"{\"password\":\"hunter2\"}\n"})"),
            R"({"log":"{\"password\":\"<password-1>\"}\n"})");
  EXPECT_EQ(redacted("      POSTGRES_PASSWORD:  hunter2\n      DB_SECRET:  <set to the key 'pw'>"),
            "      POSTGRES_PASSWORD:  <password-1>\n      DB_SECRET:  <set to the key 'pw'>");
  for (const char* kept :
       {"secretName=db-creds-x", "tokens=5", "\"automountServiceAccountToken\": false",
        "secret \"db-creds\" not found", "failed to get token: timeout", "http://host:8080/path@x"})
    EXPECT_EQ(redacted(kept), kept);
}

TEST(Redact, CloudAccessKeys) {
  EXPECT_EQ(redacted("aws AKIAIOSFODNN7EXAMPLE and ASIAY34FZKBOKMUTVV7A"),
            "aws <key-1> and <key-2>");
  EXPECT_EQ(redacted("gcp AIzaSyA-1234567890abcdefghijklmnopqrstu end"), "gcp <key-1> end");
  EXPECT_EQ(
      redacted(
          "gh ghp_abcdefghijklmnopqrstuvwxyz0123456789 gho_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
      "gh <key-1> <key-2>");
  EXPECT_EQ(redacted("slack xoxb-123456789012-abcdefABCDEF"), "slack <key-1>");
  for (const char* kept :
       {"AKIAIOSFODNN7EXAMPLEX", "xAKIAIOSFODNN7EXAMPLE", "ghp_short", "xoxq-1234567890ab"})
    EXPECT_EQ(redacted(kept), kept);
}

// Masks are numbered in report order: findings by rank (evidence, captures, fix), then
// unrecognised errors (template, examples), then problems; the same value keeps its mask.
TEST(Redact, NumbersMasksInReportOrderAcrossTheWholeReport) {
  analyze::Analysis a;
  analyze::Finding f1;
  f1.id = "db.down";
  f1.title = "Database at 10.9.9.9 down";  // titles are kept
  f1.resources = {"db/10.0.0.7-pod"};      // resource names are kept
  f1.evidence = {{"logs/10.0.0.8.log", 1, {}, "refused by 10.0.0.1"},
                 {"logs/b.log", 2, {}, "password=pw1 from 10.0.0.2"}};
  f1.captures = {{"host", "10.0.0.3"}, {"pass", "pw1"}, {"user", "admin"}};
  f1.fix = "Check 10.0.0.3 and 10.0.0.1; mail ops@example.com";
  f1.references = {"https://10.1.1.1/docs"};
  analyze::Finding f2;
  f2.id = "net";
  f2.evidence = {{"c.log", 3, {}, "again 10.0.0.2 and 10.0.0.4"}};
  f2.explains = {{"container.crashloop", 3, {"ns/p"}}};
  a.findings = {f1, f2};
  analyze::UnmatchedTemplate u;
  u.text = "sync to <ip> failed for ops@example.com";
  u.examples = {{"d.log", 4, "sync to 10.0.0.5 failed for ops@example.com"}};
  u.resources = {"ns/p"};
  a.unmatched.push_back(u);
  a.problems.push_back({"b.tgz:10.0.0.6.json:3", "invalid JSON near 10.0.0.6 and 10.0.0.1"});
  redact(a);
  const auto& r1 = a.findings[0];
  EXPECT_EQ(r1.title, "Database at 10.9.9.9 down");
  EXPECT_EQ(r1.resources, std::vector<std::string>{"db/10.0.0.7-pod"});
  EXPECT_EQ(r1.evidence[0].path, "logs/10.0.0.8.log");
  EXPECT_EQ(r1.evidence[0].text, "refused by <ip-1>");
  EXPECT_EQ(r1.evidence[1].text, "password=<password-1> from <ip-2>");
  EXPECT_EQ(r1.captures,
            (analyze::Captures{{"host", "<ip-3>"}, {"pass", "<password-1>"}, {"user", "admin"}}));
  EXPECT_EQ(r1.fix, "Check <ip-3> and <ip-1>; mail <email-1>");
  EXPECT_EQ(r1.references, std::vector<std::string>{"https://10.1.1.1/docs"});
  EXPECT_EQ(a.findings[1].evidence[0].text, "again <ip-2> and <ip-4>");
  EXPECT_EQ(a.unmatched[0].text, "sync to <ip> failed for <email-1>");
  EXPECT_EQ(a.unmatched[0].examples[0].text, "sync to <ip-5> failed for <email-1>");
  EXPECT_EQ(a.problems[0].where, "b.tgz:10.0.0.6.json:3");
  EXPECT_EQ(a.problems[0].message, "invalid JSON near <ip-6> and <ip-1>");
}

TEST(Redact, RedactedTextHasNothingLeftToMask) {
  const std::string once =
      redacted("a 10.0.0.1 b ops@example.com password=x Bearer abcdefghijklmnop1");
  EXPECT_EQ(once, "a <ip-1> b <email-1> password=<password-1> Bearer <token-1>");
  EXPECT_EQ(redacted(once), once);
}

TEST(Redact, EveryReportFormatPrintsTheMasks) {
  analyze::Analysis a;
  analyze::Finding f;
  f.id = "x";
  f.rank = 1;
  f.evidence = {{"p.log", 1, {}, "from 10.1.2.3 user bob@example.com"}};
  f.fix = "block 10.1.2.3";
  a.findings.push_back(f);
  redact(a);
  ReportCtx ctx;
  for (auto format :
       {ReportFormat::text, ReportFormat::json, ReportFormat::md, ReportFormat::html}) {
    fmt::memory_buffer b;
    render(a, ctx, format, b);
    const std::string out = fmt::to_string(b);
    EXPECT_EQ(out.find("10.1.2.3"), std::string::npos) << out;
    EXPECT_EQ(out.find("bob@"), std::string::npos) << out;
    EXPECT_NE(out.find(format == ReportFormat::html ? "&lt;ip-1&gt;" : "<ip-1>"), std::string::npos)
        << out;
  }
}

}  // namespace
}  // namespace kdx::report
