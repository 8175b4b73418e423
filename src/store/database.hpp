#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace carelive::store {

// A bound parameter. SQL text uses `?` placeholders; the PostgreSQL driver numbers them.
using Value = std::variant<std::nullptr_t, std::int64_t, std::string>;
using Params = std::vector<Value>;

inline Value nullable(const std::optional<std::string>& s) {
  return s ? Value(*s) : Value(nullptr);
}
inline Value nullable(const std::optional<std::int64_t>& v) {
  return v ? Value(*v) : Value(nullptr);
}

// One result row; both drivers hand back text (SQLite's and libpq's text format).
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cols) : cols_(std::move(cols)) {}
  bool is_null(std::size_t i) const { return !cols_.at(i).has_value(); }
  const std::string& text(std::size_t i) const;
  std::int64_t integer(std::size_t i) const;
  std::optional<std::string> opt_text(std::size_t i) const { return cols_.at(i); }
  std::optional<std::int64_t> opt_integer(std::size_t i) const;
  std::size_t size() const { return cols_.size(); }

 private:
  std::vector<std::optional<std::string>> cols_;
};

struct Result {
  std::vector<Row> rows;
  std::int64_t affected = 0;
  bool empty() const { return rows.empty(); }
  const Row& first() const { return rows.at(0); }
};

class DbError : public std::runtime_error {
 public:
  // unavailable: the store cannot be reached or cannot write now (connection lost, server
  // shutting down, disk full); answered 503 with Retry-After, never 500.
  enum class Kind { unique_violation, busy, unavailable, other };
  DbError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

enum class Dialect { sqlite, postgres };

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Result exec(std::string_view sql, const Params& params = {}) = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual void exec_script(std::string_view sql) = 0;
  virtual Dialect dialect() const = 0;
  // Starts a write transaction that takes the write lock at once (SQLite BEGIN IMMEDIATE),
  // so read-then-write sequences never deadlock on a lock upgrade.
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  // The connection is lost for good (PostgreSQL: the server closed it); it is not lent again.
  virtual bool broken() const { return false; }
  // Statements that went through on this connection, ever: tells whether a lease did anything.
  virtual std::uint64_t statements_done() const { return 0; }
};

// A pool of connections. All calls block: run them on the worker pool, never on I/O threads.
class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;

  // Runs `fn` with a connection of the pool.
  template <class F>
  auto with(F&& fn) {
    return leased([&](Connection& c) { return fn(c); });
  }

  // Runs `fn` inside a transaction; commits on return, rolls back on exception.
  template <class F>
  auto transaction(F&& fn) {
    return leased([&](Connection& c) {
      c.begin();
      try {
        if constexpr (std::is_void_v<decltype(fn(c))>) {
          fn(c);
          c.commit();
        } else {
          auto result = fn(c);
          c.commit();
          return result;
        }
      } catch (...) {
        try {
          if (!c.broken()) c.rollback();
        } catch (const std::exception&) {
          // The connection reports the original failure; a failed rollback adds nothing.
        }
        throw;
      }
    });
  }

  // True for a few seconds after the store was unavailable (GET /healthz answers 503 then: a
  // read probe alone does not notice a full disk).
  bool recently_unavailable() const;

  class Lease {
   public:
    Lease(Database* owner, std::unique_ptr<Connection> conn)
        : owner_(owner), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (conn_) owner_->release(std::move(conn_));
    }
    Connection* operator->() { return conn_.get(); }
    Connection& operator*() { return *conn_; }

   private:
    Database* owner_;
    std::unique_ptr<Connection> conn_;
  };

  Lease acquire() { return Lease(this, take()); }

 protected:
  virtual std::unique_ptr<Connection> take() = 0;
  virtual void release(std::unique_ptr<Connection> conn) = 0;

 private:
  // A pooled connection that the server closed meanwhile (PostgreSQL restarted, an idle
  // timeout) fails its first statement. Then `fn` runs once more on a new connection, but only
  // when nothing went through on the lost one: after a statement did, running again could
  // repeat a write. An unavailable store is noted for recently_unavailable().
  template <class F>
  auto leased(F&& fn) {
    for (int attempt = 1;; ++attempt) {
      auto lease = acquire();
      const auto done_before = lease->statements_done();
      try {
        return fn(*lease);
      } catch (const DbError& e) {
        const bool lost_unused = lease->broken() && lease->statements_done() == done_before;
        if (attempt == 1 && lost_unused) continue;  // the lease hands the broken one back
        if (e.kind() == DbError::Kind::unavailable) note_unavailable();
        throw;
      }
    }
  }
  void note_unavailable();
  std::atomic<std::int64_t> unavailable_at_{0};  // steady clock, seconds; 0: never
};

// The SQLite file a database URL names (`data_dir/carelive.db` when empty, `sqlite:PATH`), or
// nothing for PostgreSQL.
std::optional<std::string> sqlite_path(const std::string& url_or_empty,
                                       const std::string& data_dir);

// Opens SQLite in `data_dir/carelive.db` (WAL) or PostgreSQL for a `postgresql://` URL,
// and applies pending migrations.
std::unique_ptr<Database> open_database(const std::string& url_or_empty,
                                        const std::string& data_dir, int pool_size);

}  // namespace carelive::store
