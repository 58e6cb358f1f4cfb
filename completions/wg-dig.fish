# fish completion for wg-dig(1)

set -l __wg_dig_types A AAAA ANY CAA CNAME DNSKEY DS HINFO HTTPS MX NAPTR NS PTR SOA SRV SSHFP SVCB TLSA TXT

complete -c wg-dig -s c -l wg-config -r -F -d 'WireGuard config file (default $WGNET_CONFIG)'
complete -c wg-dig -l no-share -d 'A tunnel of our own, not the shared agent of the config'
complete -c wg-dig -s 4 -d 'IPv4 addresses of the @server name only'
complete -c wg-dig -s 6 -d 'IPv6 addresses of the @server name only'
complete -c wg-dig -s h -l help -d 'Show help and exit'
complete -c wg-dig -s V -l version -d 'Show the version and exit'
complete -c wg-dig -s f -r -F -d 'Read queries from a batch file'
complete -c wg-dig -s p -x -d 'Server port'
complete -c wg-dig -s q -x -d 'Query name'
complete -c wg-dig -s t -x -a "$__wg_dig_types" -d 'Query type'
complete -c wg-dig -s v -d 'Tunnel diagnostics on stderr (twice: debug messages)'
complete -c wg-dig -s x -x -d 'Reverse lookup of an address'
complete -c wg-dig -f -a "$__wg_dig_types IN CH HS"
complete -c wg-dig -f -a '+short +noshort +tcp +notcp +vc +novc +ignore +noignore +time= +tries= +retry= +recurse +norecurse +dnssec +nodnssec +bufsize= +edns +noedns +search +nosearch +all +noall +question +noquestion +answer +noanswer +authority +noauthority +additional +noadditional +comments +nocomments +cmd +nocmd +stats +nostats +wgdebug'
