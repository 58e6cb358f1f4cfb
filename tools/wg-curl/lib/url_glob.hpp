// curl 7.88's URL globbing, with curl's src/tool_urlglob.c as the reference for behaviour (the
// code is ours):
//   {a,b,c}      a set: one URL per element, in order ("\," "\}" escape inside it; {a,} is two)
//   [1-10]       numbers; [001-100] keeps the width of a first number with leading zeros
//   [a-z]        letters (at most 26 of them); [0-100:10] and [a-z:2] take every N-th
//   \{ \[ \} \]  outside a glob: the character itself; [] and an IPv6 literal [::1] are text
// Several globs in one URL multiply, the rightmost turning fastest. The count of URLs is
// bounded only by what fits in 64 bits ("range overflow"), so URLs are made one at a time.
// A URL has at most 99 parts, text and globs together ("too many globs").
// -o's "#N" is the N-th glob's current text; curl keeps "#N" as it is when N is 0, names no
// glob, or is not below the number of parts (so "{a,b}" alone leaves "#1" unreplaced).
//
// Errors are curl's own text for its exit code 3, with curl's column (which, as curl's, does not
// count a set's closing brace nor an IPv6 literal's characters):
//   bad range in URL position 23:
//   http://127.0.0.1:9/[1-
//                         ^
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wgnet/result.hpp"

namespace wgnet::curl {

class UrlGlob {
 public:
  // kInvalidArgument with curl's message (several lines) when `url` is not a well-formed glob.
  static Result<UrlGlob> parse(const std::string& url);

  // How many URLs the glob makes (1 for a URL without globs).
  uint64_t count() const { return count_; }

  // The next URL, the first one on the first call; nullopt once every URL was made.
  std::optional<std::string> next();

  // -o's file name for the URL `next` made last: "#N" replaced by the N-th glob's text.
  // nullopt when the name would be longer than curl allows (10 KiB: "bad output glob!").
  std::optional<std::string> output_name(std::string_view pattern) const;

 private:
  enum class Kind { kText, kSet, kLetters, kNumbers };
  struct Part {
    Kind kind = Kind::kText;
    int glob_index = -1;                // 0 for the first {} or [], ...; -1 for text
    std::vector<std::string> elements;  // kText (one) and kSet
    uint64_t first = 0, last = 0, step = 1, current = 0;  // kSet: element index; else a value
    int width = 0;                                        // kNumbers: zero-padded width
    std::string text() const;
    bool advance();  // to the next value; false (and back to the first) after the last
  };
  class Parser;

  std::vector<Part> parts_;
  uint64_t count_ = 1;
  bool started_ = false;
  bool done_ = false;
};

}  // namespace wgnet::curl
