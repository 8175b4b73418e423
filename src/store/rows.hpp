#pragma once

// Row mapping for repositories: a row is read left to right by a Columns cursor, so one mapper
// per type (`read_resident(Columns&)`) serves every SELECT that lists the type's columns in its
// order, alone or after the columns of another type.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace carelive::store {

class Columns {
 public:
  explicit Columns(const Row& row) : row_(row) {}
  std::int64_t integer() { return row_.integer(next_++); }
  bool boolean() { return row_.integer(next_++) != 0; }
  std::string text() { return row_.text(next_++); }
  std::optional<std::int64_t> opt_integer() { return row_.opt_integer(next_++); }
  std::optional<std::string> opt_text() { return row_.opt_text(next_++); }
  void skip(std::size_t n = 1) { next_ += n; }

 private:
  const Row& row_;
  std::size_t next_ = 0;
};

// The first row mapped by `read` (a function of Columns&), or nullopt when there is none.
template <class Read>
auto first_of(const Result& result, Read&& read)
    -> std::optional<decltype(read(std::declval<Columns&>()))> {
  if (result.empty()) return std::nullopt;
  Columns cols(result.first());
  return read(cols);
}

// Every row mapped by `read`, in order.
template <class Read>
auto all_of(const Result& result, Read&& read) {
  std::vector<decltype(read(std::declval<Columns&>()))> out;
  out.reserve(result.rows.size());
  for (const auto& row : result.rows) {
    Columns cols(row);
    out.push_back(read(cols));
  }
  return out;
}

}  // namespace carelive::store
