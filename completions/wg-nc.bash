# bash completion for wg-nc(1)                                  -*- shell-script -*-

_wg_nc() {
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
        -w|-q|-p)
            return  # a number
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-4 -6 -c --wg-config --no-share -h --help -k -l -N -n -p -q -u -v -w -z' \
            -- "$cur"))
        return
    fi
    # Hosts inside the tunnel are not known to the system; offer known hosts all the same.
    COMPREPLY=($(compgen -A hostname -- "$cur"))
}

complete -F _wg_nc wg-nc
