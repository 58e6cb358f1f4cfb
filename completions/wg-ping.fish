# fish completion for wg-ping(1). -c is ping's count; the WireGuard config is --wg-config only.

complete -c wg-ping -l wg-config -r -F -d 'WireGuard config file (default $WGNET_CONFIG)'
complete -c wg-ping -l no-share -d 'A tunnel of our own, not the shared agent of the config'
complete -c wg-ping -s 4 -d 'Use IPv4'
complete -c wg-ping -s 6 -d 'Use IPv6'
complete -c wg-ping -s c -x -d 'Stop after count replies (with -w) or packets'
complete -c wg-ping -s i -x -d 'Seconds between sending each packet'
complete -c wg-ping -s n -d 'Numeric output: no names in the replies'
complete -c wg-ping -s q -d 'Quiet output: the statistics only'
complete -c wg-ping -s s -x -d 'Number of data bytes to be sent'
complete -c wg-ping -s v -d 'Report the tunnel on stderr'
complete -c wg-ping -s w -x -d 'Stop after deadline seconds'
complete -c wg-ping -s W -x -d 'Seconds to wait for the last responses'
complete -c wg-ping -s h -l help -d 'Show help and exit'
complete -c wg-ping -s V -l version -d 'Show the version and exit'
complete -c wg-ping -f
