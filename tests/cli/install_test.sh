#!/usr/bin/env bash
# kdx installed like a tool: `cmake --install` into a temporary prefix puts bin/kdx, the man page
# and the bash and zsh completions where man, bash-completion and zsh look; the man page renders
# without warnings, has every section and documents every analyze option; the bash completion
# completes; `cpack -G DEB` makes a .deb holding usr/bin/kdx with a Depends line derived by
# dpkg-shlibdeps. Usage: install_test.sh BUILD_DIR (registered as the ctest test "install").
set -euo pipefail
build=$(cd "$1" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kdx-install-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "install_test: $*" >&2; failures=$((failures + 1)); }

# --- cmake --install ---------------------------------------------------------------------------
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cd "$tmp/prefix"
for f in bin/kdx share/man/man1/kdx.1 share/bash-completion/completions/kdx \
         share/zsh/site-functions/_kdx; do
  [[ -f $f ]] || fail "cmake --install put no $f"
done
[[ -x bin/kdx ]] || fail "bin/kdx is not executable"
version=$(bin/kdx --version)
[[ $version =~ ^kdx\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "kdx --version said '$version'"

# --- the man page ------------------------------------------------------------------------------
man=share/man/man1/kdx.1
warnings=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
[[ -z $warnings ]] || fail "groff warns about the man page: $warnings"
text=$(groff -man -Tutf8 -P-cbou "$man" 2>/dev/null)
for section in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" EXAMPLES ENVIRONMENT \
               FILES "SEE ALSO"; do
  grep -qx "$section" <<<"$text" || fail "the man page has no $section section"
done
grep -q "^\.TH KDX 1 \"[0-9]*\" \"$version\"" "$man" || fail "the man page is not for '$version'"
for env in NO_COLOR COLUMNS; do
  grep -qE "^       $env\$" <<<"$text" || fail "the man page does not describe $env"
done
# Every option `kdx analyze --help` lists is in the man page and in both completions.
options=$(bin/kdx analyze --help | grep -oE -- '^  (-[a-z] \[ )?--[a-z][a-z-]+' |
  grep -oE -- '--[a-z-]+$' | sort -u)
[[ $(wc -l <<<"$options") -ge 15 ]] || fail "kdx analyze --help lists too few options: $options"
for opt in $options; do
  grep -qE -- "(^|[ ,])$opt( |,|$)" <<<"$text" || fail "the man page does not document $opt"
  grep -qE -- "(^|[ \"|])$opt( |\"|$)" share/bash-completion/completions/kdx ||
    fail "the bash completion does not offer $opt"
  grep -qE -- "$opt[]=+}[]" share/zsh/site-functions/_kdx || fail "the zsh completion lacks $opt"
done

# --- the completions -----------------------------------------------------------------------------
bash -n share/bash-completion/completions/kdx || fail "bash -n rejects the bash completion"
if command -v zsh >/dev/null; then
  zsh -n share/zsh/site-functions/_kdx || fail "zsh -n rejects the zsh completion"
fi
complete_words() {  # what bash offers for the words given (the last one is being completed)
  (
    PATH="$tmp/prefix/bin:$PATH"
    # shellcheck source=/dev/null
    source share/bash-completion/completions/kdx
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _kdx 2>/dev/null
    echo "${COMPREPLY[*]}"
  )
}
expect_completion() {  # expect_completion "WANTED" WORD...
  local wanted=$1 got
  shift
  got=$(complete_words "$@")
  [[ $got == "$wanted" ]] || fail "completing '$*' offered '$got', not '$wanted'"
}
expect_completion "analyze batch merge patterns explain help --help --version" kdx ""
expect_completion "--shard --summary --summary-json" kdx batch --s
expect_completion "1/2 1/3" kdx batch --shard 1
expect_completion "text json md html" kdx analyze --format ""
expect_completion "always" kdx analyze --color = al
expect_completion "high" kdx analyze -j 2 --min-severity h
expect_completion "--namespace" kdx analyze --names
expect_completion "list show test lint export draft" kdx patterns ""
expect_completion "etcd.v2-api-on-v3" kdx patterns show etcd.v2
expect_completion "volume.wrong-ownership" kdx explain volume.wrong-o
expect_completion "analyze" kdx help an

# --- cpack -G DEB ------------------------------------------------------------------------------
if ! (cd "$build" && cpack -G DEB -B "$tmp/deb" >"$tmp/cpack.log" 2>&1); then
  cat "$tmp/cpack.log" >&2
  fail "cpack -G DEB failed"
fi
deb=$(ls "$tmp"/deb/kdx_*.deb 2>/dev/null | head -1)
if [[ -z $deb ]]; then
  fail "cpack made no kdx_*.deb"
else
  contents=$(dpkg-deb -c "$deb")
  for f in ./usr/bin/kdx ./usr/share/man/man1/kdx.1 ./usr/share/bash-completion/completions/kdx \
           ./usr/share/zsh/site-functions/_kdx; do
    grep -qE " $f\$" <<<"$contents" || fail "the .deb does not hold $f"
  done
  [[ $(dpkg-deb -f "$deb" Package) == kdx ]] || fail "the .deb is not package kdx"
  [[ "kdx $(dpkg-deb -f "$deb" Version)" == "$version" ]] || fail "the .deb's version is not $version"
  [[ -n $(dpkg-deb -f "$deb" Maintainer) ]] || fail "the .deb has no Maintainer"
  [[ $(dpkg-deb -f "$deb" Description) == "offline root-cause analysis"* ]] ||
    fail "the .deb's Description is '$(dpkg-deb -f "$deb" Description)'"
  depends=$(dpkg-deb -f "$deb" Depends)
  for lib in libc6 libre2 libarchive; do
    [[ $depends == *"$lib"* ]] || fail "the .deb's Depends ($depends) lacks $lib"
  done
fi

if ((failures > 0)); then
  echo "install_test: $failures check(s) failed" >&2
  exit 1
fi
echo "install_test: prefix, man page, completions and $(basename "${deb:-no.deb}") are right"
