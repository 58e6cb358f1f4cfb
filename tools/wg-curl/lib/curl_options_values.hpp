// Value parsers behind wg-curl's options, each as curl 7.88 reads that kind of value. Internal
// to the option parser (curl_options.cpp) and its tests.
#pragma once

#include <chrono>
#include <climits>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "curl_options.hpp"

namespace wgnet::curl::detail {

// curl's ParameterError reasons (param2text), the words after "option -x: ".
enum class ParamProblem {
  kOk,
  kUnknown,           // "is unknown"
  kAmbiguous,         // "is ambiguous"
  kRequiresParameter, // "requires parameter"
  kBadUse,            // "is badly used here"
  kBadNumeric,        // "expected a proper numerical parameter"
  kNegativeNumeric,   // "expected a positive numerical parameter"
  kNumberTooLarge,    // "too large number"
  kNoNotBoolean,      // "used '--no-' for option that isn't a boolean"
  kUnsupported,       // wg-curl: "is not supported by wg-curl"
};
std::string_view problem_text(ParamProblem problem);

// strtol-style whole-string numbers (str2num / str2unum in curl).
ParamProblem parse_long(std::string_view text, long& out);
ParamProblem parse_unsigned_long(std::string_view text, long& out, long max = LONG_MAX);
// secs2ms: a non-negative decimal number of seconds (strtod syntax) to milliseconds.
ParamProblem parse_seconds_ms(std::string_view text, std::chrono::milliseconds& out);
// str2offset: a non-negative 64-bit offset.
ParamProblem parse_offset(std::string_view text, int64_t& out);
// GetSizeParameter: digits with an optional G/M/K/B unit; `which` names it in the warning.
ParamProblem parse_size(std::string_view text, const char* which, int64_t& out,
                        std::vector<std::string>& warnings);

// Whole file (or stdin for "-") as bytes; std::nullopt when it cannot be opened or read.
std::optional<std::string> read_file_bytes(const std::string& name);
// curl's file2string: line by line (fgets chunks of 255), each cut at its first NUL, CR or LF,
// so a text file's line ends disappear. std::nullopt when it cannot be opened.
std::optional<std::string> read_file_text(const std::string& name);

// --data-urlencode's argument to the bytes it adds (may read a file; warnings as curl's).
std::string data_urlencode(const std::string& arg, std::vector<std::string>& warnings);

// One -F / --form-string argument. Error text (e.g. "Illegally formatted input field!")
// when curl would refuse it; warnings as curl prints them.
Result<FormPart> parse_form_part(const std::string& arg, bool literal,
                                 std::vector<std::string>& warnings);

// --resolve "[+|-]host:port:addr[,addr]..." ("-host:port" removes).
std::optional<ResolveEntry> parse_resolve(const std::string& text);

// -E's "file[:password]" with '\:' and '\\' escapes; pkcs11: URIs as they are.
void split_cert_parameter(const std::string& param, std::string& file,
                          std::optional<std::string>& password);

// --proto / --proto-redir over the schemes wg-curl has (http, https); unknown names warn as
// curl does ("unrecognized protocol 'x'"). kBadUse for a stray modifier.
ParamProblem parse_proto(std::string_view spec, bool& http, bool& https,
                         std::vector<std::string>& warnings);

}  // namespace wgnet::curl::detail
