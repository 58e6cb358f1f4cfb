# bash completion for wg-curl(1)                                -*- shell-script -*-

_wg_curl() {
    local cur prev
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}

    case $prev in
        -c|--wg-config)
            # WireGuard configs first; any file if none matches.
            local IFS=$'\n'
            COMPREPLY=($(compgen -f -X '!*.conf' -- "$cur") $(compgen -d -- "$cur"))
            [[ ${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return
            ;;
        -o|--output|-T|--upload-file|-D|--dump-header|--cacert|-E|--cert|--key|--cookie-jar|-b|--cookie)
            local IFS=$'\n'
            COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return
            ;;
        --capath|--output-dir)
            local IFS=$'\n'
            COMPREPLY=($(compgen -d -- "$cur"))
            compopt -o filenames 2>/dev/null
            return
            ;;
        -d|--data|--data-binary|--data-ascii|--json|--data-urlencode|-H|--header|-w|--write-out)
            if [[ $cur == @* ]]; then
                local IFS=$'\n'
                COMPREPLY=($(compgen -f -P @ -- "${cur#@}"))
                compopt -o filenames 2>/dev/null
            elif [[ $prev == -w || $prev == --write-out ]] && [[ $cur == *%* ]]; then
                local vars='content_type errormsg exitcode filename_effective header_json http_code
                    http_version json local_ip local_port method num_connects num_headers
                    num_redirects onerror redirect_url referer remote_ip remote_port response_code
                    scheme size_download size_header size_request size_upload speed_download
                    speed_upload ssl_verify_result stderr stdout time_appconnect time_connect
                    time_namelookup time_pretransfer time_redirect time_starttransfer time_total
                    url url_effective urlnum'
                local prefix=${cur%\%*} v
                for v in $vars; do
                    [[ {$v} == "${cur##*%}"* ]] && COMPREPLY+=("$prefix%{$v}")
                done
                compopt -o nospace 2>/dev/null
            fi
            return
            ;;
        -X|--request)
            COMPREPLY=($(compgen -W 'GET HEAD POST PUT DELETE PATCH OPTIONS' -- "${cur^^}"))
            return
            ;;
        --tls-max)
            COMPREPLY=($(compgen -W 'default 1.0 1.1 1.2 1.3' -- "$cur"))
            return
            ;;
        --cert-type|--key-type)
            COMPREPLY=($(compgen -W 'PEM' -- "${cur^^}"))
            return
            ;;
        --proto|--proto-redir)
            COMPREPLY=($(compgen -W '=http =https =http,https -all,+https all' -- "$cur"))
            return
            ;;
        -A|--user-agent|-e|--referer|-u|--user|--oauth2-bearer|-F|--form|--form-string|\
        --data-raw|--url-query|-r|--range|-C|--continue-at|--resolve|--connect-to|\
        --connect-timeout|-m|--max-time|--limit-rate|-y|--speed-time|-Y|--speed-limit|\
        --max-filesize|--max-redirs|--retry|--retry-delay|--retry-max-time|--pass|\
        --pinnedpubkey|--url)
            return  # free text or a number
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-0 -4 -6 -# -A -C -D -E -F -G -H -I -L -N -O -R -S -T -V -X
            -Y -b -c -d -e -f -g -h -i -j -k -m -o -q -r -s -u -v -w -y
            --anyauth --basic --cacert --capath --cert --cert-type --compressed --connect-timeout
            --connect-to --continue-at --cookie --cookie-jar --create-dirs --data --data-ascii
            --data-binary --data-raw --data-urlencode --digest --dump-header --fail
            --fail-with-body --form --form-string --get --globoff --head --header --help --http1.0
            --http1.1 --http2 --http2-prior-knowledge --include --insecure --ipv4 --ipv6 --json
            --junk-session-cookies --key --key-type --limit-rate --location --location-trusted
            --max-filesize --max-redirs --max-time --no-buffer --no-progress-meter
            --oauth2-bearer --output --output-dir --pass --path-as-is --pinnedpubkey --post301
            --post302 --post303 --progress-bar --proto --proto-redir --range --referer
            --remote-name --remote-name-all --remote-time --request --resolve --retry
            --retry-all-errors --retry-connrefused --retry-delay --retry-max-time --show-error
            --silent --speed-limit --speed-time --tls-max --tlsv1.2 --tlsv1.3 --upload-file
            --url --url-query --user --user-agent --verbose --version --wg-config --no-share --write-out' \
            -- "$cur"))
        return
    fi
    # Names inside the tunnel are not known to the system: offer the URL schemes only.
    [[ -z $cur || $cur == h* ]] && COMPREPLY=($(compgen -W 'http:// https://' -- "$cur")) &&
        compopt -o nospace 2>/dev/null
}

complete -F _wg_curl wg-curl
