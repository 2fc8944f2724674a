// Problems: every configuration mistake found in one load, so the user
// fixes them all in one pass instead of one per run.
//
// Each problem becomes one line "file:line: key.path: what is wrong (remedy)";
// the line number is left out when unknown and the key path when the
// problem is not about one key. Lines are ordered by file (in the order
// files were first mentioned) and then by line number.
//
// Thread-safety: a value type; one thread at a time.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace sluice::config {

class Problems {
 public:
  // `message` is "what is wrong (remedy)".
  void Add(std::string_view file, int line, std::string_view key_path, std::string message);
  // A line already formatted with its location (a YAML syntax error).
  void AddFormatted(std::string_view file, int line, std::string text);
  void Append(const Problems& other);

  bool empty() const { return problems_.empty(); }
  size_t size() const { return problems_.size(); }
  // The formatted lines, ordered.
  std::vector<std::string> Lines() const;
  // Ok when empty, else InvalidArgument with one line per problem.
  Status ToStatus() const;

 private:
  struct Problem {
    std::string file;
    int line = 0;
    std::string text;  // the whole formatted line
  };
  std::vector<Problem> problems_;
};

}  // namespace sluice::config
