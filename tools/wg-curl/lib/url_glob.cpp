#include "url_glob.hpp"

#include <curl/curl.h>

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace wgnet::curl {
namespace {

constexpr size_t kMaxParts = 100;             // curl's GLOB_PATTERN_NUM: parts stay below it
constexpr size_t kMaxMessage = 511;           // curl formats its message into 512 bytes
constexpr size_t kMaxOutputName = 10 * 1024;  // curl's MAX_OUTPUT_GLOB_LENGTH
constexpr size_t kMaxIpv6Text = 128;          // curl's MAX_IP6LEN

bool is_digit(char c) {
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// "[...]" up to the first ']' that libcurl takes for a host (an IPv6 literal): its length.
size_t ipv6_literal_length(const char* at) {
  const char* close = std::strchr(at, ']');
  if (!close) return 0;
  size_t length = static_cast<size_t>(close - at) + 1;
  if (length >= kMaxIpv6Text) return 0;
  CURLU* u = curl_url();
  if (!u) return 0;
  std::string host(at, length);
  bool ok = curl_url_set(u, CURLUPART_URL, host.c_str(), CURLU_GUESS_SCHEME) == CURLUE_OK;
  curl_url_cleanup(u);
  return ok ? length : 0;
}

// strtoul() as curl calls it (whitespace, a sign, overflow), with where it stopped.
struct Number {
  unsigned long value = 0;
  const char* end = nullptr;
  bool overflow = false;
};
Number read_number(const char* at) {
  Number n;
  char* end = nullptr;
  errno = 0;
  n.value = std::strtoul(at, &end, 10);
  n.overflow = errno != 0;
  n.end = end;
  return n;
}

}  // namespace

class UrlGlob::Parser {
 public:
  explicit Parser(const std::string& url) : url_(url), at_(url.c_str()) {}

  Result<UrlGlob> run() {
    while (*at_ && failure_.empty()) {
      std::string text;
      if (!read_text(text)) break;
      if (!text.empty()) {
        Part part;
        part.elements.push_back(std::move(text));
        glob_.parts_.push_back(std::move(part));
      } else if (*at_ == '{') {
        ++at_;
        ++pos_;
        read_set();
      } else if (*at_ == '[') {
        ++at_;
        ++pos_;
        read_range();
      }
      if (failure_.empty() && glob_.parts_.size() >= kMaxParts) fail("too many globs", pos_);
    }
    if (!failure_.empty()) return make_error(ErrorCode::kInvalidArgument, message());
    return std::move(glob_);
  }

 private:
  void fail(const char* what, size_t position) {
    failure_ = what;
    failure_pos_ = position;
  }

  // curl's "<what> in URL position N:", the URL, and a caret under column N.
  std::string message() const {
    if (failure_pos_ == 0) return failure_;
    std::string text = failure_ + " in URL position " + std::to_string(failure_pos_) + ":\n" +
                       url_ + "\n" + std::string(std::max<size_t>(failure_pos_ - 1, 1), ' ') + "^";
    if (text.size() > kMaxMessage) text.resize(kMaxMessage);
    return text;
  }

  bool multiply(uint64_t with) {
    uint64_t product = 0;
    if (__builtin_mul_overflow(glob_.count_, with, &product)) return false;
    glob_.count_ = product;
    return true;
  }

  Part& add_glob(Kind kind) {
    Part part;
    part.kind = kind;
    part.glob_index = next_glob_index_++;
    glob_.parts_.push_back(std::move(part));
    return glob_.parts_.back();
  }

  // Text up to the next glob. false on a stray closing brace or bracket.
  bool read_text(std::string& text) {
    while (*at_ && *at_ != '{') {
      if (*at_ == '[') {
        // As curl: an IPv6 literal or "[]" is text (its characters are not counted in pos_).
        size_t skip = ipv6_literal_length(at_);
        if (skip == 0 && at_[1] == ']') skip = 2;
        if (skip == 0) break;
        text.append(at_, skip);
        at_ += skip;
        continue;
      }
      if (*at_ == '}' || *at_ == ']') {
        fail("unmatched close brace/bracket", pos_);
        return false;
      }
      if (*at_ == '\\' && at_[1] && std::strchr("{[}]", at_[1])) {
        ++at_;
        ++pos_;
      }
      text += *at_++;
      ++pos_;
    }
    return true;
  }

  // After '{': elements up to the closing '}'.
  void read_set() {
    size_t open_pos = pos_ - 1;
    const char* start = at_;
    Part& set = add_glob(Kind::kSet);
    std::string element;
    for (;;) {
      switch (*at_) {
        case '\0':
          return fail("unmatched brace", open_pos);
        case '{':
        case '[':
          return fail("nested brace", pos_);
        case ']':
          return fail("unexpected close bracket", pos_);
        case '}':
          if (at_ == start) return fail("empty string within braces", pos_);
          if (!multiply(set.elements.size() + 1)) return fail("range overflow", 0);
          set.elements.push_back(std::move(element));
          ++at_;  // as curl, the closing brace is not counted in pos_
          return;
        case ',':
          set.elements.push_back(std::move(element));
          element.clear();
          ++at_;
          ++pos_;
          continue;
        case '\\':
          if (at_[1]) {
            ++at_;
            ++pos_;
          }
          break;
        default:
          break;
      }
      element += *at_++;
      ++pos_;
    }
  }

  // After '[': "a-z]", "1-10]", "001-100]", each with an optional ":step".
  void read_range() {
    if (std::isalpha(static_cast<unsigned char>(*at_))) return read_letters();
    if (is_digit(*at_)) return read_numbers();
    fail("bad range specification", pos_);
  }

  void read_letters() {
    const char* start = at_;
    // sscanf("%c-%c%c"): three characters around a '-'.
    bool shaped = at_[1] == '-' && at_[2] && at_[3];
    auto first = static_cast<signed char>(at_[0]);
    auto last = static_cast<signed char>(shaped ? at_[2] : 0);
    unsigned long step = 1;
    if (shaped && at_[3] == ':') {
      Number n = read_number(at_ + 4);
      if (n.overflow || n.end == at_ + 4 || *n.end != ']') {
        step = 0;
      } else {
        step = n.value;
        at_ = n.end + 1;
      }
    } else if (shaped && at_[3] == ']') {
      at_ += 4;
    } else {
      shaped = false;
    }
    pos_ += static_cast<size_t>(at_ - start);
    int span = last - first;
    if (!shaped || step == 0 || step > static_cast<unsigned long>(INT_MAX) ||
        (first == last && step != 1) ||
        (first != last &&
         (first > last || step > static_cast<unsigned long>(span) || span > 'z' - 'a'))) {
      return fail("bad range", pos_);
    }
    Part& letters = add_glob(Kind::kLetters);
    letters.first = letters.current = static_cast<uint64_t>(first);
    letters.last = static_cast<uint64_t>(last);
    letters.step = step;
    if (!multiply(static_cast<uint64_t>(span) / step + 1)) fail("range overflow", pos_);
  }

  void read_numbers() {
    const char* start = at_;
    int width = 0;
    if (*at_ == '0') {
      for (const char* c = at_; is_digit(*c); ++c) ++width;
    }
    bool ok = false;
    unsigned long first = 0, last = 0, step = 0;
    Number low = read_number(at_);
    if (!low.overflow && *low.end == '-') {
      first = low.value;
      at_ = low.end + 1;
      while (*at_ == ' ' || *at_ == '\t') ++at_;
      if (is_digit(*at_)) {
        Number high = read_number(at_);
        last = high.value;
        const char* end = high.end;
        ok = !high.overflow;
        step = 1;
        if (ok && *end == ':') {
          at_ = end + 1;
          Number by = read_number(at_);
          ok = !by.overflow;
          step = by.value;
          end = by.end;
        }
        ok = ok && *end == ']';
        if (ok) at_ = end + 1;
      }
    }
    pos_ += static_cast<size_t>(at_ - start);
    if (!ok || step == 0 || (first == last && step != 1) ||
        (first != last && (first > last || step > last - first))) {
      return fail("bad range", pos_);
    }
    Part& numbers = add_glob(Kind::kNumbers);
    numbers.first = numbers.current = first;
    numbers.last = last;
    numbers.step = step;
    numbers.width = width;
    if (!multiply((last - first) / step + 1)) fail("range overflow", pos_);
  }

  const std::string& url_;
  const char* at_;
  size_t pos_ = 1;  // curl's column: 1-based, counted as curl counts it
  int next_glob_index_ = 0;
  std::string failure_;
  size_t failure_pos_ = 0;
  UrlGlob glob_;
};

Result<UrlGlob> UrlGlob::parse(const std::string& url) {
  return Parser(url).run();
}

std::string UrlGlob::Part::text() const {
  switch (kind) {
    case Kind::kText:
    case Kind::kSet:
      return elements[current];
    case Kind::kLetters:
      return std::string(1, static_cast<char>(current));
    case Kind::kNumbers: {
      std::string digits = std::to_string(current);
      if (digits.size() < static_cast<size_t>(width))
        digits.insert(0, static_cast<size_t>(width) - digits.size(), '0');
      return digits;
    }
  }
  return {};
}

bool UrlGlob::Part::advance() {
  if (kind == Kind::kText || kind == Kind::kSet) {
    if (++current < elements.size()) return true;
    current = 0;
    return false;
  }
  if (last - current >= step) {  // never past `last`, even next to 2^64
    current += step;
    return true;
  }
  current = first;
  return false;
}

std::optional<std::string> UrlGlob::next() {
  if (done_) return std::nullopt;
  if (started_) {
    // An odometer: the rightmost part turns first; a carry out of the leftmost is the end.
    bool carry = true;
    for (auto part = parts_.rbegin(); carry && part != parts_.rend(); ++part)
      carry = !part->advance();
    if (carry) {
      done_ = true;
      return std::nullopt;
    }
  }
  started_ = true;
  std::string url;
  for (const auto& part : parts_) url += part.text();
  return url;
}

std::optional<std::string> UrlGlob::output_name(std::string_view pattern) const {
  std::string name;
  for (size_t i = 0; i < pattern.size();) {
    const Part* part = nullptr;
    size_t digits_end = i + 1;
    if (pattern[i] == '#' && i + 1 < pattern.size() && is_digit(pattern[i + 1])) {
      while (digits_end < pattern.size() && is_digit(pattern[digits_end])) ++digits_end;
      std::string digits(pattern.substr(i + 1, digits_end - i - 1));
      Number n = read_number(digits.c_str());
      if (n.value > 0 && n.value < parts_.size()) {
        for (const auto& p : parts_) {
          if (p.glob_index == static_cast<int>(n.value - 1)) part = &p;
        }
      }
    }
    if (part) {
      name += part->text();
      i = digits_end;
    } else {
      name += pattern[i++];  // as curl: an unknown "#N" stays as it is
    }
    if (name.size() >= kMaxOutputName) return std::nullopt;
  }
  return name;
}

}  // namespace wgnet::curl
