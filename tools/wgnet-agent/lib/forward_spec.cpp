#include "forward_spec.hpp"

#include <charconv>
#include <optional>
#include <vector>

#include "wgnet/ip.hpp"

namespace wgnet::forward {
namespace {

std::string_view option_of(Direction direction) {
  switch (direction) {
    case Direction::kLocal:
      return "-L";
    case Direction::kRemote:
      return "-R";
    case Direction::kDynamic:
      break;
  }
  return "-D";
}

// One colon-separated field; `bracketed` when it was written as [address].
struct Field {
  std::string text;
  bool bracketed = false;
};

// Splits at colons outside brackets. nullopt (with `why`) for unbalanced brackets.
std::optional<std::vector<Field>> split_fields(std::string_view text, std::string& why) {
  std::vector<Field> fields(1);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '[') {
      size_t close = text.find(']', i);
      if (close == std::string_view::npos || !fields.back().text.empty()) {
        why = "an opening '[' without its ']' (IPv6 addresses go in brackets: [fd00::2])";
        return std::nullopt;
      }
      fields.back().text = std::string(text.substr(i + 1, close - i - 1));
      fields.back().bracketed = true;
      i = close;
      if (i + 1 < text.size() && text[i + 1] != ':') {
        why = "text after ']' that is not ':'";
        return std::nullopt;
      }
    } else if (c == ']') {
      why = "a ']' without its '['";
      return std::nullopt;
    } else if (c == ':') {
      fields.emplace_back();
    } else {
      fields.back().text += c;
    }
  }
  return fields;
}

std::optional<uint16_t> parse_port(const std::string& text, bool zero_allowed) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value > 65535 ||
      (value == 0 && !zero_allowed)) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

// -D [bind_address:]port: a SOCKS5 listener on this machine, 127.0.0.1 unless told otherwise.
template <typename Bad>
Result<ForwardSpec> parse_dynamic(const std::vector<Field>& fields, const Bad& bad) {
  if (fields.size() > 2) return bad("expected [bind_address:]port");
  ForwardSpec spec;
  spec.direction = Direction::kDynamic;
  spec.listen_address = "127.0.0.1";
  if (fields.size() == 2) {
    const Field& address = fields[0];
    if (address.bracketed && !IpAddress::parse(address.text)) {
      return bad("'[" + address.text + "]' is not an IPv6 address");
    }
    spec.listen_address = address.text.empty() ? "*" : address.text;
  }
  auto port = parse_port(fields.back().text, true);
  if (!port) return bad("the listening port '" + fields.back().text + "' is not a number 0-65535");
  spec.listen_port = *port;
  return spec;
}

}  // namespace

std::string ForwardSpec::name() const {
  std::string address = listen_address.empty() ? "*" : listen_address;
  if (address.find(':') != std::string::npos) address = "[" + address + "]";
  return std::string(option_of(direction)) + " " + address + ":" + std::to_string(listen_port) +
         (protocol == Protocol::kUdp ? "/udp" : "");
}

Result<ForwardSpec> parse_forward_spec(Direction direction, std::string_view text) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorCode::kInvalidArgument,
                      std::string(option_of(direction)) + " '" + std::string(text) + "': " + why);
  };
  ForwardSpec spec;
  spec.direction = direction;
  std::string_view body = text;
  if (size_t slash = body.rfind('/'); slash != std::string_view::npos) {
    std::string_view suffix = body.substr(slash + 1);
    if (suffix == "udp" && direction == Direction::kDynamic) {
      return bad("a SOCKS listener is TCP (its clients' UDP goes through UDP ASSOCIATE)");
    } else if (suffix == "udp") {
      spec.protocol = Protocol::kUdp;
    } else if (suffix != "tcp") {
      return bad("unknown protocol '/" + std::string(suffix) + "' (only /tcp and /udp)");
    }
    body = body.substr(0, slash);
  }
  std::string why;
  auto fields = split_fields(body, why);
  if (!fields) return bad(why);
  if (direction == Direction::kDynamic) return parse_dynamic(*fields, bad);
  const std::string usage =
      std::string("expected ") +
      (direction == Direction::kLocal ? "[bind_address:]" : "[tunnel_address:]") +
      "port:host:hostport";
  if (fields->size() > 4) {
    return bad(usage + " (IPv6 addresses go in brackets: [fd00::2])");
  }
  if (fields->size() < 3) return bad(usage);
  size_t first = fields->size() - 3;  // index of the listening port
  if (fields->size() == 4) {
    const Field& address = (*fields)[0];
    spec.listen_address = address.text == "*" ? "" : address.text;
    if (address.bracketed && !IpAddress::parse(address.text)) {
      return bad("'[" + address.text + "]' is not an IPv6 address");
    }
  } else if (direction == Direction::kLocal) {
    spec.listen_address = "127.0.0.1";  // ssh's GatewayPorts=no: this machine only
  }
  if (direction == Direction::kLocal && spec.listen_address.empty()) spec.listen_address = "*";
  if (direction == Direction::kRemote && !spec.listen_address.empty() &&
      !IpAddress::parse(spec.listen_address)) {
    return bad("the tunnel address '" + spec.listen_address + "' is not an IP address");
  }
  auto listen_port = parse_port((*fields)[first].text, true);
  if (!listen_port) {
    return bad("the listening port '" + (*fields)[first].text + "' is not a number 0-65535");
  }
  spec.listen_port = *listen_port;
  const Field& host = (*fields)[first + 1];
  if (host.text.empty()) return bad("the host is empty");
  if (host.bracketed && !IpAddress::parse(host.text)) {
    return bad("'[" + host.text + "]' is not an IPv6 address");
  }
  spec.host = host.text;
  auto host_port = parse_port((*fields)[first + 2].text, false);
  if (!host_port) {
    return bad("the host port '" + (*fields)[first + 2].text + "' is not a number 1-65535");
  }
  spec.host_port = *host_port;
  return spec;
}

}  // namespace wgnet::forward
