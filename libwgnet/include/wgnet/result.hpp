// Errors as values at the library boundary: every fallible public call returns Result<T>.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace wgnet {

// What went wrong, coarse enough for a tool to pick its exit status from.
enum class ErrorCode {
  kInvalidArgument,   // bad input from the caller (option, address, port)
  kConfig,            // configuration file problem; message names file, line and key
  kHandshakeTimeout,  // the WireGuard peer never answered the handshake
  kResolve,           // a name could not be resolved (through the tunnel's DNS)
  kConnectRefused,    // the far end actively refused (TCP RST)
  kTimeout,           // an operation did not finish in the time allowed
  kNetwork,           // no route, peer unreachable, connection reset
  kClosed,            // the tunnel or connection was closed
  kIo,                // an OS-level call failed (socket, bind, ...)
  kInternal,          // a bug or resource exhaustion
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace wgnet
