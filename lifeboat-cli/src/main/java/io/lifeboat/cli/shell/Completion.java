package io.lifeboat.cli.shell;

import io.lifeboat.cli.args.Command;

/**
 * {@code lifeboat completion bash|zsh}: a completion script for the commands, the options and their values, built
 * from {@link Command} so that it never falls behind. Load it with {@code source <(lifeboat completion bash)}.
 */
public final class Completion {

    static final String OPTIONS = "--url --token --token-file -o --output --watch --force --help --version";

    private Completion() {
    }

    public static String script(String shell) {
        return switch (shell) {
            case "bash" -> bash();
            case "zsh" -> zsh();
            default -> throw new IllegalArgumentException("no completion for " + shell + " (bash, zsh)");
        };
    }

    private static String bash() {
        return """
                # lifeboat completion for bash: source <(lifeboat completion bash)
                _lifeboat() {
                  local cur prev cmd i
                  cur="${COMP_WORDS[COMP_CWORD]}"
                  prev="${COMP_WORDS[COMP_CWORD-1]}"
                  case "$prev" in
                    -o|--output) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
                    --token-file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
                    --url|--token) COMPREPLY=(); return ;;
                  esac
                  cmd=""
                  for ((i = 1; i < COMP_CWORD; i++)); do
                    case "${COMP_WORDS[i]}" in
                      -o|--output|--url|--token|--token-file) ((i++)) ;;
                      -*) ;;
                      *) cmd="${COMP_WORDS[i]}"; break ;;
                    esac
                  done
                  if [[ "$cur" == -* ]]; then
                    COMPREPLY=($(compgen -W "%s" -- "$cur"))
                  elif [ -z "$cmd" ]; then
                    COMPREPLY=($(compgen -W "%s" -- "$cur"))
                  elif [ "$cmd" = completion ]; then
                    COMPREPLY=($(compgen -W "bash zsh" -- "$cur"))
                  else
                    COMPREPLY=()
                  fi
                }
                complete -F _lifeboat lifeboat
                """.formatted(OPTIONS, String.join(" ", Command.words()));
    }

    private static String zsh() {
        StringBuilder commands = new StringBuilder();
        for (Command c : Command.values()) {
            commands.append("    '").append(c.word()).append(':').append(c.description().replace("'", "'\\''")
                    .replace(":", "\\:")).append("'\n");
        }
        return """
                #compdef lifeboat
                # lifeboat completion for zsh: source <(lifeboat completion zsh)
                _lifeboat() {
                  local -a commands
                  commands=(
                %s  )
                  _arguments \\
                    '--url[failover-service API address]:url:' \\
                    '--token[viewer or operator token]:token:' \\
                    '--token-file[file holding the token]:file:_files' \\
                    '-o[output]:format:(text json)' \\
                    '--output[output]:format:(text json)' \\
                    '--watch[redraw every SECONDS (status, history)]' \\
                    '--force[failover, failback: past the conditions]' \\
                    '--help[usage and exit codes]' \\
                    '--version[version]' \\
                    '1:command:->command' \\
                    '*::argument:->argument'
                  case $state in
                    command) _describe 'lifeboat command' commands ;;
                    argument) [[ $words[1] == completion ]] && _values 'shell' bash zsh ;;
                  esac
                }
                compdef _lifeboat lifeboat
                """.formatted(commands);
    }
}
