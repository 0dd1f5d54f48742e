#include "support/run_kdx.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "support/paths.h"

namespace kdx::test {
namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

KdxRun run_kdx(const std::string& args, const std::string& stdin_text,
               const std::string& cache_dir) {
  char dir_template[] = "/tmp/kdx-run-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string in = dir + "/in", out = dir + "/out", err = dir + "/err";
  std::ofstream(in, std::ios::binary) << stdin_text;
  // KDX_CACHE_DIR=off: runs never depend on, nor write, the compiled-database cache.
  const std::string cmd = "cd '" + source_dir() + "' && NO_COLOR=1 KDX_CACHE_DIR='" + cache_dir +
                          "' '" +
                          binary_dir() +
                          "/src/kdx' " + args + " <'" + in + "' >'" + out + "' 2>'" + err + "'";
  const int status = std::system(cmd.c_str());
  KdxRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  std::system(("rm -rf '" + dir + "'").c_str());
  return r;
}

}  // namespace kdx::test
