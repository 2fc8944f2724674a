// ${VAR} substitution and CONFIG_DIR/.env.
#include "config/env.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace sluice::config {
namespace {

using ::sluice::config::testing::kLocalConnections;
using ::sluice::config::testing::ScopedEnv;
using ::sluice::config::testing::TempProject;
using ::testing::HasSubstr;

std::string Substitute(std::string_view text, const Environment& environment = Environment()) {
  Result<std::string> result = SubstituteVariables(text, environment);
  return result.has_value() ? *result : "ERROR: " + result.error().message();
}

TEST(SubstituteVariablesTest, ReplacesVariablesFromTheEnvironment) {
  ScopedEnv user("SLUICE_TEST_USER", "etl");
  EXPECT_EQ(Substitute("${SLUICE_TEST_USER}"), "etl");
  EXPECT_EQ(Substitute("user=${SLUICE_TEST_USER}@${SLUICE_TEST_USER}"), "user=etl@etl");
}

TEST(SubstituteVariablesTest, DefaultIsUsedWhenUnsetOrEmpty) {
  ScopedEnv unset("SLUICE_TEST_UNSET", std::nullopt);
  ScopedEnv empty("SLUICE_TEST_EMPTY", "");
  EXPECT_EQ(Substitute("${SLUICE_TEST_UNSET:-fallback}"), "fallback");
  EXPECT_EQ(Substitute("${SLUICE_TEST_EMPTY:-fallback}"), "fallback");
  EXPECT_EQ(Substitute("${SLUICE_TEST_UNSET:-}"), "");
  EXPECT_EQ(Substitute("${SLUICE_TEST_EMPTY}"), "");  // set, so no error
}

TEST(SubstituteVariablesTest, DoubleDollarIsOneDollarAndALoneDollarStays) {
  ScopedEnv user("SLUICE_TEST_USER", "etl");
  EXPECT_EQ(Substitute("pa$$word"), "pa$word");
  EXPECT_EQ(Substitute("$${SLUICE_TEST_USER}"), "${SLUICE_TEST_USER}");
  EXPECT_EQ(Substitute("cost $5 and $HOME and a trailing $"), "cost $5 and $HOME and a trailing $");
}

TEST(SubstituteVariablesTest, UnsetVariableIsAnErrorNamingItAndTheRemedies) {
  ScopedEnv unset("SLUICE_TEST_UNSET", std::nullopt);
  Environment environment({}, "cfg/.env");
  EXPECT_EQ(Substitute("x${SLUICE_TEST_UNSET}y", environment),
            "ERROR: environment variable SLUICE_TEST_UNSET is not set (export it, add SLUICE_TEST_UNSET=... to "
            "cfg/.env, or give a default with ${SLUICE_TEST_UNSET:-default})");
}

TEST(SubstituteVariablesTest, MalformedReferencesAreErrors) {
  EXPECT_THAT(Substitute("${UNCLOSED"), HasSubstr("has no closing '}'"));
  EXPECT_THAT(Substitute("${BAD-NAME}"), HasSubstr("'${BAD-NAME}' is not a valid variable reference"));
  EXPECT_THAT(Substitute("${}"), HasSubstr("is not a valid variable reference"));
}

TEST(SubstituteVariablesTest, TheEnvironmentWinsOverDotEnv) {
  ScopedEnv in_environment("SLUICE_TEST_BOTH", "from-environment");
  ScopedEnv only_dotenv("SLUICE_TEST_DOTENV_ONLY", std::nullopt);
  Environment environment({{"SLUICE_TEST_BOTH", "from-dotenv"}, {"SLUICE_TEST_DOTENV_ONLY", "dotenv"}}, ".env");
  EXPECT_EQ(Substitute("${SLUICE_TEST_BOTH}", environment), "from-environment");
  EXPECT_EQ(Substitute("${SLUICE_TEST_DOTENV_ONLY}", environment), "dotenv");
}

TEST(ParseDotEnvTest, ReadsCommentsQuotesAndExport) {
  Problems problems;
  std::map<std::string, std::string> values = ParseDotEnv(
      "# a comment\n"
      "\n"
      "PLAIN=value\n"
      "export EXPORTED=yes\n"
      "  SPACED = padded value   # trailing comment\n"
      "HASH=#not-a-comment\n"
      "SINGLE2='a $literal # kept'\n"
      "DOUBLE=\"line1\\nline2 \\\"q\\\"\" # comment\n"
      "EMPTY=\n",
      ".env", &problems);
  EXPECT_TRUE(problems.empty()) << problems.ToStatus().message();
  std::map<std::string, std::string> expected = {{"PLAIN", "value"},
                                                 {"EXPORTED", "yes"},
                                                 {"SPACED", "padded value"},
                                                 {"HASH", "#not-a-comment"},
                                                 {"SINGLE2", "a $literal # kept"},
                                                 {"DOUBLE", "line1\nline2 \"q\""},
                                                 {"EMPTY", ""}};
  EXPECT_EQ(values, expected);
}

TEST(ParseDotEnvTest, MalformedLinesAreReportedWithTheirLine) {
  Problems problems;
  ParseDotEnv("GOOD=1\nno equals sign\nQUOTE=\"open\nGOOD=2\n", "cfg/.env", &problems);
  EXPECT_EQ(problems.ToStatus().message(),
            "cfg/.env:2: expected KEY=VALUE (KEY is letters, digits and _, e.g. DB_PASSWORD=secret; comments "
            "start with #)\n"
            "cfg/.env:3: QUOTE: unterminated double quote (close the value with \" on the same line)\n"
            "cfg/.env:4: GOOD: set twice (first on line 1; keep one)");
}

TEST(DotEnvFileTest, SuppliesVariablesAndTheEnvironmentWins) {
  TempProject project;
  ScopedEnv from_environment("SLUICE_TEST_HOST", "env.internal");
  ScopedEnv not_in_environment("SLUICE_TEST_DB_USER", std::nullopt);
  project.Write(".env", "export SLUICE_TEST_DB_USER=\"from dotenv\"\nSLUICE_TEST_HOST=dotenv.internal\n");
  project.Write("connections.yml", R"(connections:
  sources:
    db: {type: mysql, host: "${SLUICE_TEST_HOST}", username: "${SLUICE_TEST_DB_USER}"}
)");
  Result<Config> config = project.Load();
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->connections.sources.at("db").host, "env.internal");
  EXPECT_EQ(config->connections.sources.at("db").username, "from dotenv");
}

TEST(DotEnvFileTest, SubstitutedTextCannotInjectYamlStructure) {
  TempProject project;
  ScopedEnv injected("SLUICE_TEST_INJECT", "evil\nport: 1\n{type: postgres}");
  ScopedEnv port("SLUICE_TEST_PORT", "3307");
  project.Write("connections.yml", R"(connections:
  sources:
    db: {type: mysql, host: "${SLUICE_TEST_INJECT}", port: ${SLUICE_TEST_PORT}}
)");
  Result<Config> config = project.Load();
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->connections.sources.at("db").host, "evil\nport: 1\n{type: postgres}");
  EXPECT_EQ(config->connections.sources.at("db").port, 3307);
  EXPECT_EQ(config->connections.sources.at("db").type, SourceType::kMySql);
}

TEST(DotEnvFileTest, DoubleDollarInAValueIsALiteralDollar) {
  TempProject project;
  project.Write("connections.yml", R"(connections:
  sources:
    db: {type: mysql, host: h, password: "pa$$word"}
)");
  Result<Config> config = project.Load();
  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->connections.sources.at("db").password, "pa$word");
}

}  // namespace
}  // namespace sluice::config
