#pragma once

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
  enum class Kind { unique_violation, busy, other };
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
};

// A pool of connections. All calls block: run them on the worker pool, never on I/O threads.
class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;

  // Runs `fn` with a connection of the pool.
  template <class F>
  auto with(F&& fn) {
    auto lease = acquire();
    return fn(*lease);
  }

  // Runs `fn` inside a transaction; commits on return, rolls back on exception.
  template <class F>
  auto transaction(F&& fn) {
    auto lease = acquire();
    lease->begin();
    try {
      if constexpr (std::is_void_v<decltype(fn(*lease))>) {
        fn(*lease);
        lease->commit();
      } else {
        auto result = fn(*lease);
        lease->commit();
        return result;
      }
    } catch (...) {
      try {
        lease->rollback();
      } catch (const std::exception&) {
        // The connection reports the original failure; a failed rollback adds nothing.
      }
      throw;
    }
  }

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
};

// Opens SQLite in `data_dir/carelive.db` (WAL) or PostgreSQL for a `postgresql://` URL,
// and applies pending migrations.
std::unique_ptr<Database> open_database(const std::string& url_or_empty,
                                        const std::string& data_dir, int pool_size);

}  // namespace carelive::store
