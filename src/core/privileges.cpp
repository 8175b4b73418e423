#include "core/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace carelive::core {

namespace {
std::string user_name(uid_t uid) {
  const passwd* pw = ::getpwuid(uid);
  return pw ? pw->pw_name : std::to_string(uid);
}
}  // namespace

std::optional<std::string> become_owner_of(const std::filesystem::path& dir) {
  struct stat st {};
  if (::geteuid() != 0 || ::stat(dir.c_str(), &st) != 0 || st.st_uid == 0) return std::nullopt;
  const std::string name = user_name(st.st_uid);
  const gid_t gid = st.st_gid;
  // Groups first: after setuid() this process may no longer change them.
  if (::setgroups(1, &gid) != 0 || ::setgid(gid) != 0 || ::setuid(st.st_uid) != 0)
    throw std::system_error(errno, std::generic_category(),
                            "cannot act as " + name + ", the owner of " + dir.string() +
                                "; run the command as that user: sudo -u " + name +
                                " carelive admin …");
  if (::setuid(0) == 0)
    throw std::runtime_error("could not give up root to act as " + name + "; run: sudo -u " + name +
                             " carelive admin …");
  return name;
}

std::string current_user_name() { return user_name(::geteuid()); }

}  // namespace carelive::core
