# view_browser: the pictures of view/ drawn by a real browser (headless
# chromium from Debian): the colours at the places where the model has a
# known region, and every legend swatch (view_pixels.py does the looking).
# Skips (77) only when chromium cannot run here at all.
# mmfs-options: -o ram=1G

# shellcheck source=../../scripts/deps.sh
source "$MMFS_IT_DIR/../../scripts/deps.sh"
mmfs_install_deps "${MMFS_BROWSER_DEPS[@]}" >/dev/null 2>&1 || true
chromium=$(command -v chromium || true)
if [[ -z $chromium ]] ||
	! timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --dump-dom \
		"data:text/html,<p>ok</p>" 2>/dev/null | grep -q '<p>ok</p>'; then
	echo "view_browser: chromium cannot run here: skipped" >&2
	exit 77
fi

echo spawn >"$MNT/ctl"
addr=$(mmap_anon 2 16M)
echo "touch $addr 4M w" >"$MNT/proc/2/ctl"
printf '%#x\n' $((addr + 0x1000)) >"$MNT/view/2/walk"

mkdir -p "$WORK/shots"
"$PY" "$MMFS_IT_DIR/view_pixels.py" "$MNT" "$WORK/shots" "$chromium" 2 "$addr"
