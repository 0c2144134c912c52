#include "io/sources.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <system_error>
#include <utility>

#include "io/mbox.h"

namespace bounceback::io {
namespace {

// How much of an mbox or a pipe is read at once.
constexpr size_t kReadWindow = size_t{1} << 20;

std::string error_text(int error) { return std::error_code(error, std::generic_category()).message(); }

// Owns a descriptor from open(); closes it when done.
class OpenFile {
 public:
  explicit OpenFile(int fd) : fd_(fd) {}
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

struct ReadResult {
  size_t bytes = 0;  // 0 at the end of the input
  int error = 0;
};

ReadResult read_some(int fd, char* data, size_t size) {
  for (;;) {
    const ssize_t n = ::read(fd, data, size);
    if (n >= 0) return {static_cast<size_t>(n), 0};
    if (errno != EINTR) return {0, errno};
  }
}

// Reads a descriptor to its end. Once a regular file's size is reached, a read shorter than asked
// is its end: no further read() is needed to see it return 0. (Files in /proc say their size is
// 0: they are read until read() returns 0.)
class StreamReader {
 public:
  StreamReader(int fd, std::optional<size_t> size) : fd_(fd), known_size_(size.value_or(0)) {}

  // At most kReadWindow bytes into `space`.
  ReadResult read(std::span<char> space) {
    if (at_end_) return {};
    const size_t wanted = std::min(space.size(), kReadWindow);
    const ReadResult result = read_some(fd_, space.data(), wanted);
    total_ += result.bytes;
    const bool short_of_known_end = known_size_ > 0 && total_ >= known_size_ && result.bytes < wanted;
    at_end_ = result.error == 0 && (result.bytes == 0 || short_of_known_end);
    return result;
  }

  bool at_end() const { return at_end_; }

 private:
  int fd_;
  size_t known_size_;
  size_t total_ = 0;
  bool at_end_ = false;
};

// Appends to `out` until it holds `limit` bytes or the input ends; returns 0 or an errno value.
// `expected` is the size the input is believed to have (a regular file's): reading asks for that
// much plus one byte rather than a whole window, since growing a std::string zero-fills it.
int read_up_to(StreamReader& input, std::string& out, size_t limit, std::optional<size_t> expected) {
  while (out.size() < limit && !input.at_end()) {
    const size_t filled = out.size();
    const size_t wanted = expected && *expected >= filled ? *expected - filled + 1 : kReadWindow;
    out.resize(filled + std::min({wanted, kReadWindow, limit - filled}));
    const ReadResult result = input.read(std::span(out).subspan(filled));
    out.resize(filled + result.bytes);
    if (result.error != 0) return result.error;
  }
  return 0;
}

std::optional<size_t> regular_file_size(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<size_t>(st.st_size);
}

std::string join_path(const std::string& folder, std::string_view name) {
  std::string path = folder;
  if (!path.ends_with('/')) path.push_back('/');
  path.append(name);
  return path;
}

bool is_folder(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

using DirHandle = std::unique_ptr<DIR, int (*)(DIR*)>;

DirHandle open_dir(const std::string& path) { return DirHandle(::opendir(path.c_str()), ::closedir); }

struct FolderEntry {
  std::string name;
  unsigned char type = DT_UNKNOWN;  // readdir's d_type: DT_REG, DT_DIR, DT_LNK, ... or DT_UNKNOWN
  bool operator<(const FolderEntry& other) const { return name < other.name; }
};

struct FolderListing {
  std::vector<FolderEntry> entries;  // sorted by name, without "." and ".."
  int error = 0;                     // when set, `entries` holds what was listed before it
};

FolderListing list_folder(DIR* dir) {
  FolderListing listing;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir);
    if (entry == nullptr) {
      listing.error = errno;
      break;
    }
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") listing.entries.push_back(FolderEntry{std::string(name), entry->d_type});
  }
  std::sort(listing.entries.begin(), listing.entries.end());
  return listing;
}

// Whether `name` in a complete listing is a folder: the entry's type says so, except for links
// and file systems that do not fill it in.
bool lists_folder(const std::string& folder, const FolderListing& listing, std::string_view name) {
  const auto entry = std::lower_bound(listing.entries.begin(), listing.entries.end(), name,
                                      [](const FolderEntry& e, std::string_view n) { return e.name < n; });
  if (entry == listing.entries.end() || entry->name != name) return false;
  if (entry->type == DT_DIR) return true;
  return (entry->type == DT_LNK || entry->type == DT_UNKNOWN) && is_folder(join_path(folder, name));
}

bool is_maildir(const std::string& folder, const FolderListing& listing) {
  if (listing.error != 0) return is_folder(join_path(folder, "cur")) || is_folder(join_path(folder, "new"));
  return lists_folder(folder, listing, "cur") || lists_folder(folder, listing, "new");
}

// Opens the files of one folder by their names relative to it, so that the kernel looks up one
// name rather than walking the whole path each time. The folder is let go while a subfolder is
// read, so that however deep the tree, only one folder is held open at a time.
class FolderFiles {
 public:
  FolderFiles(const std::string& path, DirHandle dir) : path_(path), dir_(std::move(dir)) {}

