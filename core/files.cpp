#include "core/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

namespace popcheck::core {

namespace fs = std::filesystem;

Expected<std::string> read_file(const std::string& path, size_t max_bytes) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return fail("io.open", "is a folder, not a file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("io.open", std::string("cannot open: ") + std::strerror(errno), path);
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) return fail("io.read", "cannot determine the file size", path);
  if (static_cast<size_t>(size) > max_bytes)
    return fail("io.too_large",
                "file is " + std::to_string(size) + " bytes, over the limit of " +
                    std::to_string(max_bytes),
                path);
  std::string data(static_cast<size_t>(size), '\0');
  in.seekg(0);
  in.read(data.data(), size);
  if (!in) return fail("io.read", "read failed", path);
  return data;
}

namespace {
constexpr std::string_view kTempMark = ".tmp-";
}  // namespace

bool is_atomic_write_temp(std::string_view name) {
  size_t mark = name.rfind(kTempMark);
  if (name.size() < 2 || name[0] != '.' || mark == std::string_view::npos || mark < 2) return false;
  std::string_view digits = name.substr(mark + kTempMark.size());
  return !digits.empty() &&
         std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Expected<void> write_file_atomic(const std::string& path, std::string_view content) {
  fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) return fail("io.mkdir", "cannot create folder: " + ec.message(), target.parent_path());
  }
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  // Appended piece by piece: `"." + std::string&&` inserts at the front, which GCC 12 misreads as
  // an overlapping copy (-Wrestrict) in optimised builds.
  std::string name = ".";
  name += target.filename().string();
  name += kTempMark;
  name += std::to_string(rng());
  std::string tmp = (target.parent_path() / name).string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return fail("io.write", std::string("cannot create: ") + std::strerror(errno), tmp);
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return fail("io.write", std::string("write failed: ") + std::strerror(err), path);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  // The descriptor is closed whether or not the flush worked.
  int flush_err = ::fsync(fd) != 0 ? errno : 0;
  if (::close(fd) != 0 && flush_err == 0) flush_err = errno;
  if (flush_err != 0) {
    ::unlink(tmp.c_str());
    return fail("io.write", std::string("flush failed: ") + std::strerror(flush_err), path);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail("io.write", std::string("rename failed: ") + std::strerror(err), path);
  }
  return {};
}

}  // namespace popcheck::core
