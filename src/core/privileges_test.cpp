#include "core/privileges.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace carelive::core {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;

std::string temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "carelive-priv-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// A child process becomes the owner of `dir` and makes a file there; its exit code says how
// far it got (the switch is for good, so it cannot run in the test process itself).
int in_child_become_owner_and_create(const std::string& dir, const std::string& file) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    try {
      auto user = become_owner_of(dir);
      if (!user) ::_exit(10);
      if (::setuid(0) == 0) ::_exit(11);  // root must be gone for good
      const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
      ::_exit(fd >= 0 ? 0 : 12);
    } catch (...) {
      ::_exit(13);
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(BecomeOwnerOf, RootActsAsTheDataFoldersOwnerSoNewFilesAreTheirs) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  const auto dir = temp_dir();
  ASSERT_EQ(::chown(dir.c_str(), kNobody, kNogroup), 0);
  const auto file = dir + "/made-by-admin";

  EXPECT_EQ(in_child_become_owner_and_create(dir, file), 0);

  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, kNobody);
  EXPECT_EQ(st.st_gid, kNogroup);
  fs::remove_all(dir);
}

TEST(BecomeOwnerOf, ChangesNothingForAFolderOfRootOrAMissingOne) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  const auto dir = temp_dir();
  EXPECT_EQ(become_owner_of(dir), std::nullopt);
  EXPECT_EQ(become_owner_of(dir + "/missing"), std::nullopt);
  EXPECT_EQ(::geteuid(), 0u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace carelive::core
