#include "store/postgres.hpp"

#include <libpq-fe.h>

#include <cstring>

namespace carelive::store {

std::string number_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out.push_back(c);
    } else if (c == '\'' || c == '"') {
      quote = c;
      out.push_back(c);
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace {

class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r) {}
  ~PgResult() { PQclear(r_); }
  PGresult* get() const { return r_; }

 private:
  PGresult* r_;
};

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn_);
      PQfinish(conn_);
      throw DbError(DbError::Kind::unavailable, "cannot connect to PostgreSQL: " + msg);
    }
    PgResult r(PQexec(conn_, "SET client_min_messages TO warning"));
  }
  ~PostgresConnection() override { PQfinish(conn_); }

  bool healthy() {
    if (PQstatus(conn_) == CONNECTION_OK) return true;
    PQreset(conn_);
    return PQstatus(conn_) == CONNECTION_OK;
  }

  Dialect dialect() const override { return Dialect::postgres; }
  bool broken() const override { return PQstatus(conn_) == CONNECTION_BAD; }
  std::uint64_t statements_done() const override { return done_; }

  Result exec(std::string_view sql, const Params& params) override {
    std::string text = number_placeholders(sql);
    std::vector<std::string> storage;
    storage.reserve(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& p = params[i];
      if (auto* n = std::get_if<std::int64_t>(&p)) {
        storage.push_back(std::to_string(*n));
        values[i] = storage.back().c_str();
      } else if (auto* s = std::get_if<std::string>(&p)) {
        storage.push_back(*s);
        values[i] = storage.back().c_str();
      }
    }
    PgResult r(PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr,
                            values.data(), nullptr, nullptr, 0));
    check(r.get());
    Result result;
    const int rows = PQntuples(r.get());
    const int cols = PQnfields(r.get());
    result.rows.reserve(rows);
    for (int i = 0; i < rows; ++i) {
      std::vector<std::optional<std::string>> row;
      row.reserve(cols);
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(r.get(), i, c)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(std::string(PQgetvalue(r.get(), i, c), PQgetlength(r.get(), i, c)));
        }
      }
      result.rows.emplace_back(std::move(row));
    }
    const char* affected = PQcmdTuples(r.get());
    result.affected = (affected && *affected) ? std::stoll(affected) : rows;
    return result;
  }

  void exec_script(std::string_view sql) override {
    std::string copy(sql);
    PgResult r(PQexec(conn_, copy.c_str()));
    check(r.get());
  }

  void begin() override { exec_script("BEGIN"); }
  void commit() override { exec_script("COMMIT"); }
  void rollback() override { exec_script("ROLLBACK"); }

 private:
  void check(PGresult* r) {
    auto status = PQresultStatus(r);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      ++done_;
      return;
    }
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    std::string msg = PQresultErrorMessage(r);
    // The connection is gone, the server is shutting down or cannot take the write (class 08
    // connection exception, 57P0x shutdown, 53 insufficient resources such as a full disk).
    if (PQstatus(conn_) == CONNECTION_BAD ||
        (state && (std::strncmp(state, "08", 2) == 0 || std::strncmp(state, "57P0", 4) == 0 ||
                   std::strncmp(state, "53", 2) == 0)))
      throw DbError(DbError::Kind::unavailable, msg.empty() ? PQerrorMessage(conn_) : msg);
    if (state && std::strcmp(state, "23505") == 0)
      throw DbError(DbError::Kind::unique_violation, msg);
    if (state && (std::strcmp(state, "40001") == 0 || std::strcmp(state, "40P01") == 0))
      throw DbError(DbError::Kind::busy, msg);
    throw DbError(DbError::Kind::other, msg.empty() ? PQerrorMessage(conn_) : msg);
  }

  PGconn* conn_;
  std::uint64_t done_ = 0;
};

}  // namespace

PostgresDatabase::PostgresDatabase(std::string url, int pool_size)
    : url_(std::move(url)),
      pool_([u = url_] { return std::make_unique<PostgresConnection>(u); }, pool_size) {
  release(take());
}

std::unique_ptr<Connection> PostgresDatabase::take() {
  auto conn = pool_.take();
  // A connection broken by a server restart is reset before it is lent again.
  static_cast<PostgresConnection*>(conn.get())->healthy();
  return conn;
}

}  // namespace carelive::store
