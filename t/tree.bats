# Damaged directory trees: dscan checks that the directories it dumps
# form a tree, reports every entry at fault by inode and path, leaves it
# out of the dump and exits 2; restore then reads the rest exactly and
# cannot loop.  Images are damaged with ufsedit's badlink and badunlink.

load helper

# ufsedit stamps what it changes with this time, the tree's own.
T0=1700000000

setup_file() {
	local src="$BATS_FILE_TMPDIR/tree" v
	mkdir -p "$src/deep/d00/d000" "$src/deep/d01" "$src/other"
	echo a >"$src/deep/d00/f"
	echo b >"$src/other/g"
	ln "$src/other/g" "$src/deep/d00/g2"
	echo c >"$src/top"
	find "$src" -exec touch -h -d "@$T0" {} +
	for v in 1 2; do
		BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR mkimage "$src" \
		    "$BATS_FILE_TMPDIR/ufs$v.img" "$v" 4096 512
		BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR mkimage "$src" \
		    "$BATS_FILE_TMPDIR/ufs${v}be.img" "$v" 4096 512 -B be
	done
}

setup() {
	# restore under a time limit: a loop must fail the test, not hang it.
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\nexec timeout 60 %s "$@"\n' "$(command -v restore)" \
	    >"$BATS_TEST_TMPDIR/bin/restore"
	chmod +x "$BATS_TEST_TMPDIR/bin/restore"
	PATH="$BATS_TEST_TMPDIR/bin:$PATH"
	T=$BATS_TEST_TMPDIR
}

# damage V SCRIPT: a copy of the version V image at $T/img, edited by
# the ufsedit SCRIPT.
damage() {
	cp "$BATS_FILE_TMPDIR/ufs$1.img" "$T/img"
	printf '%s\n' "$2" | ufsedit -t "$T0" "$T/img"
}

# dumped: dscan | dblkread of $T/img into $T/dump; their exit statuses
# in ST, their messages in ERR.
dumped() {
	rm -f "$T/err"
	timeout 60 sh -c '
		{ dscan -q "$1" 2>>"$2"; echo $? >"$2.1"; } |
		    { dblkread >"$3" 2>>"$2"; echo $? >"$2.2"; }' sh \
	    "$T/img" "$T/err" "$T/dump"
	ST="$(cat "$T/err.1") $(cat "$T/err.2")"
	ERR=$(cat "$T/err")
}

# restored_ok [paths] [fsdesc lines]: restore -t lists the tree's paths
# and restore -x gives back the tree, exactly, but for the paths and the
# fsdesc lines these extended regular expressions match.
restored_ok() {
	local lskip=${1:-'^$'} dskip=${2:-'^$'}
	restore -tf "$T/dump" 2>/dev/null | head -n 100000 | awk 'NR > 4 { print $2 }' | sort >"$T/listed"
	(cd "$BATS_FILE_TMPDIR/tree" && find . | sort) | grep -Ev "$lskip" >"$T/want.list"
	diff -u "$T/want.list" "$T/listed"
	rm -rf "$T/out"
	restore_into "$T/dump" "$T/out"
	fsdesc -p none "$BATS_FILE_TMPDIR/tree" | grep -Ev "$dskip" >"$T/want"
	fsdesc -p none "$T/out" | grep -Ev "$dskip" >"$T/got"
	diff -u "$T/want" "$T/got"
}

@test "an undamaged tree: no message, exit 0, restored exactly" {
	local v
	for v in 1 2; do
		damage "$v" "# nothing"
		dumped
		[ "$ST" = "0 0" ]
		[ "$ERR" = "" ]
		restored_ok
	done
}

@test "a directory holding its own ancestor: reported, left out, exit 2" {
	local v deep d00
	for v in 1 2; do
		damage "$v" "badlink deep deep/d00/up"
		deep=$(dscan -qp "$T/img" | awk '$1 == "n" && $3 == "/deep" { print $2 }')
		d00=$(dscan -qp "$T/img" 2>/dev/null | awk '$1 == "n" && $3 == "/deep/d00" { print $2 }')
		dumped
		[ "$ST" = "2 2" ]
		[[ "$ERR" == *"dscan: $T/img: directory inode $d00: entry at offset "*": names directory inode $deep, already at /deep: a second name for a directory; left out of the dump (/deep/d00/up)"* ]]
		[ "$(grep -c '^dscan: .*left out of the dump' <<<"$ERR")" = 1 ]
		run -0 dumpinfo -d "$T/dump"
		[[ "$output" == *"dirent $d00 "*" f"* ]]
		[[ "$output" != *" up"* ]]
		restored_ok
	done
}

