// A MariaDB connection that dies in the middle of a read: the error says
// the connection was lost, with the client's error, and that the next run
// resumes, instead of "reading t:  (MySQL error 0)".
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mysql_client.h"
#include "mysql_test_util.h"
#include "connect/open.h"

namespace sluice::testing {
namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(MySqlConnectionLost, AReadWhoseConnectionDiesSaysSoAndThatTheNextRunResumes) {
  ServerEnv server = MySqlServer();
  ASSERT_FALSE(server.host.empty());
  MySqlClient client(server);
  client.Exec("DROP TABLE IF EXISTS lost_mid_read");
  client.Exec("CREATE TABLE lost_mid_read (id INT PRIMARY KEY, payload VARCHAR(200))");
  client.Exec("INSERT INTO lost_mid_read SELECT seq, REPEAT('x', 200) FROM seq_1_to_200000");

  auto opened = source::OpenSource(server.Connection(config::SourceType::kMySql));
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  source::Source& source = **opened;
  auto schema = source.DescribeTable("lost_mid_read");
  ASSERT_TRUE(schema.has_value()) << schema.error().ToString();
  source::ReadOptions options;
  options.table_for_errors = "shop.lost_mid_read";
  auto reader = source.Read(WholeTable("lost_mid_read", **schema, {"id"}), *schema, options);
  ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
  ColumnBatch batch(*schema);
  ASSERT_EQ((*reader)->Next(&batch, 100).value_or(0), 100u);

  // The server ends the session while the rest of the result is on its way.
  std::string session = client.Scalar(
      "SELECT id FROM information_schema.processlist WHERE info LIKE '%lost_mid_read%' AND id <> CONNECTION_ID()");
  ASSERT_FALSE(session.empty());
  client.Exec("KILL CONNECTION " + session);

  Status failure;
  for (int batch_idx = 0; batch_idx < 10000 && failure.ok(); ++batch_idx) {
    Result<size_t> rows = (*reader)->Next(&batch, 1000);
    if (!rows.has_value()) failure = rows.error();
    else if (*rows == 0) break;
  }
  ASSERT_FALSE(failure.ok()) << "the whole result arrived although the session was killed";
  EXPECT_EQ(failure.code(), StatusCode::kUnavailable);
  EXPECT_THAT(failure.message(), HasSubstr("reading shop.lost_mid_read: the connection to the MySQL server was lost"));
  EXPECT_THAT(failure.message(), HasSubstr("the next run resumes from there"));
  // The client's own error, not an empty message and error 0.
  EXPECT_THAT(failure.message(), AnyOf(HasSubstr("(MySQL error 2013;"), HasSubstr("(MySQL error 2006;")));
  EXPECT_THAT(failure.message(), Not(HasSubstr("MySQL error 0")));
}

}  // namespace
}  // namespace sluice::testing
