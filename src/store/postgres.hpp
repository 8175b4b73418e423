#pragma once

#include <string>

#include "store/database.hpp"
#include "store/pool.hpp"

namespace carelive::store {

// PostgreSQL through libpq, for deployments with several server processes.
class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string url, int pool_size);
  Dialect dialect() const override { return Dialect::postgres; }

 protected:
  std::unique_ptr<Connection> take() override;
  void release(std::unique_ptr<Connection> c) override { pool_.release(std::move(c)); }

 private:
  std::string url_;
  ConnectionPool pool_;
};

// `?` placeholders -> `$1, $2, …`, leaving quoted text alone.
std::string number_placeholders(std::string_view sql);

}  // namespace carelive::store
