#pragma once

#include <string>

#include "store/database.hpp"
#include "store/pool.hpp"

namespace carelive::store {

// The embedded store: one SQLite file in WAL mode, a connection per concurrent user.
class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, int pool_size);
  Dialect dialect() const override { return Dialect::sqlite; }

 protected:
  std::unique_ptr<Connection> take() override { return pool_.take(); }
  void release(std::unique_ptr<Connection> c) override { pool_.release(std::move(c)); }

 private:
  std::string path_;
  ConnectionPool pool_;
};

}  // namespace carelive::store
