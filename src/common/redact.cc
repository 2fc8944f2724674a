#include "common/redact.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <vector>

namespace sluice {
namespace {

struct Registry {
  std::mutex mutex;
  std::vector<std::string> secrets;  // longest first, so overlapping secrets redact fully
};

Registry& GetRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

std::string PercentEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

void AddLocked(Registry& registry, std::string value) {
  if (value.empty()) return;
  if (std::find(registry.secrets.begin(), registry.secrets.end(), value) != registry.secrets.end()) {
    return;
  }
  registry.secrets.push_back(std::move(value));
  std::stable_sort(registry.secrets.begin(), registry.secrets.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

}  // namespace

void RegisterSecret(std::string_view secret) {
  if (secret.empty()) return;
  Registry& registry = GetRegistry();
  std::lock_guard lock(registry.mutex);
  AddLocked(registry, std::string(secret));
  AddLocked(registry, PercentEncode(secret));
}

void ClearSecretsForTesting() {
  Registry& registry = GetRegistry();
  std::lock_guard lock(registry.mutex);
  registry.secrets.clear();
}

std::string Redact(std::string_view text) {
  Registry& registry = GetRegistry();
  std::lock_guard lock(registry.mutex);
  std::string out(text);
  for (const std::string& secret : registry.secrets) {
    size_t position = 0;
    while ((position = out.find(secret, position)) != std::string::npos) {
      out.replace(position, secret.size(), kRedactedText);
      position += kRedactedText.size();
    }
  }
  return out;
}

}  // namespace sluice
