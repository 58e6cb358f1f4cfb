# fish completion for wg-nc(1)

complete -c wg-nc -s c -l wg-config -r -F -d 'WireGuard config file (default $WGNET_CONFIG)'
complete -c wg-nc -l no-share -d 'A tunnel of our own, not the shared agent of the config'
complete -c wg-nc -s 4 -d 'IPv4 only'
complete -c wg-nc -s 6 -d 'IPv6 only'
complete -c wg-nc -s h -l help -d 'Show help and exit'
complete -c wg-nc -s k -d 'With -l: accept the next connection after one ends'
complete -c wg-nc -s l -d 'Listen on our tunnel address'
complete -c wg-nc -s N -d 'Shut down the sending side after stdin EOF'
complete -c wg-nc -s n -d 'No name resolution: host must be an IP address'
complete -c wg-nc -s p -x -d 'With -l: the port to listen on'
complete -c wg-nc -s q -x -d 'As Debian nc: implies -N, quit this many seconds after the remote closes'
complete -c wg-nc -s u -d 'UDP instead of TCP'
complete -c wg-nc -s v -d 'Verbose (-vv: tunnel debug messages)'
complete -c wg-nc -s w -x -d 'Connect and idle timeout, seconds'
complete -c wg-nc -s z -d 'Scan: report whether TCP ports accept a connection'
complete -c wg-nc -n 'not string match -q -- "-*" (commandline -ct)' -f -a '(__fish_print_hostnames)' -d Host
