# docs: the sessions shown in doc/*.md are run, and must print what they show.
#
# A document opts in with a line "<!-- session: MOUNT-OPTIONS -->": it is then
# one shell session on a fresh machine mounted with those options at ./mnt.
# Every indented block line "    # COMMAND" is a command; the indented lines
# after it, up to the next command or unindented text, are its output,
# exactly (blank lines between indented ones included).
# The commands of a document run in order in one bash (descriptors and
# variables carry over), so a session reads as it would be typed. The
# session's directory holds mnt/ and the files of doc/examples/; the mount
# is made from it, so a relative backing= lands there too. A block right
# after a "<!-- not run -->" line is shown only (the mount and unmount
# commands, which the test does itself).

ROOT=$(realpath "$MMFS_IT_DIR/../..")
n=0
bad=()	# every document is run, and all that differ are named at the end
for doc in "$ROOT"/doc/*.md; do
	opts=$(sed -n 's/^<!-- session: \(.*\) -->$/\1/p' "$doc" | head -n1)
	[[ -n $opts ]] || continue
	n=$((n + 1))
	dir="$WORK/doc$n"
	mkdir -p "$dir"
	read -r -a o <<<"$opts"
	cp -r "$ROOT/doc/examples/." "$dir/"
	pushd "$dir" >/dev/null
	mmfs_mount "$dir/mnt" "${o[@]}"
	popd >/dev/null
	# the script, and the expected output of each command, from the document
	"$PY" - "$doc" "$dir" <<'PY'
import sys, re
doc, d = sys.argv[1], sys.argv[2]
cmds, outs = [], []
cur = None
skip = 0    # 1: after "<!-- not run -->", 2: in the block it marks (to a blank line)
for line in open(doc, encoding="utf-8").read().split("\n"):
    if line.strip() == "<!-- not run -->":
        skip, cur = 1, None
    elif skip and line.startswith("    "):
        skip = 2
    elif skip == 2 or (skip and line.strip()):
        skip = 0 if skip == 2 or line.strip() else skip
    elif line.startswith("    # "):
        cmds.append(line[6:]); outs.append([]); cur = outs[-1]; blanks = 0
    elif line.startswith("    ") and cur is not None:
        cur.extend([""] * blanks + [line[4:]]); blanks = 0
    elif not line.strip() and cur is not None:
        blanks += 1     # inside the output if an indented line follows
    else:
        cur = None
with open(d + "/script.sh", "w") as f:
    f.write("cd " + d + "\n")
    for i, c in enumerate(cmds):
        f.write("echo '@@@ %d'\n%s\n" % (i, c))
with open(d + "/expected", "w") as f:
    for i, o in enumerate(outs):
        f.write("@@@ %d\n" % i)
        for l in o:
            f.write(l + "\n")
PY
	bash "$dir/script.sh" >"$dir/actual" 2>&1 || true
	if ! cmp -s "$dir/expected" "$dir/actual"; then
		diff -u "$dir/expected" "$dir/actual" | head -60 >&2 || true
		echo "docs: ${doc#"$ROOT"/}: the session does not print what the document shows" >&2
		bad+=("${doc#"$ROOT"/}")
	fi
	mmfs_umount "$dir/mnt"
done
((n > 0)) || fail "no document has a session"
((${#bad[@]} == 0)) || fail "${bad[*]}: the sessions do not print what the documents show"
