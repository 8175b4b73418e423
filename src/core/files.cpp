#include "core/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace carelive::core {

namespace fs = std::filesystem;

void create_private_directories(const fs::path& dir) {
  std::error_code ec;
  if (dir.empty() || fs::is_directory(dir, ec)) return;
  const auto parent = dir.parent_path();
  if (parent != dir) create_private_directories(parent);
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw fs::filesystem_error("cannot create folder", dir,
                               std::error_code(errno, std::generic_category()));
}

void create_private_file(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return;
  }
  if (errno != EEXIST)
    throw fs::filesystem_error("cannot create file", path,
                               std::error_code(errno, std::generic_category()));
}

}  // namespace carelive::core
