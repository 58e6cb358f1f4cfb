# bash completion for wg-dig(1)                                 -*- shell-script -*-

_wg_dig() {
    local cur prev
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    local types='A AAAA ANY CAA CNAME DNSKEY DS HINFO HTTPS MX NAPTR NS PTR SOA SRV SSHFP SVCB TLSA TXT'

    case $prev in
        -c|--wg-config|-f)
            local IFS=$'\n'
            if [[ $prev == -f ]]; then
                COMPREPLY=($(compgen -f -- "$cur"))
            else
                COMPREPLY=($(compgen -f -X '!*.conf' -- "$cur") $(compgen -d -- "$cur"))
                [[ ${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
            fi
            compopt -o filenames 2>/dev/null
            return
            ;;
        -t)
            COMPREPLY=($(compgen -W "$types" -- "${cur^^}"))
            return
            ;;
        -p|-x|-q)
            return  # a port, an address, a name
            ;;
    esac

    case $cur in
        +*)
            local opts='+short +noshort +tcp +notcp +vc +novc +ignore +noignore +time= +tries=
                +retry= +recurse +norecurse +dnssec +nodnssec +bufsize= +edns +noedns +search
                +nosearch +all +noall +question +noquestion +answer +noanswer +authority
                +noauthority +additional +noadditional +comments +nocomments +cmd +nocmd +stats
                +nostats +wgdebug'
            COMPREPLY=($(compgen -W "$opts" -- "$cur"))
            [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
            return
            ;;
        -*)
            COMPREPLY=($(compgen -W '-4 -6 -c --wg-config --no-share -f -h --help -p -q -t -V --version -v -x' \
                -- "$cur"))
            return
            ;;
        @*)
            return  # a server inside the tunnel: not known to the system
            ;;
    esac
    # Names inside the tunnel are not known to the system; offer the record types and classes.
    COMPREPLY=($(compgen -W "$types IN CH HS" -- "${cur^^}"))
}

complete -F _wg_dig wg-dig
