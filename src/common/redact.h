// Secret redaction: the one place that keeps configured secrets out of
// every log line, error message and JSON document sluice writes.
//
// Configuration loading registers each secret value (passwords, keys,
// tokens) here; every output path (the log sinks, the CLI's error printer,
// the JSON writers) passes text through Redact() before it leaves the
// process. Every occurrence is replaced, however short the secret: a
// garbled log line is better than a leaked password.
//
// Thread-safe: registration and redaction may run concurrently.
#pragma once

#include <string>
#include <string_view>

namespace sluice {

inline constexpr std::string_view kRedactedText = "***";

// Registers `secret` (and its percent-encoded form) for redaction. Empty is ignored.
void RegisterSecret(std::string_view secret);
// Forgets every registered secret (tests).
void ClearSecretsForTesting();
// `text` with every registered secret replaced by "***".
std::string Redact(std::string_view text);

}  // namespace sluice
