# fish completion for wg-ssh(1)

# Host names from ~/.ssh/config (Host lines without wildcards) and the plain (unhashed) names of
# ~/.ssh/known_hosts; hosts inside the tunnel are unknown to the system resolver.
function __wg_ssh_hosts
    if test -r ~/.ssh/config
        string match -rie '^\s*host[\s=]' <~/.ssh/config | string replace -ri '^\s*host[\s=]+' '' \
            | string split -n ' ' | string match -rv '[*?!]'
    end
    if test -r ~/.ssh/known_hosts
        string match -rv '^[|@#]' <~/.ssh/known_hosts | string replace -r '\s.*' '' \
            | string split -n ',' | string match -rv '[*?!]' \
            | string replace -r '^\[(.*)\]:[0-9]+$' '$1'
    end
end

function __wg_ssh_destination
    set -l token (commandline -ct)
    set -l user (string match -r '^[^@]*@' -- "$token")
    for host in (__wg_ssh_hosts | sort -u)
        echo "$user$host"
    end
end

set -l ssh_keys AddressFamily BatchMode Ciphers ClearAllForwardings ConnectTimeout EscapeChar \
    ExitOnForwardFailure \
    GlobalKnownHostsFile HashKnownHosts HostKeyAlgorithms HostKeyAlias HostName IdentitiesOnly \
    IdentityAgent IdentityFile IgnoreUnknown KbdInteractiveAuthentication KexAlgorithms \
    LocalForward LogLevel MACs NumberOfPasswordPrompts PasswordAuthentication Port ProxyJump \
    PubkeyAuthentication RemoteCommand RequestTTY SendEnv ServerAliveCountMax \
    ServerAliveInterval SessionType SetEnv StdinNull StrictHostKeyChecking User UserKnownHostsFile

complete -c wg-ssh -s c -l wg-config -r -F -d 'WireGuard config file (not ciphers: use -o Ciphers=)'
complete -c wg-ssh -l no-share -d 'A tunnel of our own, not the shared agent of the config'
complete -c wg-ssh -s 4 -d 'IPv4 only'
complete -c wg-ssh -s 6 -d 'IPv6 only'
complete -c wg-ssh -s E -r -F -d 'Append diagnostics to this file'
complete -c wg-ssh -s e -x -d 'Escape character (^X or none)'
complete -c wg-ssh -s F -r -F -d 'SSH config file instead of ~/.ssh/config'
complete -c wg-ssh -s G -d 'Print the resolved settings as ssh -G does and exit'
complete -c wg-ssh -s i -r -F -d 'Identity (private key) file'
complete -c wg-ssh -s J -x -a '(__wg_ssh_destination)' -d 'Jump hosts [user@]host[:port],...'
complete -c wg-ssh -s L -x -d 'Local forwarding [bind_address:]port:host:hostport'
complete -c wg-ssh -s l -x -a '(__fish_complete_users)' -d 'Login name on the remote host'
complete -c wg-ssh -s m -x -d 'MAC algorithms'
complete -c wg-ssh -s N -d 'No remote command or shell'
complete -c wg-ssh -s n -d 'Stdin from /dev/null'
set -l ssh_options
for key in $ssh_keys
    set -a ssh_options $key=
end
set -a ssh_options StrictHostKeyChecking={yes,accept-new,ask,no} BatchMode=yes RequestTTY={yes,no,force}
complete -c wg-ssh -s o -x -a "$ssh_options" -d 'ssh_config option Key=Value'
complete -c wg-ssh -s p -x -d 'Port on the remote host'
complete -c wg-ssh -s q -d 'Quiet'
complete -c wg-ssh -s s -d 'Run the subsystem named by the command (sftp)'
complete -c wg-ssh -s T -d 'No pseudo-terminal'
complete -c wg-ssh -s t -d 'Pseudo-terminal (-tt: even without a terminal)'
complete -c wg-ssh -s V -d 'Print the version and exit'
complete -c wg-ssh -s v -d 'Verbose (up to three times)'
complete -c wg-ssh -l help -d 'Show usage and exit'
complete -c wg-ssh -n 'not string match -q -- "-*" (commandline -ct)' -f -a '(__wg_ssh_destination)' -d Host