@test "a directory naming itself: reported, left out, exit 2" {
	local v d00
	for v in 1 2; do
		damage "$v" "badlink deep/d00 deep/d00/self"
		d00=$(dscan -qp "$T/img" 2>/dev/null | awk '$1 == "n" && $3 == "/deep/d00" { print $2 }')
		dumped
		[ "$ST" = "2 2" ]
		[[ "$ERR" == *"dscan: $T/img: directory inode $d00: entry at offset "*": names directory inode $d00, already at /deep/d00: a second name for a directory; left out of the dump (/deep/d00/self)"* ]]
		restored_ok
	done
}

@test "an entry naming the root: reported, left out, exit 2" {
	local v
	for v in 1 2; do
		damage "$v" "badlink - other/root"
		dumped
		[ "$ST" = "2 2" ]
		[[ "$ERR" == *"dscan: $T/img: directory inode "*": entry at offset "*": names the root directory; left out of the dump (/other/root)"* ]]
		restored_ok
	done
}

@test "entries naming an unused inode and one past the last: reported, left out, exit 2" {
	local v maxino
	for v in 1 2; do
		maxino=$(dscan -q "$BATS_FILE_TMPDIR/ufs$v.img" | sed -n '1s/.*maxino=\([0-9]*\).*/\1/p')
		damage "$v" "badlink #$((maxino - 1)) other/ghost
badlink #99999 other/far"
		dumped
		[ "$ST" = "2 2" ]
		[[ "$ERR" == *": entry at offset "*": names inode $((maxino - 1)), which is not in use (free, or left out as damaged); left out of the dump (/other/ghost)"* ]]
		[[ "$ERR" == *": entry at offset "*": inode number beyond the last inode (99999; the last is $((maxino - 1))); left out of the dump (/other/far)"* ]]
		restored_ok
	done
}

@test "a directory no entry names: reported, the rest restored, exit 2" {
	local v d01
	for v in 1 2; do
		d01=$(dscan -qp "$BATS_FILE_TMPDIR/ufs$v.img" | awk '$1 == "n" && $3 == "/deep/d01" { print $2 }')
		damage "$v" "badunlink deep/d01"
		dumped
		[ "$ST" = "2 2" ]
		[[ "$ERR" == *"dscan: $T/img: directory inode $d01: no path from the root reaches it"* ]]
		# deep has a link less with d01's ".." gone.
		restored_ok '^\./deep/d01$' '^(deep|deep/d01) '
	done
}

@test "every fault at once: dump exits 3, records nothing; dscan -s exits 2" {
	local v
	for v in 1 2; do
		damage "$v" "badlink deep deep/d00/up
badlink deep/d00 deep/d00/self
badlink - other/root
badlink #99999 other/far"
		run -3 dump -0u -D "$T/dumpdates" -f "$T/dump" "$T/img"
		[[ "$output" == *"The dump failed: dscan (exit status 2) dblkread (exit status 2)"* ]]
		[ ! -s "$T/dumpdates" ]
		restored_ok
		run -2 --separate-stderr dscan -s "$T/img"
		[ "$(grep -c 'left out of the dump' <<<"$stderr")" = 4 ]
	done
}

@test "big-endian images: entries left out in the file system's order, restored exactly" {
	local v
	for v in 1be 2be; do
		damage "$v" "badlink deep deep/d00/up
badlink - other/root
badlink #99999 other/far"
		dumped
		[ "$ST" = "2 2" ]
		[ "$(grep -c 'left out of the dump' <<<"$ERR")" = 3 ]
		run -0 dumpinfo -d "$T/dump"
		[[ "$output" == *" g"* ]]
		[[ "$output" != *" up"* && "$output" != *" root"* && "$output" != *" far"* ]]
		restored_ok
	done
}

@test "a second name met first in the walk: the name the directory's .. agrees with stays" {
	local v d00 other
	for v in 1 2; do
		damage "$v" "badlink deep/d00 other/x"
		d00=$(dscan -qp "$T/img" 2>/dev/null | awk '$1 == "n" && $3 == "/deep/d00" { print $2 }')
		other=$(dscan -qp "$T/img" 2>/dev/null | awk '$1 == "n" && $3 == "/other" { print $2 }')
		dumped
		[ "$ST" = "2 2" ]
		# other comes before deep in the root, but d00's ".." names deep.
		[[ "$ERR" == *"dscan: $T/img: directory inode $other: entry at offset "*": names directory inode $d00, already at /deep/d00: a second name for a directory; left out of the dump (/other/x)"* ]]
		restored_ok
	done
}
