# bash completion for wg-ping(1)                                -*- shell-script -*-
# -c is ping's count; the WireGuard config is --wg-config only.

_wg_ping() {
    local cur prev
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}

    case $prev in
        --wg-config)
            local IFS=$'\n'
            COMPREPLY=($(compgen -f -X '!*.conf' -- "$cur") $(compgen -d -- "$cur"))
            [[ ${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return
            ;;
        -c|-i|-s|-w|-W)
            return  # a number
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-4 -6 -c -h -i -n -q -s -v -V -w -W --help --version
            --wg-config --no-share' -- "$cur"))
    fi
    # A destination: an address or a name inside the tunnel, nothing to offer.
} &&
    complete -F _wg_ping wg-ping