  // A descriptor, or -1 with errno set.
  int open(const FolderEntry& entry, const std::string& entry_path) {
    if (!dir_ && !reopen_failed_) {
      dir_ = open_dir(path_);
      reopen_failed_ = !dir_;
    }
    if (!dir_) return ::open(entry_path.c_str(), O_RDONLY | O_CLOEXEC);
    return ::openat(::dirfd(dir_.get()), entry.name.c_str(), O_RDONLY | O_CLOEXEC);
  }

  void let_go() { dir_.reset(); }

 private:
  const std::string& path_;
  DirHandle dir_;
  bool reopen_failed_ = false;
};

struct FolderId {
  dev_t device;
  ino_t inode;
  bool operator==(const FolderId&) const = default;
};

// Where an entry was found, which decides what is read and what is a problem.
enum class Place {
  kNamed,        // given by the user: pipes and devices are read too
  kFolder,       // inside a folder
  kMaildirRoot,  // directly inside a Maildir: only folders count
};

class InputWalker {
 public:
  InputWalker(const SourceOptions& options, const InputHandlers& handlers)
      : options_(options), handlers_(handlers), buffers_(handlers.buffers ? *handlers.buffers : own_buffers_) {}

  bool read_path(const std::string& path) {
    if (path == "-") return read_stream(options_.stdin_fd, path, regular_file_size(options_.stdin_fd));
    return read_entry(path, Place::kNamed);
  }

 private:
  // Paths are taken by value to end up, moved, as the source of the message read from them.
  bool read_entry(std::string path, Place place) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return unreachable(path, errno);
    if (S_ISDIR(st.st_mode)) return read_folder(path, FolderId{st.st_dev, st.st_ino});
    if (place == Place::kMaildirRoot) return true;
    if (S_ISREG(st.st_mode)) return read_file(std::move(path), static_cast<size_t>(st.st_size));
    if (place == Place::kNamed) return read_file(std::move(path), std::nullopt);
    return problem(path, "not a regular file or folder");
  }

  bool unreachable(const std::string& path, int error) {
    struct stat link {};
    if (error == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
      return problem(path, "broken symbolic link: its target does not exist");
    }
    return problem(path, "cannot open: " + error_text(error));
  }

  bool read_folder(const std::string& path, FolderId id) {
    if (std::find(open_folders_.begin(), open_folders_.end(), id) != open_folders_.end()) {
      return problem(path, "not read: a symbolic link loop leads back to a folder being read");
    }
    DirHandle dir = open_dir(path);
    FolderListing listing;
    if (dir) {
      listing = list_folder(dir.get());
    } else {
      listing.error = errno;
    }
    if (listing.error != 0) problem(path, "cannot read folder: " + error_text(listing.error));
    const bool maildir = is_maildir(path, listing);
    const Place place = maildir ? Place::kMaildirRoot : Place::kFolder;
    FolderFiles files(path, std::move(dir));
    open_folders_.push_back(id);
    bool go_on = true;
    for (const FolderEntry& entry : listing.entries) {
      if (maildir && entry.name == "tmp") continue;
      go_on = read_folder_entry(files, entry, join_path(path, entry.name), place);
      if (!go_on) break;
    }
    open_folders_.pop_back();
    return go_on;
  }

  // A regular file, as readdir says, is opened without a stat by path first; anything else
  // (folders, links, pipes, types not filled in) goes through read_entry().
  bool read_folder_entry(FolderFiles& files, const FolderEntry& entry, std::string path, Place place) {
    if (entry.type != DT_REG) {
      files.let_go();
      return read_entry(std::move(path), place);
    }
    if (place == Place::kMaildirRoot) return true;
    const OpenFile file(files.open(entry, path));
    if (file.fd() < 0) return unreachable(path, errno);
    const std::optional<size_t> size = regular_file_size(file.fd());
    if (!size) {  // replaced by something else since it was listed
      files.let_go();
      return read_entry(std::move(path), place);
    }
    return read_stream(file.fd(), std::move(path), size);
  }

  bool read_file(std::string path, std::optional<size_t> size) {
    const OpenFile file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (file.fd() < 0) return problem(path, "cannot open: " + error_text(errno));
    return read_stream(file.fd(), std::move(path), size);
  }

