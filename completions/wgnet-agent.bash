# bash completion for wgnet-agent(1)                            -*- shell-script -*-

_wgnet_agent() {
    local cur prev sub
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    sub=${COMP_WORDS[1]}

    if [[ $COMP_CWORD -eq 1 ]]; then
        COMPREPLY=($(compgen -W 'start stop status socket forward run --help --version' -- "$cur"))
        return
    fi
    case $prev in
        -c|--wg-config|--config)
            local IFS=$'\n'
            COMPREPLY=($(compgen -f -X '!*.conf' -- "$cur") $(compgen -d -- "$cur"))
            [[ ${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return
            ;;
        --socks-auth)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        -L|-R|-D|--socks|--idle-timeout|--ready-fd|--handshake-timeout)
            return  # a forward spec or a number
            ;;
    esac
    if [[ $cur == -* ]]; then
        local opts='-c --wg-config --help'
        case $sub in
            start) opts+=' --idle-timeout' ;;
            run) opts+=' --idle-timeout --ready-fd --handshake-timeout -v --verbose' ;;
            forward) opts+=' -L -R -D --socks --socks-auth --no-share -v --verbose' ;;
        esac
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    fi
}
complete -F _wgnet_agent wgnet-agent
