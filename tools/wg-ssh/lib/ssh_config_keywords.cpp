// OpenSSH 9.2's client keywords (readconf.c keywords[], checked one by one with `ssh -G`) and the
// value checks readconf.c applies to every line, also in blocks that do not match.
#include "ssh_config_keywords.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <limits>

namespace wgnet::ssh {
namespace {

using K = KeywordSupport;
using V = ValueKind;

// clang-format off
constexpr std::array kKeywords = {
  // What wg-ssh applies.
  Keyword{"hostname", "hostname", "HostName", K::kSupported, V::kOne},
  Keyword{"user", "user", "User", K::kSupported, V::kOne},
  Keyword{"port", "port", "Port", K::kSupported, V::kPort},
  Keyword{"identityfile", "identityfile", "IdentityFile", K::kSupported, V::kOne},
  Keyword{"identitiesonly", "identitiesonly", "IdentitiesOnly", K::kSupported, V::kFlag},
  Keyword{"identityagent", "identityagent", "IdentityAgent", K::kSupported, V::kOne},
  Keyword{"stricthostkeychecking", "stricthostkeychecking", "StrictHostKeyChecking", K::kSupported, V::kStrict},
  Keyword{"userknownhostsfile", "userknownhostsfile", "UserKnownHostsFile", K::kSupported, V::kList},
  Keyword{"globalknownhostsfile", "globalknownhostsfile", "GlobalKnownHostsFile", K::kSupported, V::kList},
  Keyword{"hashknownhosts", "hashknownhosts", "HashKnownHosts", K::kSupported, V::kFlag},
  Keyword{"hostkeyalias", "hostkeyalias", "HostKeyAlias", K::kSupported, V::kOne},
  Keyword{"batchmode", "batchmode", "BatchMode", K::kSupported, V::kFlag},
  Keyword{"connecttimeout", "connecttimeout", "ConnectTimeout", K::kSupported, V::kTime},
  Keyword{"serveraliveinterval", "serveraliveinterval", "ServerAliveInterval", K::kSupported, V::kTime},
  Keyword{"serveralivecountmax", "serveralivecountmax", "ServerAliveCountMax", K::kSupported, V::kInt},
  Keyword{"passwordauthentication", "passwordauthentication", "PasswordAuthentication", K::kSupported, V::kFlag},
  Keyword{"pubkeyauthentication", "pubkeyauthentication", "PubkeyAuthentication", K::kSupported, V::kPubkey},
  Keyword{"dsaauthentication", "pubkeyauthentication", "PubkeyAuthentication", K::kSupported, V::kPubkey},
  Keyword{"kbdinteractiveauthentication", "kbdinteractiveauthentication", "KbdInteractiveAuthentication", K::kSupported, V::kFlag},
  Keyword{"challengeresponseauthentication", "kbdinteractiveauthentication", "KbdInteractiveAuthentication", K::kSupported, V::kFlag},
  Keyword{"skeyauthentication", "kbdinteractiveauthentication", "KbdInteractiveAuthentication", K::kSupported, V::kFlag},
  Keyword{"tisauthentication", "kbdinteractiveauthentication", "KbdInteractiveAuthentication", K::kSupported, V::kFlag},
  Keyword{"numberofpasswordprompts", "numberofpasswordprompts", "NumberOfPasswordPrompts", K::kSupported, V::kInt},
  Keyword{"requesttty", "requesttty", "RequestTTY", K::kSupported, V::kRequestTty},
  Keyword{"sessiontype", "sessiontype", "SessionType", K::kSupported, V::kSessionType},
  Keyword{"remotecommand", "remotecommand", "RemoteCommand", K::kSupported, V::kRest},
  Keyword{"loglevel", "loglevel", "LogLevel", K::kSupported, V::kLogLevel},
  Keyword{"ciphers", "ciphers", "Ciphers", K::kSupported, V::kOne},
  Keyword{"kexalgorithms", "kexalgorithms", "KexAlgorithms", K::kSupported, V::kOne},
  Keyword{"hostkeyalgorithms", "hostkeyalgorithms", "HostKeyAlgorithms", K::kSupported, V::kOne},
  Keyword{"macs", "macs", "MACs", K::kSupported, V::kOne},
  Keyword{"localforward", "localforward", "LocalForward", K::kSupported, V::kLocalForward},
  Keyword{"exitonforwardfailure", "exitonforwardfailure", "ExitOnForwardFailure", K::kSupported, V::kFlag},
  Keyword{"clearallforwardings", "clearallforwardings", "ClearAllForwardings", K::kSupported, V::kFlag},
  Keyword{"escapechar", "escapechar", "EscapeChar", K::kSupported, V::kEscape},
  Keyword{"sendenv", "sendenv", "SendEnv", K::kSupported, V::kList},
  Keyword{"setenv", "setenv", "SetEnv", K::kSupported, V::kSetEnv},
  Keyword{"addressfamily", "addressfamily", "AddressFamily", K::kSupported, V::kAddressFamily},
  Keyword{"ignoreunknown", "ignoreunknown", "IgnoreUnknown", K::kSupported, V::kList},
  Keyword{"proxyjump", "proxyjump", "ProxyJump", K::kSupported, V::kOne},
  // Valid OpenSSH keys wg-ssh does not implement: warned about once, ignored.
  Keyword{"addkeystoagent", "addkeystoagent", "AddKeysToAgent", K::kIgnored, V::kAny},
  Keyword{"bindaddress", "bindaddress", "BindAddress", K::kIgnored, V::kAny},
  Keyword{"bindinterface", "bindinterface", "BindInterface", K::kIgnored, V::kAny},
  Keyword{"canonicaldomains", "canonicaldomains", "CanonicalDomains", K::kIgnored, V::kAny},
  Keyword{"canonicalizefallbacklocal", "canonicalizefallbacklocal", "CanonicalizeFallbackLocal", K::kIgnored, V::kFlag},
  Keyword{"canonicalizehostname", "canonicalizehostname", "CanonicalizeHostname", K::kIgnored, V::kAny},
  Keyword{"canonicalizemaxdots", "canonicalizemaxdots", "CanonicalizeMaxDots", K::kIgnored, V::kInt},
  Keyword{"canonicalizepermittedcnames", "canonicalizepermittedcnames", "CanonicalizePermittedCNAMEs", K::kIgnored, V::kAny},
  Keyword{"casignaturealgorithms", "casignaturealgorithms", "CASignatureAlgorithms", K::kIgnored, V::kOne},
  Keyword{"certificatefile", "certificatefile", "CertificateFile", K::kIgnored, V::kOne},
  Keyword{"checkhostip", "checkhostip", "CheckHostIP", K::kIgnored, V::kFlag},
  Keyword{"compression", "compression", "Compression", K::kIgnored, V::kFlag},
  Keyword{"connectionattempts", "connectionattempts", "ConnectionAttempts", K::kIgnored, V::kInt},
  Keyword{"controlmaster", "controlmaster", "ControlMaster", K::kIgnored, V::kAny},
  Keyword{"controlpath", "controlpath", "ControlPath", K::kIgnored, V::kAny},
  Keyword{"controlpersist", "controlpersist", "ControlPersist", K::kIgnored, V::kAny},
  Keyword{"dynamicforward", "dynamicforward", "DynamicForward", K::kIgnored, V::kAny},
  Keyword{"enableescapecommandline", "enableescapecommandline", "EnableEscapeCommandline", K::kIgnored, V::kFlag},
  Keyword{"enablesshkeysign", "enablesshkeysign", "EnableSSHKeysign", K::kIgnored, V::kFlag},
  Keyword{"fingerprinthash", "fingerprinthash", "FingerprintHash", K::kIgnored, V::kAny},
  Keyword{"forkafterauthentication", "forkafterauthentication", "ForkAfterAuthentication", K::kIgnored, V::kFlag},
  Keyword{"forwardagent", "forwardagent", "ForwardAgent", K::kIgnored, V::kAny},
  Keyword{"forwardx11", "forwardx11", "ForwardX11", K::kIgnored, V::kFlag},
  Keyword{"forwardx11timeout", "forwardx11timeout", "ForwardX11Timeout", K::kIgnored, V::kTime},
  Keyword{"forwardx11trusted", "forwardx11trusted", "ForwardX11Trusted", K::kIgnored, V::kFlag},
  Keyword{"gatewayports", "gatewayports", "GatewayPorts", K::kIgnored, V::kFlag},
  Keyword{"gssapiauthentication", "gssapiauthentication", "GSSAPIAuthentication", K::kIgnored, V::kFlag},
  Keyword{"gssapiclientidentity", "gssapiclientidentity", "GSSAPIClientIdentity", K::kIgnored, V::kAny},
  Keyword{"gssapidelegatecredentials", "gssapidelegatecredentials", "GSSAPIDelegateCredentials", K::kIgnored, V::kFlag},
  Keyword{"gssapikexalgorithms", "gssapikexalgorithms", "GSSAPIKexAlgorithms", K::kIgnored, V::kAny},
  Keyword{"gssapikeyexchange", "gssapikeyexchange", "GSSAPIKeyExchange", K::kIgnored, V::kFlag},
  Keyword{"gssapirenewalforcesrekey", "gssapirenewalforcesrekey", "GSSAPIRenewalForcesRekey", K::kIgnored, V::kFlag},
  Keyword{"gssapiserveridentity", "gssapiserveridentity", "GSSAPIServerIdentity", K::kIgnored, V::kAny},
  Keyword{"gssapitrustdns", "gssapitrustdns", "GSSAPITrustDns", K::kIgnored, V::kFlag},
  Keyword{"hostbasedacceptedalgorithms", "hostbasedacceptedalgorithms", "HostbasedAcceptedAlgorithms", K::kIgnored, V::kOne},
  Keyword{"hostbasedkeytypes", "hostbasedacceptedalgorithms", "HostbasedAcceptedAlgorithms", K::kIgnored, V::kOne},
  Keyword{"hostbasedauthentication", "hostbasedauthentication", "HostbasedAuthentication", K::kIgnored, V::kFlag},
  Keyword{"ipqos", "ipqos", "IPQoS", K::kIgnored, V::kAny},
  Keyword{"kbdinteractivedevices", "kbdinteractivedevices", "KbdInteractiveDevices", K::kIgnored, V::kAny},
  Keyword{"knownhostscommand", "knownhostscommand", "KnownHostsCommand", K::kIgnored, V::kRest},
  Keyword{"localcommand", "localcommand", "LocalCommand", K::kIgnored, V::kRest},
  Keyword{"logverbose", "logverbose", "LogVerbose", K::kIgnored, V::kAny},
  Keyword{"nohostauthenticationforlocalhost", "nohostauthenticationforlocalhost", "NoHostAuthenticationForLocalhost", K::kIgnored, V::kFlag},
  Keyword{"permitlocalcommand", "permitlocalcommand", "PermitLocalCommand", K::kIgnored, V::kFlag},
  Keyword{"permitremoteopen", "permitremoteopen", "PermitRemoteOpen", K::kIgnored, V::kAny},
  Keyword{"pkcs11provider", "pkcs11provider", "PKCS11Provider", K::kIgnored, V::kOne},
  Keyword{"smartcarddevice", "pkcs11provider", "PKCS11Provider", K::kIgnored, V::kOne},
  Keyword{"preferredauthentications", "preferredauthentications", "PreferredAuthentications", K::kIgnored, V::kOne},
  Keyword{"proxycommand", "proxycommand", "ProxyCommand", K::kIgnored, V::kRest},
  Keyword{"proxyusefdpass", "proxyusefdpass", "ProxyUseFdpass", K::kIgnored, V::kFlag},
  Keyword{"pubkeyacceptedalgorithms", "pubkeyacceptedalgorithms", "PubkeyAcceptedAlgorithms", K::kIgnored, V::kOne},
  Keyword{"pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms", "PubkeyAcceptedAlgorithms", K::kIgnored, V::kOne},
  Keyword{"rekeylimit", "rekeylimit", "RekeyLimit", K::kIgnored, V::kAny},
  Keyword{"remoteforward", "remoteforward", "RemoteForward", K::kIgnored, V::kAny},
  Keyword{"requiredrsasize", "requiredrsasize", "RequiredRSASize", K::kIgnored, V::kInt},
  Keyword{"revokedhostkeys", "revokedhostkeys", "RevokedHostKeys", K::kIgnored, V::kOne},
  Keyword{"securitykeyprovider", "securitykeyprovider", "SecurityKeyProvider", K::kIgnored, V::kOne},
  Keyword{"stdinnull", "stdinnull", "StdinNull", K::kIgnored, V::kFlag},
  Keyword{"streamlocalbindmask", "streamlocalbindmask", "StreamLocalBindMask", K::kIgnored, V::kAny},
  Keyword{"streamlocalbindunlink", "streamlocalbindunlink", "StreamLocalBindUnlink", K::kIgnored, V::kFlag},
  Keyword{"syslogfacility", "syslogfacility", "SyslogFacility", K::kIgnored, V::kAny},
  Keyword{"tcpkeepalive", "tcpkeepalive", "TCPKeepAlive", K::kIgnored, V::kFlag},
  Keyword{"keepalive", "tcpkeepalive", "TCPKeepAlive", K::kIgnored, V::kFlag},
  Keyword{"tunnel", "tunnel", "Tunnel", K::kIgnored, V::kAny},
  Keyword{"tunneldevice", "tunneldevice", "TunnelDevice", K::kIgnored, V::kAny},
  Keyword{"updatehostkeys", "updatehostkeys", "UpdateHostKeys", K::kIgnored, V::kAny},
  Keyword{"verifyhostkeydns", "verifyhostkeydns", "VerifyHostKeyDNS", K::kIgnored, V::kAny},
  Keyword{"visualhostkey", "visualhostkey", "VisualHostKey", K::kIgnored, V::kFlag},
  Keyword{"xauthlocation", "xauthlocation", "XAuthLocation", K::kIgnored, V::kAny},
  // readconf.c oUnsupported: OpenSSH itself prints 'Unsupported option "x"' and goes on.
  Keyword{"afstokenpassing", "afstokenpassing", "afstokenpassing", K::kIgnored, V::kAny, 1},
  Keyword{"compressionlevel", "compressionlevel", "compressionlevel", K::kIgnored, V::kAny, 1},
  Keyword{"kerberosauthentication", "kerberosauthentication", "kerberosauthentication", K::kIgnored, V::kAny, 1},
  Keyword{"kerberostgtpassing", "kerberostgtpassing", "kerberostgtpassing", K::kIgnored, V::kAny, 1},
  Keyword{"rhostsrsaauthentication", "rhostsrsaauthentication", "rhostsrsaauthentication", K::kIgnored, V::kAny, 1},
  Keyword{"rsaauthentication", "rsaauthentication", "rsaauthentication", K::kIgnored, V::kAny, 1},
  // readconf.c oDeprecated: accepted and ignored without a visible message.
  Keyword{"cipher", "cipher", "Cipher", K::kIgnored, V::kAny, 2},
  Keyword{"fallbacktorsh", "fallbacktorsh", "FallBackToRsh", K::kIgnored, V::kAny, 2},
  Keyword{"globalknownhostsfile2", "globalknownhostsfile2", "GlobalKnownHostsFile2", K::kIgnored, V::kAny, 2},
  Keyword{"protocol", "protocol", "Protocol", K::kIgnored, V::kAny, 2},
  Keyword{"rhostsauthentication", "rhostsauthentication", "RhostsAuthentication", K::kIgnored, V::kAny, 2},
  Keyword{"useprivilegedport", "useprivilegedport", "UsePrivilegedPort", K::kIgnored, V::kAny, 2},
  Keyword{"useroaming", "useroaming", "UseRoaming", K::kIgnored, V::kAny, 2},
  Keyword{"usersh", "usersh", "UseRsh", K::kIgnored, V::kAny, 2},
  Keyword{"userknownhostsfile2", "userknownhostsfile2", "UserKnownHostsFile2", K::kIgnored, V::kAny, 2},
};
// clang-format on

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error bad(std::string message) { return make_error(ErrorCode::kConfig, std::move(message)); }

Error unsupported(std::string_view arg) {
  return bad("unsupported option \"" + std::string(arg) + "\".");
}

// multistate tables of readconf.c: each name case-insensitive.
Result<int> multistate(std::string_view text,
                       std::initializer_list<std::pair<std::string_view, int>> table) {
  std::string l = lower(text);
  for (const auto& [name, value] : table) {
    if (l == name) return value;
  }
  return unsupported(text);
}

Result<void> check_value(const Keyword& kw, const ConfigEntry& e) {
  const std::string& first = e.args[0];
  auto single = [&]() -> Result<void> {
    if (e.args.size() > 1) {
      return bad("keyword " + e.key + " extra arguments at end of line");
    }
    return {};
  };
  // A value that must parse (failing with the parser's own words), then nothing after it.
  auto parsed_single = [&](const auto& parsed) -> Result<void> {
    if (!parsed) return parsed.error();
    return single();
  };
  switch (kw.kind) {
    case V::kOne:
      return single();
    case V::kList:
    case V::kAny:
    case V::kRest:
      return {};
    case V::kFlag:
      return parsed_single(parse_flag_value(first));
    case V::kPubkey:
      return parsed_single(multistate(first, {{"yes", 1}, {"true", 1}, {"no", 0}, {"false", 0},
                                              {"unbound", 1}, {"host-bound", 1}}));
    case V::kStrict:
      if (auto r = parse_strict_host_key_checking(first); !r) return unsupported(first);
      return single();
    case V::kRequestTty:
      return parsed_single(parse_request_tty(first));
    case V::kAddressFamily:
      return parsed_single(parse_address_family(first));
    case V::kLogLevel:
      return parsed_single(parse_log_level(first));
    case V::kSessionType:
      return parsed_single(multistate(first, {{"none", 0}, {"subsystem", 1}, {"default", 2}}));
    case V::kPort:
      if (auto r = parse_ssh_port(first); !r) return bad("Bad port '" + first + "'.");
      return single();
    case V::kTime:
      return parsed_single(parse_time_value(first));
    case V::kInt:
      return parsed_single(parse_int_value(first));
    case V::kEscape:
      if (auto r = parse_escape_char(first); !r) return bad("Bad escape character.");
      return single();
    case V::kLocalForward:
      if (e.args.size() < 2) return bad("Missing target argument.");
      if (auto r = parse_forward_spec(e.args[0] + ":" + e.args[1]); !r) {
        return bad("Bad forwarding specification.");
      }
      if (e.args.size() > 2) return bad("keyword " + e.key + " extra arguments at end of line");
      return {};
    case V::kSetEnv:
      for (const auto& arg : e.args) {
        if (arg.find('=') == std::string::npos || arg[0] == '=') return bad("Invalid SetEnv.");
      }
      return {};
  }
  return {};
}

}  // namespace

const Keyword* find_keyword(std::string_view lower_key) {
  for (const auto& kw : kKeywords) {
    if (kw.name == lower_key) return &kw;
  }
  return nullptr;
}

KeywordSupport keyword_support(std::string_view lower_key) {
  // Host, Match and Include shape the file rather than set anything; they are known keys.
  if (lower_key == "host" || lower_key == "match" || lower_key == "include") {
    return KeywordSupport::kSupported;
  }
  const Keyword* kw = find_keyword(lower_key);
  return kw ? kw->support : KeywordSupport::kUnknown;
}

Result<void> validate_config_entry(const ConfigEntry& entry) {
  const Keyword* kw = find_keyword(entry.key);
  if (kw == nullptr) return {};  // Host/Match/Include, or unknown: the parser decides
  if (entry.args.empty()) return bad("no argument after keyword \"" + entry.key + "\"");
  return check_value(*kw, entry);
}

Result<bool> parse_flag_value(std::string_view text) {
  auto r = multistate(text, {{"yes", 1}, {"true", 1}, {"no", 0}, {"false", 0}});
  if (!r) return r.error();
  return *r == 1;
}

Result<LogLevel> parse_log_level(std::string_view text) {
  std::string l = lower(text);
  static constexpr std::pair<std::string_view, LogLevel> kLevels[] = {
      {"quiet", LogLevel::kQuiet},     {"silent", LogLevel::kQuiet},
      {"fatal", LogLevel::kFatal},     {"error", LogLevel::kError},
      {"info", LogLevel::kInfo},       {"verbose", LogLevel::kVerbose},
      {"debug", LogLevel::kDebug1},    {"debug1", LogLevel::kDebug1},
      {"debug2", LogLevel::kDebug2},   {"debug3", LogLevel::kDebug3},
  };
  for (const auto& [name, level] : kLevels) {
    if (l == name) return level;
  }
  return bad("unsupported log level '" + std::string(text) + "'");
}

Result<RequestTty> parse_request_tty(std::string_view text) {
  auto r = multistate(text, {{"true", 2}, {"false", 1}, {"yes", 2}, {"no", 1}, {"force", 3},
                             {"auto", 0}});
  if (!r) return r.error();
  static constexpr RequestTty kModes[] = {RequestTty::kAuto, RequestTty::kNo, RequestTty::kYes,
                                          RequestTty::kForce};
  return kModes[*r];
}

Result<AddressFamily> parse_address_family(std::string_view text) {
  auto r = multistate(text, {{"inet", 0}, {"inet6", 1}, {"any", 2}});
  if (!r) return r.error();
  static constexpr AddressFamily kFamilies[] = {AddressFamily::kV4, AddressFamily::kV6,
                                                AddressFamily::kAny};
  return kFamilies[*r];
}

Result<std::optional<std::chrono::seconds>> parse_time_value(std::string_view text) {
  if (lower(text) == "none") return std::optional<std::chrono::seconds>{};
  // misc.c convtime: groups of digits with an optional unit, summed; at least one group.
  long long total = 0;
  size_t i = 0;
  if (text.empty()) return bad("invalid time value.");
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start) return bad("invalid time value.");
    long long n = 0;
    std::from_chars(text.data() + start, text.data() + i, n);
    long long mult = 1;
    if (i < text.size()) {
      switch (std::tolower(static_cast<unsigned char>(text[i]))) {
        case 's': mult = 1; ++i; break;
        case 'm': mult = 60; ++i; break;
        case 'h': mult = 3600; ++i; break;
        case 'd': mult = 86400; ++i; break;
        case 'w': mult = 604800; ++i; break;
        default:
          if (!std::isdigit(static_cast<unsigned char>(text[i]))) return bad("invalid time value.");
      }
    }
    if (n > std::numeric_limits<int>::max() / mult) return bad("invalid time value.");
    total += n * mult;
    if (total > std::numeric_limits<int>::max()) return bad("invalid time value.");
  }
  if (total == 0) return std::optional<std::chrono::seconds>{};
  return std::optional<std::chrono::seconds>{std::chrono::seconds(total)};
}

Result<int> parse_int_value(std::string_view text) {
  long long v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || end != text.data() + text.size()) {
    if (ec == std::errc::result_out_of_range) return bad("integer value too large.");
    return bad("integer value invalid.");
  }
  if (ec == std::errc::result_out_of_range || v > std::numeric_limits<int>::max()) {
    return bad("integer value too large.");
  }
  if (v < 0) return bad("integer value too small.");
  return static_cast<int>(v);
}

}  // namespace wgnet::ssh
