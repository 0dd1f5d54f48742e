// ISA-L inflate for gzip streams: about five times zlib's speed on one core, which is what
// bounds a .tar.gz bundle (decompression is the one serial stage of the pipeline).
#include "ingest/gzip_isal.h"

#include <vector>

#if KDX_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

namespace kdx::ingest {
namespace {
// Decompressed bytes per read(): libarchive's tar reader hands member data out in pieces of
// this size, so it is also the Block size the chunker sees.
constexpr size_t kOutBlock = 256 << 10;
constexpr size_t kNameMax = 4096;      // a longer FNAME is skipped, not kept
constexpr size_t kMaxHeader = 64 << 10;  // a gzip header (FEXTRA, FNAME, FCOMMENT) past this is damage
constexpr const char* kTruncated = "truncated gzip input";
}  // namespace

#if KDX_HAVE_ISAL

struct GzipInflater::Impl {
  enum class Phase { header, body, between, done, failed };

  Pull pull;
  inflate_state st{};
  isal_gzip_header hdr{};
  std::vector<char> name_buf = std::vector<char>(kNameMax, 0);
  std::vector<uint8_t> out = std::vector<uint8_t>(kOutBlock);
  std::string_view in;  // the rest of the current compressed block
  // A member's header gathered across blocks (ISA-L loses the name when a header is parsed
  // in pieces), then the body bytes that came with it: consumed before `in`.
  std::string head;
  size_t head_used = 0;
  bool input_done = false;
  bool first_member = true;
  bool keep_name = true;  // false once FNAME turned out longer than kNameMax
  Phase phase = Phase::header;
  std::string name, error;
  uint32_t mtime = 0;
  std::string pending_error;  // damage met after some output: reported on the next read

  bool fail(std::string what) {
    error = std::move(what);
    phase = Phase::failed;
    return false;
  }
  // Makes `in` non-empty unless the input is over; false on a pull error.
  bool fill() {
    if (!in.empty() || input_done) return true;
    std::string err;
    if (!pull(&in, &err)) return fail(std::move(err));
    if (in.empty()) input_done = true;
    return true;
  }
  bool read_header();
  std::optional<std::string_view> inflate_some();
  bool next_member();
};

// Parses a member's header, which may arrive in pieces: they are gathered and the header is
// parsed again from its start until it is whole. True once the body can start.
bool GzipInflater::Impl::read_header() {
  while (true) {
    isal_inflate_reset(&st);
    isal_gzip_header_init(&hdr);
    name_buf.assign(kNameMax, 0);
    if (first_member && keep_name) {
      hdr.name = name_buf.data();
      hdr.name_buf_len = static_cast<uint32_t>(name_buf.size());
    }
    st.next_in = reinterpret_cast<uint8_t*>(head.data());
    st.avail_in = static_cast<uint32_t>(head.size());
    int r = head.empty() ? ISAL_END_INPUT : isal_read_gzip_header(&st, &hdr);
    if (r == ISAL_NAME_OVERFLOW) {  // parse it again, without the name
      keep_name = false;
      continue;
    }
    if (r == ISAL_DECOMP_OK) {
      head_used = head.size() - st.avail_in;  // the rest is the body's start
      if (first_member) {
        name.assign(name_buf.data());
        mtime = hdr.time;
        first_member = false;
      }
      st.crc_flag = ISAL_GZIP_NO_HDR_VER;  // the trailer's CRC-32 and size are verified
      phase = Phase::body;
      return true;
    }
    if (r != ISAL_END_INPUT || head.size() > kMaxHeader) return fail("damaged gzip header");
    if (!fill()) return false;
    if (in.empty()) return fail(kTruncated);
    head.append(in);
    in = {};
  }
}

// Inflates into `out` until it has bytes, the member ends, or damage; nullopt on damage
// with no output to hand out first.
std::optional<std::string_view> GzipInflater::Impl::inflate_some() {
  while (phase == Phase::body) {
    if (head_used == head.size()) {
      head.clear();
      head_used = 0;
    }
    const bool from_head = !head.empty();
    if (!from_head && !fill()) return std::nullopt;
    std::string_view src = from_head ? std::string_view(head).substr(head_used) : in;
    if (src.empty()) {
      fail(kTruncated);
      return std::nullopt;
    }
    st.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(src.data()));
    st.avail_in = static_cast<uint32_t>(src.size());
    st.next_out = out.data();
    st.avail_out = static_cast<uint32_t>(out.size());
    const int r = isal_inflate(&st);
    if (from_head) head_used += src.size() - st.avail_in;
    else in.remove_prefix(src.size() - st.avail_in);
    const size_t produced = out.size() - st.avail_out;
    if (r < 0) {
      pending_error = r == ISAL_INCORRECT_CHECKSUM ? "gzip checksum mismatch"
                                                   : "gzip decompression failed";
      phase = Phase::failed;
    } else if (st.block_state == ISAL_BLOCK_FINISH) {
      phase = Phase::between;
    }
    if (produced > 0) return std::string_view(reinterpret_cast<const char*>(out.data()), produced);
  }
  return std::string_view();
}