  // `size` is a regular file's, from stat().
  bool read_stream(int fd, std::string source, std::optional<size_t> size) {
    StreamReader input(fd, size);
    splitter_.restart();
    // Enough to tell an mbox: a pipe may hand the first line over a few bytes at a time.
    while (splitter_.pending().size() < kMboxEnvelope.size() && !input.at_end()) {
      if (const int error = read_more(input)) return cannot_read(source, error);
    }
    if (starts_like_mbox(splitter_.pending())) return read_mbox(input, source);
    return read_message(input, std::move(source), size);
  }

  bool read_message(StreamReader& input, std::string source, std::optional<size_t> size) {
    if (size && *size > options_.max_message_bytes) return too_large(source);
    std::string bytes = buffers_.take();
    if (size && !input.at_end()) bytes.reserve(*size + 1);
    bytes.assign(splitter_.pending());
    if (const int error = read_up_to(input, bytes, just_over_limit(), size)) return cannot_read(source, error);
    if (bytes.size() > options_.max_message_bytes) return too_large(source);
    return handlers_.on_message(InputMessage{std::move(source), std::move(bytes)});
  }

  bool read_mbox(StreamReader& input, const std::string& source) {
    for (;;) {
      if (input.at_end()) splitter_.finish();
      if (!deliver_complete_messages(source)) return false;
      if (input.at_end()) return true;
      if (const int error = read_more(input)) return cannot_read(source, error);
    }
  }

  bool deliver_complete_messages(const std::string& source) {
    for (;;) {
      std::string memory = buffers_.take();
      std::optional<MboxEntry> entry = splitter_.next(memory);
      if (!entry) {
        buffers_.give_back(std::move(memory));
        return true;
      }
      if (!deliver(source, std::move(*entry))) return false;
    }
  }

  // Reads the next bytes straight into the splitter, which copies each message out once.
  int read_more(StreamReader& input) {
    const ReadResult result = input.read(splitter_.space_for(kReadWindow));
    splitter_.appended(result.bytes);
    return result.error;
  }

  bool deliver(const std::string& mbox_source, MboxEntry&& entry) {
    const std::string number = std::to_string(entry.number);
    std::string source;
    source.reserve(mbox_source.size() + 1 + number.size());
    source.append(mbox_source).append(1, '#').append(number);
    if (entry.too_large) return too_large(source);
    return handlers_.on_message(InputMessage{std::move(source), std::move(entry.message)});
  }

  size_t just_over_limit() const {
    const size_t limit = options_.max_message_bytes;
    return limit == std::numeric_limits<size_t>::max() ? limit : limit + 1;
  }

  bool cannot_read(const std::string& source, int error) { return problem(source, "cannot read: " + error_text(error)); }

  bool too_large(const std::string& source) {
    return problem(source, "larger than the message size limit of " + describe_size(options_.max_message_bytes) +
                               " (raise it with --max-message-size)");
  }

  // Problems never stop the reading: returns true to carry on.
  bool problem(const std::string& source, std::string reason) {
    handlers_.on_problem(InputProblem{source, std::move(reason)});
    return true;
  }

  const SourceOptions& options_;
  const InputHandlers& handlers_;
  MessageBuffers own_buffers_;  // when the handlers bring none
  MessageBuffers& buffers_;
  std::vector<FolderId> open_folders_;  // the folders being read, outermost first
  // Every file is read into it, its memory kept from one file to the next: most files of a
  // Sisimai corpus start with a "From " line and are mboxes of one message.
  MboxSplitter splitter_{options_.max_message_bytes};
};

}  // namespace

std::string MessageBuffers::take() {
  if (kept_.empty()) return {};
  std::string bytes = std::move(kept_.back());
  kept_.pop_back();
  return bytes;
}

void MessageBuffers::give_back(std::string bytes) {
  if (kept_.size() == kMostKept || bytes.capacity() < kSmallestKept || bytes.capacity() > kLargestKept) return;
  bytes.clear();
  kept_.push_back(std::move(bytes));
}

bool read_inputs(const std::vector<std::string>& paths, const SourceOptions& options,
                 const InputHandlers& handlers) {
  InputWalker walker(options, handlers);
  for (const std::string& path : paths) {
    if (!walker.read_path(path)) return false;
  }
  return true;
}

std::string describe_size(size_t bytes) {
  constexpr size_t kKiB = 1024;
  constexpr size_t kMiB = kKiB * 1024;
  constexpr size_t kGiB = kMiB * 1024;
  if (bytes >= kGiB && bytes % kGiB == 0) return std::to_string(bytes / kGiB) + " GiB";
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  if (bytes >= kKiB && bytes % kKiB == 0) return std::to_string(bytes / kKiB) + " KiB";
  return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

}  // namespace bounceback::io
