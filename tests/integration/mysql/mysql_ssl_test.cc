// The ssl modes of SPEC §2 against the private MariaDB, which serves TLS
// with a certificate signed by SLUICE_TEST_CA naming only 127.0.0.1 and
// localhost, and also listens on 127.0.0.2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "mysql_client.h"
#include "mysql_test_util.h"
#include "connect/open.h"

namespace sluice::testing {
namespace {

using ::testing::HasSubstr;

class MySqlSslTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = MySqlServer();
    ASSERT_FALSE(server_.host.empty());
    ASSERT_FALSE(server_.ca.empty()) << "SLUICE_TEST_CA is not set";
  }

  config::SourceConnection WithMode(config::SslMode mode, const std::string& ca = "") const {
    config::SourceConnection connection = server_.Connection(config::SourceType::kMySql);
    connection.ssl.mode = mode;
    connection.ssl.ca = ca;
    return connection;
  }

  // The session's TLS cipher as the server sees it ("" for a plain connection).
  std::string SessionCipher(source::Source& source) {
    SelectQuery query;
    query.custom_sql =
        "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_cipher'";
    auto schema = source.DescribeQuery(query);
    EXPECT_TRUE(schema.has_value()) << schema.error().ToString();
    if (!schema) return "?";
    auto batch = ReadAll(source, query, *schema);
    EXPECT_TRUE(batch.has_value()) << batch.error().ToString();
    if (!batch || batch->num_rows() != 1) return "?";
    return CellText(batch->column(0), 0);
  }

  ServerEnv server_;
};

TEST_F(MySqlSslTest, EachModeConnectsAndEncryptsAsItSays) {
  struct Case {
    config::SslMode mode;
    bool with_ca;
    bool encrypted;
  };
  for (const Case& test : {Case{config::SslMode::kDisabled, false, false}, Case{config::SslMode::kPreferred, false, true},
                           Case{config::SslMode::kRequired, false, true}, Case{config::SslMode::kVerifyCa, true, true},
                           Case{config::SslMode::kVerifyIdentity, true, true}}) {
    SCOPED_TRACE(static_cast<int>(test.mode));
    auto source = source::OpenSource(WithMode(test.mode, test.with_ca ? server_.ca : ""));
    ASSERT_TRUE(source.has_value()) << source.error().ToString();
    std::string cipher = SessionCipher(**source);
    if (test.encrypted) {
      EXPECT_FALSE(cipher.empty());
    } else {
      EXPECT_EQ(cipher, "");
    }
  }
}

TEST_F(MySqlSslTest, VerifyModesRefuseACertificateNotSignedByTheConfiguredCa) {
  ASSERT_FALSE(server_.other_ca.empty()) << "SLUICE_TEST_OTHER_CA is not set";
  for (config::SslMode mode : {config::SslMode::kVerifyCa, config::SslMode::kVerifyIdentity}) {
    auto source = source::OpenSource(WithMode(mode, server_.other_ca));
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().code(), StatusCode::kUnavailable);
    EXPECT_THAT(source.error().message(), HasSubstr(server_.host + ":" + std::to_string(server_.port)));
    EXPECT_THAT(source.error().message(), HasSubstr("certificate"));
  }
}

TEST_F(MySqlSslTest, VerifyIdentityRefusesAHostTheCertificateDoesNotNameButVerifyCaAcceptsIt) {
  config::SourceConnection connection = WithMode(config::SslMode::kVerifyIdentity, server_.ca);
  connection.host = "127.0.0.2";
  auto refused = source::OpenSource(connection);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kUnavailable);
  EXPECT_THAT(refused.error().message(), HasSubstr("127.0.0.2"));

  connection.ssl.mode = config::SslMode::kVerifyCa;  // the chain is checked, the name is not
  auto accepted = source::OpenSource(connection);
  ASSERT_TRUE(accepted.has_value()) << accepted.error().ToString();
  EXPECT_FALSE(SessionCipher(**accepted).empty());
}

TEST_F(MySqlSslTest, VerifyModesWithoutACaAreAConfigurationError) {
  for (config::SslMode mode : {config::SslMode::kVerifyCa, config::SslMode::kVerifyIdentity}) {
    auto source = source::OpenSource(WithMode(mode));
    ASSERT_FALSE(source.has_value());
    EXPECT_EQ(source.error().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(source.error().message(), HasSubstr("needs ssl.ca"));
  }
}

TEST_F(MySqlSslTest, ClientCertificateIsPresented) {
  // A user that must present a certificate signed by the server's CA.
  MySqlClient admin(server_);
  admin.Exec("DROP USER IF EXISTS 'sluice_x509'@'%'");
  admin.Exec("CREATE USER 'sluice_x509'@'%' IDENTIFIED BY 'x509-pw' REQUIRE X509");
  admin.Exec("GRANT SELECT ON *.* TO 'sluice_x509'@'%'");
  std::string certs = std::filesystem::path(server_.ca).parent_path().string();
  config::SourceConnection connection = WithMode(config::SslMode::kVerifyIdentity, server_.ca);
  connection.username = "sluice_x509";
  connection.password = "x509-pw";
  auto without = source::OpenSource(connection);
  ASSERT_FALSE(without.has_value());
  EXPECT_THAT(without.error().message(), HasSubstr("Access denied"));

  connection.ssl.cert = certs + "/server-cert.pem";
  connection.ssl.key = certs + "/server-key.pem";
  auto with = source::OpenSource(connection);
  ASSERT_TRUE(with.has_value()) << with.error().ToString();
  EXPECT_FALSE(SessionCipher(**with).empty());
}

}  // namespace
}  // namespace sluice::testing
