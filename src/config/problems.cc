#include "config/problems.h"

#include <fmt/format.h>

#include <algorithm>

namespace sluice::config {

void Problems::Add(std::string_view file, int line, std::string_view key_path, std::string message) {
  std::string text(file);
  if (line > 0) text += fmt::format(":{}", line);
  text += ": ";
  if (!key_path.empty()) text += fmt::format("{}: ", key_path);
  text += message;
  problems_.push_back(Problem{std::string(file), line, std::move(text)});
}

void Problems::AddFormatted(std::string_view file, int line, std::string text) {
  problems_.push_back(Problem{std::string(file), line, std::move(text)});
}

void Problems::Append(const Problems& other) {
  problems_.insert(problems_.end(), other.problems_.begin(), other.problems_.end());
}

std::vector<std::string> Problems::Lines() const {
  std::vector<std::string> files;  // in the order first mentioned
  for (const Problem& problem : problems_) {
    if (std::find(files.begin(), files.end(), problem.file) == files.end()) files.push_back(problem.file);
  }
  auto file_rank = [&files](const std::string& file) {
    return std::find(files.begin(), files.end(), file) - files.begin();
  };
  std::vector<const Problem*> ordered;
  for (const Problem& problem : problems_) ordered.push_back(&problem);
  std::stable_sort(ordered.begin(), ordered.end(), [&](const Problem* a, const Problem* b) {
    auto rank_a = file_rank(a->file);
    auto rank_b = file_rank(b->file);
    return rank_a != rank_b ? rank_a < rank_b : a->line < b->line;
  });
  std::vector<std::string> lines;
  for (const Problem* problem : ordered) {
    if (lines.empty() || lines.back() != problem->text) lines.push_back(problem->text);
  }
  return lines;
}

Status Problems::ToStatus() const {
  if (problems_.empty()) return Status::Ok();
  std::string message;
  for (const std::string& line : Lines()) {
    if (!message.empty()) message += '\n';
    message += line;
  }
  return InvalidArgument(std::move(message));
}

}  // namespace sluice::config
