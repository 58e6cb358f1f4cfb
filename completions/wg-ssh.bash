# bash completion for wg-ssh(1)                                 -*- shell-script -*-

# Host names from ~/.ssh/config (Host lines without wildcards) and the plain (unhashed) names
# of ~/.ssh/known_hosts; hosts inside the tunnel are unknown to the system resolver.
_wg_ssh_hosts() {
    local config=${1:-$HOME/.ssh/config}
    {
        [[ -r $config ]] && awk 'tolower($1) == "host" {
                for (i = 2; i <= NF; i++) if ($i !~ /[*?!]/) print $i }' "$config"
        [[ -r $HOME/.ssh/known_hosts ]] && awk '$1 !~ /^[|@#]/ {
                n = split($1, names, ",")
                for (i = 1; i <= n; i++) {
                    h = names[i]
                    if (h ~ /[*?!]/) continue
                    sub(/^\[/, "", h); sub(/\]:[0-9]+$/, "", h)
                    print h
                } }' "$HOME/.ssh/known_hosts"
    } 2>/dev/null | sort -u
}

# The argument of -o: a key, then its value after '='.
_wg_ssh_option() {
    local word=$1
    if [[ $word == *=* ]]; then
        local key=${word%%=*} value=${word#*=} values= prefix=
        case ${key,,} in
            stricthostkeychecking) values='yes accept-new ask no off' ;;
            requesttty) values='auto yes no force' ;;
            addressfamily) values='any inet inet6' ;;
            loglevel) values='QUIET FATAL ERROR INFO VERBOSE DEBUG DEBUG1 DEBUG2 DEBUG3' ;;
            sessiontype) values='default none subsystem' ;;
            batchmode|hashknownhosts|identitiesonly|passwordauthentication|pubkeyauthentication|\
            kbdinteractiveauthentication|exitonforwardfailure|stdinnull|clearallforwardings) values='yes no' ;;
        esac
        # With '=' among the word breaks bash replaces only what follows it.
        [[ $COMP_WORDBREAKS == *=* ]] || prefix="$key="
        COMPREPLY=($(compgen -P "$prefix" -W "$values" -- "$value"))
        return
    fi
    COMPREPLY=($(compgen -S '=' -W 'AddressFamily BatchMode Ciphers ClearAllForwardings ConnectTimeout EscapeChar
        ExitOnForwardFailure GlobalKnownHostsFile HashKnownHosts HostKeyAlgorithms HostKeyAlias
        HostName IdentitiesOnly IdentityAgent IdentityFile IgnoreUnknown
        KbdInteractiveAuthentication KexAlgorithms LocalForward LogLevel MACs
        NumberOfPasswordPrompts PasswordAuthentication Port ProxyJump PubkeyAuthentication RemoteCommand
        RequestTTY SendEnv ServerAliveCountMax ServerAliveInterval SessionType SetEnv StdinNull
        StrictHostKeyChecking User UserKnownHostsFile' -- "$word"))
    compopt -o nospace 2>/dev/null
}

_wg_ssh() {
    local cur prev
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}

    # -o Key=value: bash splits words at '=', so read the words from the line itself.
    local line=${COMP_LINE:0:COMP_POINT}
    local word=${line##*[[:space:]]}
    local before=${line%"$word"}
    before=${before%"${before##*[![:space:]]}"}
    if [[ ${before##*[[:space:]]} == -o ]]; then
        _wg_ssh_option "$word"
        return
    fi

    case $prev in
        -c|--wg-config)
            # WireGuard configs first; any file if none matches.
            local IFS=$'\n'
            COMPREPLY=($(compgen -f -X '!*.conf' -- "$cur") $(compgen -d -- "$cur"))
            [[ ${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return
            ;;
        -i|-F|-E)
            local IFS=$'\n'
            COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return
            ;;
        -J)
            COMPREPLY=($(compgen -W "$(_wg_ssh_hosts)" -- "$cur"))  # the first jump host
            return
            ;;
        -l)
            COMPREPLY=($(compgen -u -- "$cur"))
            return
            ;;
        -p|-L|-e|-m)
            return  # a port, a forwarding, a character, an algorithm list
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W '-4 -6 -c --wg-config --no-share -E -e -F -G -i -J -L -l -m -N -n -o -p -q
            -s -T -t -V -v --help' -- "$cur"))
        return
    fi

    # The destination: the first word that is neither an option nor an option's value.
    local i have_dest=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -c|--wg-config|-E|-e|-F|-i|-J|-L|-l|-m|-o|-p) ((i++)) ;;
            -*) ;;
            *) have_dest=1; break ;;
        esac
    done
    [[ -n $have_dest ]] && return  # the remote command: nothing to offer from here

    local prefix=
    if [[ $cur == *@* ]]; then
        prefix=${cur%%@*}@
        cur=${cur#*@}
    fi
    local IFS=$'\n'
    COMPREPLY=($(compgen -P "$prefix" -W "$(_wg_ssh_hosts)" -- "$cur"))
}

complete -F _wg_ssh wg-ssh
