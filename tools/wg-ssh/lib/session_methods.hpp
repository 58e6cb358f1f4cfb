// -o Ciphers= / KexAlgorithms= / HostKeyAlgorithms= / MACs= in OpenSSH's list syntax, turned
// into the plain list libssh2_session_method_pref takes.
//   "a,b"   exactly these, in this order      "+a,b"  the defaults, then these
//   "-a,b"  the defaults without these        "^a,b"  these first, then the other defaults
// Names may use the wildcards * and ?. Names libssh2 does not implement are dropped (OpenSSH
// knows more algorithms than libssh2 1.10); an empty result is an error that lists what is
// supported.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "wgnet/result.hpp"

namespace wgnet::ssh {

// `supported`: libssh2's names in its default order. `option`: "Ciphers" etc. for messages.
Result<std::string> resolve_algorithm_list(std::string_view spec,
                                           const std::vector<std::string>& supported,
                                           std::string_view option);

// OpenSSH's order_hostkeyalgs: when known_hosts already holds keys of `known_types` for the
// host, the host key algorithms that produce those types go first (in libssh2's order), so that
// the server shows a key we can check instead of another one (which would read as a changed
// key). "ssh-rsa" keys are signed as rsa-sha2-512, rsa-sha2-256 or ssh-rsa, the SHA-2 ones
// first. Returns a list for libssh2_session_method_pref, or empty when nothing is known.
std::string host_key_preference(const std::vector<std::string>& known_types,
                                const std::vector<std::string>& supported);

// The Terrapin prefix-truncation attack (CVE-2023-48795) needs chacha20-poly1305 or an
// encrypt-then-MAC MAC, and a peer without strict KEX. libssh2 1.10 has no strict KEX, so a
// session is exposed exactly when one of those was negotiated.
bool terrapin_exposed(std::string_view cipher, std::string_view mac);

}  // namespace wgnet::ssh
