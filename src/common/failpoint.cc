#include "common/failpoint.h"

#include <atomic>
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
};

Failpoints* Parse(const std::string& text) {
  auto* parsed = new Failpoints();
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
  return parsed;
}

// Set once by EnableFailpointsFromEnvironment, never freed (it lives as long as the process).
std::atomic<Failpoints*> armed{nullptr};

}  // namespace

void EnableFailpointsFromEnvironment() {
  const char* spec = std::getenv("SLUICE_FAILPOINTS");
  if (spec == nullptr || *spec == '\0' || armed.load() != nullptr) return;
  armed.store(Parse(spec));
}

void Failpoint(std::string_view name) {
  Failpoints* failpoints = armed.load(std::memory_order_acquire);
  if (failpoints == nullptr) return;
  std::lock_guard lock(failpoints->mutex);
  auto target = failpoints->die_at.find(name);
  if (target == failpoints->die_at.end()) return;
  long passes = ++failpoints->passes[std::string(name)];
  if (passes == target->second) ::kill(::getpid(), SIGKILL);
}

}  // namespace sluice
