// -G: the effective settings as `ssh -G host` prints them (OpenSSH 9.2 ssh.c/readconf.c
// dump_client_config): one "keyword value" line per setting, keywords in lower case, in OpenSSH's
// order, values spelled as OpenSSH spells them ("true"/"false" for its multistate keys, "none",
// "DEBUG" for DEBUG1). Only the settings wg-ssh resolves are printed: git reads just the exit
// status, scripts read user/hostname/port/identityfile.
#pragma once

#include <string>

#include "ssh_options.hpp"

namespace wgnet::ssh {

// The whole text, every line ending in '\n'. `options` tells a RemoteCommand from the command
// line's command words, which ssh -G does not print.
std::string format_settings_as_ssh_g(const SshSettings& settings, const SshOptions& options);

}  // namespace wgnet::ssh
