#include "common/failpoint.h"

#include <csignal>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

#include <unistd.h>

namespace sluice {
namespace {

struct Failpoints {
  std::mutex mutex;
  std::map<std::string, long, std::less<>> die_at;  // name -> pass number
  std::map<std::string, long, std::less<>> passes;
  bool any = false;
};

Failpoints& Parse() {
  static Failpoints* failpoints = [] {
    auto* parsed = new Failpoints();
    const char* spec = std::getenv("SLUICE_FAILPOINTS");
    std::string text = spec ? spec : "";
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = text.find(',', begin);
      if (end == std::string::npos) end = text.size();
      std::string item = text.substr(begin, end - begin);
      size_t colon = item.find(':');
      long count = colon == std::string::npos ? 1 : std::atol(item.c_str() + colon + 1);
      if (!item.empty()) parsed->die_at[item.substr(0, colon)] = count < 1 ? 1 : count;
      begin = end + 1;
    }
    parsed->any = !parsed->die_at.empty();
    return parsed;
  }();
  return *failpoints;
}

}  // namespace

void Failpoint(std::string_view name) {
  Failpoints& failpoints = Parse();
  if (!failpoints.any) return;
  std::lock_guard lock(failpoints.mutex);
  auto target = failpoints.die_at.find(name);
  if (target == failpoints.die_at.end()) return;
  long passes = ++failpoints.passes[std::string(name)];
  if (passes == target->second) ::kill(::getpid(), SIGKILL);
}

}  // namespace sluice
