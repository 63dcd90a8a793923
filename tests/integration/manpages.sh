# manpages: man mmfs and man mmfs-ctl are installed, render without a
# warning, and stay true: every option `mmfs --help` names is described in
# mmfs(1), every command the parser knows in mmfs-ctl(7).
ROOT=$(realpath "$MMFS_IT_DIR/../..")
BUILD=$(dirname "$(dirname "$MMFS")")
command -v groff >/dev/null || fail "groff is missing (scripts/deps.sh installs groff-base)"

render() {	# render PAGE: plain text, no hyphenation or adjusting, no warnings allowed
	local warn
	warn=$(groff -man -ww -z "$1" 2>&1) || fail "groff failed on $1: $warn"
	[[ -z $warn ]] || fail "groff warns on ${1#"$ROOT"/}: $warn"
	groff -man -Tascii -P-cbou -rHY=0 -dAD=l "$1" 2>/dev/null | sed 's/  */ /g'
}
page1=$(render "$ROOT/doc/mmfs.1")
page7=$(render "$ROOT/doc/mmfs-ctl.7")
assert_match '^MMFS\(1\)' "$page1" "mmfs(1) header"
assert_match '^MMFS-CTL\(7\)' "$page7" "mmfs-ctl(7) header"

# every option of --help: "    ram=SIZE", "    -f", "    -o allow_other", "    -h, --help"
n=0
while read -r opt; do
	n=$((n + 1))
	[[ $page1 == *"$opt"* ]] || fail "mmfs(1) does not describe --help's option '$opt'"
done < <("$MMFS" --help | sed -n 's/^    \(-[a-zA-Z]\( [a-z_A-Z]*\)\{0,1\}\|[a-z]*=\)[ ,A-Z].*/\1/p')
((n >= 12)) || fail "only $n options found in --help: the extraction is broken"
for word in SIGNALS 'EXIT STATUS' EXAMPLES SIGTERM SIGKILL; do
	[[ $page1 == *"$word"* ]] || fail "mmfs(1) has no $word"
done

# every command of the parser's table (fs/parse.c verbs[]) in mmfs-ctl(7)
n=0
while read -r verb; do
	n=$((n + 1))
	grep -qwF -- "$verb" <<<"$page7" || fail "mmfs-ctl(7) does not name the command '$verb'"
done < <(sed -n '/^static const struct verb_desc verbs\[\] = {/,/^};/s/^\t{ "\([a-z_0-9]*\)",.*/\1/p' \
	"$ROOT/fs/parse.c")
((n >= 25)) || fail "only $n commands found in fs/parse.c: the extraction is broken"

# meson install puts them where man finds them
inst=$(meson introspect "$BUILD" --installed 2>/dev/null) || fail "meson introspect $BUILD failed"
assert_match '"[^"]*/doc/mmfs\.1": "[^"]*/share/man/man1/mmfs\.1"' "$inst" "mmfs.1 installed"
assert_match '"[^"]*/doc/mmfs-ctl\.7": "[^"]*/share/man/man7/mmfs-ctl\.7"' "$inst" "mmfs-ctl.7 installed"
