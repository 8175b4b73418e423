// `carelive admin` run by root on the service's data folder keeps the files there the service
// user's (SPEC "Acceptance contract"): the real binary, run as root on a folder of `nobody`.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace carelive::admin {
namespace {

namespace fs = std::filesystem;

constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;

// `carelive` is built beside the test binary (CMake makes it first).
std::string carelive_binary() {
  return (fs::read_symlink("/proc/self/exe").parent_path() / "carelive").string();
}

int run(const std::string& args) {
  const std::string command = carelive_binary() + " " + args + " >/dev/null";
  return std::system(command.c_str());
}

TEST(AdminAsRoot, FilesMadeOrChangedInTheServicesDataFolderStayItsOwners) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  std::string dir = (fs::temp_directory_path() / "carelive-root-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  ASSERT_EQ(::chown(dir.c_str(), kNobody, kNogroup), 0);
  ASSERT_EQ(::chmod(dir.c_str(), 0750), 0);
  const std::string admin = "admin --data " + dir + " ";

  ASSERT_EQ(run(admin + "facility add --code root01 --name ふじ園 --kind 老人保健施設"), 0);
  ASSERT_EQ(run(admin + "resident add --facility root01 --family-name 山田 --given-name 花子 "
                        "--family-name-kana やまだ --given-name-kana はなこ"),
            0);
  // A new staff member gets a set-password link: a message file in the outbox.
  ASSERT_EQ(run(admin + "staff add --facility root01 --family-name 佐藤 --given-name 一郎 "
                        "--family-name-kana さとう --given-name-kana いちろう "
                        "--login-id staff@example.jp"),
            0);
  ASSERT_EQ(run(admin + "invite --facility root01 --resident 1"), 0);
  ASSERT_EQ(run(admin + "backup --to " + dir + "/backup.carelive"), 0);
  ASSERT_EQ(run(admin + "restore --from " + dir + "/backup.carelive"), 0);

  std::vector<std::string> expected = {"carelive.db", "secret.key", "backup.carelive", "outbox"};
  for (const auto& name : expected) EXPECT_TRUE(fs::exists(fs::path(dir) / name)) << name;
  int outbox_files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    struct stat st {};
    ASSERT_EQ(::lstat(entry.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, kNobody) << entry.path();
    EXPECT_EQ(st.st_gid, kNogroup) << entry.path();
    if (entry.path().parent_path().filename() == "outbox") ++outbox_files;
  }
  EXPECT_GE(outbox_files, 1);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace carelive::admin
