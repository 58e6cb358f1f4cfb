# fish completion for wgnet-agent(1)

set -l subcommands start stop status socket forward run
complete -c wgnet-agent -f
complete -c wgnet-agent -n "not __fish_seen_subcommand_from $subcommands" -a start -d 'Attach to the agent, starting it if none runs; print its socket'
complete -c wgnet-agent -n "not __fish_seen_subcommand_from $subcommands" -a stop -d 'Make the agent exit now'
complete -c wgnet-agent -n "not __fish_seen_subcommand_from $subcommands" -a status -d 'Show the agent'
complete -c wgnet-agent -n "not __fish_seen_subcommand_from $subcommands" -a socket -d "Print the agent's socket path"
complete -c wgnet-agent -n "not __fish_seen_subcommand_from $subcommands" -a forward -d '-L/-R/-D forwards over the shared tunnel'
complete -c wgnet-agent -n "not __fish_seen_subcommand_from $subcommands" -a run -d 'Be the agent, in the foreground'
complete -c wgnet-agent -n "not __fish_seen_subcommand_from $subcommands" -l version -d 'Show the version and exit'
complete -c wgnet-agent -s h -l help -d 'Show help and exit'
complete -c wgnet-agent -n "__fish_seen_subcommand_from $subcommands" -s c -l wg-config -r -F -d 'WireGuard config file (default $WGNET_CONFIG)'
complete -c wgnet-agent -n "__fish_seen_subcommand_from start run" -l idle-timeout -x -d 'Exit this many seconds after the last client (0: never)'
complete -c wgnet-agent -n "__fish_seen_subcommand_from run" -l ready-fd -x -d 'Descriptor to report readiness on'
complete -c wgnet-agent -n "__fish_seen_subcommand_from run" -l handshake-timeout -x -d 'Milliseconds to wait for the first handshake'
complete -c wgnet-agent -n "__fish_seen_subcommand_from run forward" -s v -l verbose -d 'Say more'
complete -c wgnet-agent -n "__fish_seen_subcommand_from forward" -s L -x -d '[bind:]port:host:hostport[/udp] local listener through the tunnel'
complete -c wgnet-agent -n "__fish_seen_subcommand_from forward" -s R -x -d '[addr:]port:host:hostport[/udp] tunnel listener to this machine'
complete -c wgnet-agent -n "__fish_seen_subcommand_from forward" -s D -l socks -x -d '[bind:]port SOCKS5 server here (needs --socks-auth)'
complete -c wgnet-agent -n "__fish_seen_subcommand_from forward" -l socks-auth -r -F -d 'File with user:password for -D clients'
complete -c wgnet-agent -n "__fish_seen_subcommand_from forward" -l no-share -d 'A tunnel of our own, not the shared agent'
