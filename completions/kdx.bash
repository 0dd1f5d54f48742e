# bash completion for kdx; installed as share/bash-completion/completions/kdx.
# Completes commands, options and their values, rule ids (from `kdx patterns list`), and files.
# Works with or without the bash-completion package (it uses _filedir when there is one).

_kdx_files() {  # $1: "-d" for directories only
  if declare -F _filedir >/dev/null; then
    _filedir $1
  else
    compopt -o filenames 2>/dev/null
    if [[ $1 == -d ]]; then
      mapfile -t COMPREPLY < <(compgen -d -- "$cur")
    else
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    fi
  fi
}

_kdx_rule_ids() {
  local ids
  ids=$("${COMP_WORDS[0]}" patterns list 2>/dev/null | cut -d' ' -f1)
  mapfile -t COMPREPLY < <(compgen -W "$ids" -- "$cur")
}

# Completes the value of option $1; returns 1 when $1 takes no value.
_kdx_option_value() {
  case $1 in
    -f | --format) mapfile -t COMPREPLY < <(compgen -W "text json md html" -- "$cur") ;;
    --min-severity | --fail-on)
      mapfile -t COMPREPLY < <(compgen -W "critical high medium low info" -- "$cur") ;;
    --color) mapfile -t COMPREPLY < <(compgen -W "auto always never" -- "$cur") ;;
    --since | --until) mapfile -t COMPREPLY < <(compgen -W "30m 1h 2h 6h 1d" -- "$cur") ;;
    --top) mapfile -t COMPREPLY < <(compgen -W "0 5 10 20" -- "$cur") ;;
    -o | --output | --out | --summary | --summary-json | --previous) _kdx_files ;;
    --shard) mapfile -t COMPREPLY < <(compgen -W "0/2 1/2 0/3 1/3 2/3" -- "$cur") ;;
    --patterns | --extra-patterns) _kdx_files -d ;;
    -n | --namespace | -j | --jobs | --max-bytes) COMPREPLY=() ;;
    *) return 1 ;;
  esac
  return 0
}

_kdx() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
  COMPREPLY=()
  # "--color=al": bash splits at '=', so the option is two words back.
  if [[ $cur == = ]]; then
    cur=""
  elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi

  # The command and the patterns action: the first words that are neither options nor values.
  local cmd="" action="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -f | --format | -o | --output | -n | --namespace | --since | --until | --min-severity | \
        --top | --fail-on | -j | --jobs | --color | --max-bytes | --patterns | --extra-patterns | \
        --out | --summary | --summary-json | --previous | --shard)
        if [[ ${COMP_WORDS[i + 1]} == = ]]; then ((i += 2)); else ((i++)); fi ;;
      -*) ;;
      *)
        if [[ -z $cmd ]]; then cmd=${COMP_WORDS[i]}
        elif [[ -z $action ]]; then action=${COMP_WORDS[i]}; fi ;;
    esac
  done

  local rule_opts="--patterns --extra-patterns"
  case $cmd in
    "")
      mapfile -t COMPREPLY < <(compgen -W "analyze batch merge patterns explain help --help
        --version" -- "$cur")
      ;;
    analyze)
      _kdx_option_value "$prev" && return 0
      if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "--help --format --output --redact --namespace
          --since --until --min-severity --top --fail-on --jobs --verbose --color --max-bytes
          --stats $rule_opts" -- "$cur")
      else
        _kdx_files
        [[ -z $cur ]] && COMPREPLY+=(-)
      fi
      ;;
    batch)
      _kdx_option_value "$prev" && return 0
      if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "--help --out --jobs --shard --fail-on --progress
          --no-progress --max-bytes --summary --summary-json --previous $rule_opts" -- "$cur")
      else
        _kdx_files
      fi
      ;;
    merge)
      _kdx_option_value "$prev" && return 0
      if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "--help --out --summary --summary-json --previous" \
          -- "$cur")
      else
        _kdx_files
      fi
      ;;
    patterns)
      _kdx_option_value "$prev" && return 0
      if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "--help --regex $rule_opts" -- "$cur")
      elif [[ -z $action ]]; then
        mapfile -t COMPREPLY < <(compgen -W "list show test lint export draft" -- "$cur")
      elif [[ $action == show ]]; then
        _kdx_rule_ids
      elif [[ $action == test ]]; then
        _kdx_files -d
      elif [[ $action == draft ]]; then
        _kdx_files  # draft ID -- INPUT...: the template id comes from a report
      elif [[ $action == export ]]; then
        mapfile -t COMPREPLY < <(compgen -W "--regex" -- "$cur")
      fi
      ;;
    explain)
      _kdx_option_value "$prev" && return 0
      if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "--help $rule_opts" -- "$cur")
      else
        _kdx_rule_ids
      fi
      ;;
    help)
      mapfile -t COMPREPLY < <(compgen -W "analyze batch merge patterns explain" -- "$cur")
      ;;
  esac
  return 0
}

complete -F _kdx kdx