// After a member: another one follows only if the next bytes are a gzip magic. Its first
// bytes go to `head`, where read_header() starts.
bool GzipInflater::Impl::next_member() {
  std::string rest = head.substr(std::min(head_used, head.size()));
  head.clear();
  head_used = 0;
  while (rest.size() < 2) {
    if (!fill()) return false;
    if (in.empty()) break;
    const size_t take = std::min(in.size(), 2 - rest.size());
    rest.append(in.substr(0, take));
    in.remove_prefix(take);
  }
  if (rest.size() < 2 || static_cast<uint8_t>(rest[0]) != 0x1f ||
      static_cast<uint8_t>(rest[1]) != 0x8b) {
    phase = Phase::done;
    return true;
  }
  head = std::move(rest);
  head.append(in);
  in = {};
  phase = Phase::header;
  return true;
}

bool GzipInflater::available() { return true; }

GzipInflater::GzipInflater(Pull pull) : impl_(std::make_unique<Impl>()) {
  impl_->pull = std::move(pull);
  isal_inflate_init(&impl_->st);
}

std::optional<std::string_view> GzipInflater::read() {
  Impl& m = *impl_;
  while (true) {
    switch (m.phase) {
      case Impl::Phase::header:
        if (!m.read_header()) return std::nullopt;
        break;
      case Impl::Phase::body: {
        auto got = m.inflate_some();
        if (!got) return std::nullopt;
        if (!got->empty()) return got;
        break;
      }
      case Impl::Phase::between:
        if (!m.next_member()) return std::nullopt;
        break;
      case Impl::Phase::done:
        return std::string_view();
      case Impl::Phase::failed:
        if (!m.pending_error.empty()) m.error = std::move(m.pending_error);
        m.pending_error.clear();
        return std::nullopt;
    }
  }
}

#else  // no ISA-L in this build: callers use libarchive's gzip filter.

struct GzipInflater::Impl {
  std::string name, error = "built without ISA-L";
  uint32_t mtime = 0;
};

bool GzipInflater::available() { return false; }
GzipInflater::GzipInflater(Pull) : impl_(std::make_unique<Impl>()) {}
std::optional<std::string_view> GzipInflater::read() { return std::nullopt; }

#endif

GzipInflater::~GzipInflater() = default;
GzipInflater::GzipInflater(GzipInflater&&) noexcept = default;
GzipInflater& GzipInflater::operator=(GzipInflater&&) noexcept = default;
const std::string& GzipInflater::error() const { return impl_->error; }
const std::string& GzipInflater::name() const { return impl_->name; }
uint32_t GzipInflater::mtime() const { return impl_->mtime; }

}  // namespace kdx::ingest
