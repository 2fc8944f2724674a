// TLS modes of SPEC §2 against the private PostgreSQL server, whose
// certificate is signed by SLUICE_TEST_CA and names 127.0.0.1 and localhost;
// SLUICE_TEST_OTHER_CA signed nothing the server has.
#include <cstdlib>

#include <gtest/gtest.h>

#include "pg_fixture.h"
#include "connect/open.h"
#include "source_reading.h"

namespace sluice::testing {
namespace {

class PostgresSsl : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = PostgresServer();
    ASSERT_FALSE(::testing::Test::HasFailure());
    ASSERT_FALSE(server_.ca.empty() || server_.other_ca.empty()) << "SLUICE_TEST_CA / SLUICE_TEST_OTHER_CA unset";
  }

  config::SourceConnection With(config::SslMode mode, const std::string& ca = "") const {
    config::SourceConnection connection = server_.Connection(config::SourceType::kPostgres);
    connection.ssl.mode = mode;
    connection.ssl.ca = ca;
    return connection;
  }

  // "true"/"false": whether the session is encrypted, as the server sees it; or the error.
  std::string Encrypted(const config::SourceConnection& connection) {
    auto opened = source::OpenSource(connection);
    if (!opened) return opened.error().ToString();
    SelectQuery query;
    query.custom_sql = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
    auto schema = (*opened)->DescribeQuery(query);
    if (!schema) return schema.error().ToString();
    ReadResult read = ReadAllRows(**opened, query, *schema);
    if (!read.status.ok()) return read.status.ToString();
    return read.rows.size() == 1 ? read.rows[0][0] : "no row";
  }

  std::string Endpoint() const { return server_.host + ":" + std::to_string(server_.port); }

  ServerEnv server_;
};

TEST_F(PostgresSsl, DisabledConnectsWithoutTls) { EXPECT_EQ(Encrypted(With(config::SslMode::kDisabled)), "false"); }

TEST_F(PostgresSsl, PreferredAndRequiredEncryptWithoutVerifying) {
  EXPECT_EQ(Encrypted(With(config::SslMode::kPreferred)), "true");
  EXPECT_EQ(Encrypted(With(config::SslMode::kRequired)), "true");
}

TEST_F(PostgresSsl, VerifyModesAcceptTheCaThatSignedTheServer) {
  EXPECT_EQ(Encrypted(With(config::SslMode::kVerifyCa, server_.ca)), "true");
  EXPECT_EQ(Encrypted(With(config::SslMode::kVerifyIdentity, server_.ca)), "true");
  config::SourceConnection by_name = With(config::SslMode::kVerifyIdentity, server_.ca);
  by_name.host = "localhost";
  EXPECT_EQ(Encrypted(by_name), "true");
}

TEST_F(PostgresSsl, VerifyModesRefuseACertificateAnotherCaSigned) {
  for (config::SslMode mode : {config::SslMode::kVerifyCa, config::SslMode::kVerifyIdentity}) {
    auto opened = source::OpenSource(With(mode, server_.other_ca));
    ASSERT_FALSE(opened.has_value()) << config::ToString(mode);
    EXPECT_EQ(opened.error().code(), StatusCode::kUnavailable);
    EXPECT_NE(opened.error().message().find("connecting to postgres at " + Endpoint()), std::string::npos)
        << opened.error().message();
    EXPECT_NE(opened.error().message().find("certificate verify failed"), std::string::npos)
        << opened.error().message();
  }
}

// The certificate names 127.0.0.1 and localhost. libpq's PGHOSTADDR makes it connect to
// 127.0.0.1 while verifying the configured host name, so "wrong.name" needs no DNS entry.
TEST_F(PostgresSsl, VerifyIdentityRefusesAHostNameTheCertificateDoesNotName) {
  ::setenv("PGHOSTADDR", "127.0.0.1", 1);
  config::SourceConnection wrong_name = With(config::SslMode::kVerifyIdentity, server_.ca);
  wrong_name.host = "wrong.name";
  auto refused = source::OpenSource(wrong_name);
  config::SourceConnection chain_only = With(config::SslMode::kVerifyCa, server_.ca);
  chain_only.host = "wrong.name";
  std::string chain_checked = Encrypted(chain_only);
  ::unsetenv("PGHOSTADDR");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.error().message().find("does not match host name \"wrong.name\""), std::string::npos)
      << refused.error().message();
  EXPECT_EQ(chain_checked, "true");  // verify_ca checks the chain, not the name
}

TEST_F(PostgresSsl, AWrongPasswordIsUnavailableAndNeverEchoed) {
  config::SourceConnection connection = With(config::SslMode::kRequired);
  connection.password = "not-the-Pw'0";
  auto opened = source::OpenSource(connection);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(opened.error().message().find("password authentication failed"), std::string::npos)
      << opened.error().message();
  EXPECT_NE(opened.error().message().find(Endpoint()), std::string::npos) << opened.error().message();
  EXPECT_EQ(opened.error().message().find(connection.password), std::string::npos);
}

TEST_F(PostgresSsl, AnSshTunnelIsNotSupportedYet) {
  config::SourceConnection connection = With(config::SslMode::kDisabled);
  connection.ssh_tunnel.enabled = true;
  auto opened = source::OpenSource(connection);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kNotSupported);
}

}  // namespace
}  // namespace sluice::testing
