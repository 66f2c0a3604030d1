// `kubectl sts-inspect completion bash|zsh|fish`: a script that completes the binary `kubectl-sts_inspect` when
// called by that name, by asking it (`__complete`, cobra's protocol) — the same answers kubectl >= 1.26 gets
// for `kubectl sts-inspect <TAB>` through kubectl_complete-sts_inspect, which needs no script at all.

import { UsageError } from '../../errors.ts';
import type { IO } from '../../ui/io.ts';

export interface CompletionArgs {
  shell?: string;
}

const BIN = 'kubectl-sts_inspect';

const bash = `# bash completion for ${BIN} (kubectl sts-inspect); source it, e.g. from ~/.bashrc:
#   source <(${BIN} completion bash)
_kubectl_sts_inspect() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" out directive line
  out=$("\${COMP_WORDS[0]}" __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) || return
  directive=\${out##*:}
  COMPREPLY=()
  while IFS= read -r line; do
    [[ $line == :* || -z $line ]] && continue
    COMPREPLY+=("\${line%%$'\\t'*}")
  done <<<"$out"
  if [[ \${#COMPREPLY[@]} -eq 0 && $((directive & 4)) -eq 0 ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o default -F _kubectl_sts_inspect ${BIN}
`;

const zsh = `#compdef ${BIN}
# zsh completion for ${BIN} (kubectl sts-inspect); e.g. in ~/.zshrc:
#   source <(${BIN} completion zsh)
_kubectl_sts_inspect() {
  local -a candidates
  local out directive line
  out=$("\${words[1]}" __complete "\${(@)words[2,CURRENT]}" 2>/dev/null) || return
  directive=\${\${(f)out}[-1]#:}
  for line in "\${(@f)out}"; do
    [[ $line == :* || -z $line ]] && continue
    candidates+=("\${line//:/\\\\:}")
  done
  candidates=("\${(@)candidates//$'\\t'/:}")
  if (( \${#candidates} )); then
    _describe 'values' candidates
  elif (( (directive & 4) == 0 )); then
    _files
  fi
}
compdef _kubectl_sts_inspect ${BIN}
`;

const fish = `# fish completion for ${BIN} (kubectl sts-inspect); e.g.:
#   ${BIN} completion fish > ~/.config/fish/completions/${BIN}.fish
function __kubectl_sts_inspect_complete
  set -l args (commandline -opc)[2..-1] (commandline -ct)
  ${BIN} __complete $args 2>/dev/null | string match -v -r '^:'
end
complete -c ${BIN} -f -a '(__kubectl_sts_inspect_complete)'
`;

export const SCRIPTS: Record<string, string> = { bash, zsh, fish };

export function completionCommand(args: CompletionArgs, io: IO): Promise<number> {
  const script = args.shell ? SCRIPTS[args.shell] : undefined;
  if (!script)
    throw new UsageError(`completion needs a shell: bash, zsh or fish${args.shell ? ` (not ${JSON.stringify(args.shell)})` : ''}`);
  io.stdout.write(script);
  return Promise.resolve(0);
}
