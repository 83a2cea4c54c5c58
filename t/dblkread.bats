# dblkread: dscan's stream in, dump stream out; its checks on the stream.

load helper

setup() {
	need_fixture freebsd-ufs2-le.img.gz
	IMG=$(fixture freebsd-ufs2-le.img.gz)
	dscan -q -t 1700000000 "$IMG" | without 10 >"$BATS_TEST_TMPDIR/rec"
}

@test "a UFS2 file system gets FreeBSD's UFS2 header layout, UFS1 the NFS_MAGIC one" {
	need_fixture dissect-ufs1-symlinks-1.img.gz
	run -0 sh -c "dblkread <'$BATS_TEST_TMPDIR/rec' >'$BATS_TEST_TMPDIR/d'"
	run -0 dumpinfo "$BATS_TEST_TMPDIR/d"
	[ "${lines[0]}" = "tape vol=1 date=1700000000 ddate=0 level=0 label=none flags=0x3 magic=424935705 count=0 inumber=0 tapea=0 firstrec=0 oldfirstrec=0" ]
	IMG=$(fixture dissect-ufs1-symlinks-1.img.gz)
	run -0 sh -c "dscan -t 1700000000 '$IMG' 2>/dev/null | dblkread >'$BATS_TEST_TMPDIR/d1'"
	run -0 dumpinfo "$BATS_TEST_TMPDIR/d1"
	[ "${lines[0]}" = "tape vol=1 date=1700000000 ddate=0 level=0 label=none flags=0x3 magic=60012 count=0 inumber=0 tapea=0 firstrec=0 oldfirstrec=0" ]
}

@test "-F forces either layout, and restore reads both" {
	local f
	for f in nfs ufs2; do
		run -0 sh -c "dblkread -U -F $f <'$BATS_TEST_TMPDIR/rec' >'$BATS_TEST_TMPDIR/$f'"
		restore_into "$BATS_TEST_TMPDIR/$f" "$BATS_TEST_TMPDIR/out$f" ./file1 ./dir1
		[ "$(cat "$BATS_TEST_TMPDIR/out$f/dir1/dir2/dir3/file2" | md5sum)" = "e59ff97941044f85df5297e1c302d260  -" ]
	done
	run -0 dumpinfo "$BATS_TEST_TMPDIR/nfs"
	[[ "${lines[0]}" == *" magic=60012 "* ]]
}

@test "the old 32-bit dates, tapea and times are filled in both layouts" {
	local f
	for f in nfs ufs2; do
		run -0 sh -c "dblkread -F $f <'$BATS_TEST_TMPDIR/rec' >'$BATS_TEST_TMPDIR/$f'"
		# c_old_date at 4 and c_date at 896; c_old_atime at 48, c_atime at 88
		[ "$(od -An -t d4 -j 4 -N 4 "$BATS_TEST_TMPDIR/$f")" = "  1700000000" ]
		[ "$(od -An -t d8 -j 896 -N 8 "$BATS_TEST_TMPDIR/$f")" = "           1700000000" ]
	done
	# dumpinfo checks that c_old_tapea and c_tapea agree in every header.
	run -0 dumpinfo "$BATS_TEST_TMPDIR/nfs"
	run -0 dumpinfo "$BATS_TEST_TMPDIR/ufs2"
	[[ "$output" == *"inode 4 mode=0100644 size=23 uid=0 gid=0 atime=1722785995.383597000 mtime=1722785995.383657000 "* ]]
}

@test "-E writes big-endian headers that restore byte-swaps" {
	run -0 sh -c "dblkread -U -E be <'$BATS_TEST_TMPDIR/rec' >'$BATS_TEST_TMPDIR/be'"
	[ "$(od -An -t x1 -j 24 -N 4 "$BATS_TEST_TMPDIR/be")" = " 19 54 01 19" ]
	run -0 dumpinfo -d "$BATS_TEST_TMPDIR/be"
	[[ "$output" == *"dirent 2 768 4 dir1"* ]]
}

@test "a dscan stream cut in the middle gives no TS_END and exit 3" {
	run -3 --separate-stderr sh -c "head -n 30 '$BATS_TEST_TMPDIR/rec' | dblkread >'$BATS_TEST_TMPDIR/d'"
	[ "$stderr" = "dblkread: stdin: line 31: the dscan stream ends before its end line (cut short?); the dump stream is incomplete (no TS_END)" ]
	run -1 dumpinfo "$BATS_TEST_TMPDIR/d"
	[[ "$output" == *"no TS_END"* ]]
}

@test "a NUL byte in a line of the dscan stream is named as such, not taken for a line too long" {
	local rec=$BATS_TEST_TMPDIR/rec
	{ sed -n 1,2p "$rec"; printf 'u 2 2\0 0\n'; } >"$BATS_TEST_TMPDIR/nul"
	run -3 --separate-stderr sh -c "dblkread <'$BATS_TEST_TMPDIR/nul' >/dev/null"
	[ "$stderr" = "dblkread: stdin: line 3: NUL byte in line; the dump stream is incomplete (no TS_END)" ]
	# and the two messages it was mistaken for still come where due
	{ sed -n 1,2p "$rec"; head -c 9000 /dev/zero | tr '\0' a; echo; } >"$BATS_TEST_TMPDIR/long"
	run -3 --separate-stderr sh -c "dblkread <'$BATS_TEST_TMPDIR/long' >/dev/null"
	[ "$stderr" = "dblkread: stdin: line 3: line longer than 8192 bytes; the dump stream is incomplete (no TS_END)" ]
	{ sed -n 1,2p "$rec"; printf 'u 2 2'; } >"$BATS_TEST_TMPDIR/cut"
	run -3 --separate-stderr sh -c "dblkread <'$BATS_TEST_TMPDIR/cut' >/dev/null"
	[ "$stderr" = "dblkread: stdin: line 3: last line has no newline (cut short?); the dump stream is incomplete (no TS_END)" ]
}

@test "an output that cannot be written gives exit 4, not the 3 of a bad stream" {
	[ -w /dev/full ] || skip "no /dev/full to make a write fail"
	run -4 --separate-stderr sh -c "dblkread <'$BATS_TEST_TMPDIR/rec' >/dev/full"
	[ "$stderr" = "dblkread: write: No space left on device" ]
}

@test "a record naming a block beyond the file system is reported, zeroed, exit 2" {
	sed -i 's/^d 4 0 65 23$/d 4 0 99999999 23/' "$BATS_TEST_TMPDIR/rec"
	run -2 --separate-stderr sh -c "dblkread <'$BATS_TEST_TMPDIR/rec' >'$BATS_TEST_TMPDIR/d'"
	[ "${stderr_lines[0]}" = "dblkread: $IMG: inode 4: run at fragment 99999999 (23 bytes at file offset 0) lies beyond the file system (1024 fragments); zeros written" ]
	run -0 dumpinfo -x "4:$BATS_TEST_TMPDIR/f4" "$BATS_TEST_TMPDIR/d"
	[ "$(od -An -c "$BATS_TEST_TMPDIR/f4" | head -1)" = "  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0  \\0" ]
}

@test "a run that starts inside the file system and ends past it is named as such, zeroed, exit 2" {
	# 393216 bytes are 96 fragments of 4096: from 1000 they pass 1024
	sed -i 's/^d 5 0 80 393216$/d 5 0 1000 393216/' "$BATS_TEST_TMPDIR/rec"
	run -2 --separate-stderr sh -c "dblkread <'$BATS_TEST_TMPDIR/rec' >'$BATS_TEST_TMPDIR/d'"
	[ "${stderr_lines[0]}" = "dblkread: $IMG: inode 5: run at fragment 1000 (393216 bytes at file offset 0) runs past the end of the file system (1024 fragments); zeros written" ]
	run -0 dumpinfo "$BATS_TEST_TMPDIR/d"
}

@test "a damaged directory entry met while byte-swapping is named with its offset and length" {
	local img="$BATS_TEST_TMPDIR/img"
	cp "$IMG" "$img"
	# the root directory at fragment 64 of 4096: the record length of ".."
	printf '\003\000' | dd of="$img" bs=1 seek=$((64 * 4096 + 12 + 4)) conv=notrunc 2>/dev/null
	dscan -q -t 1700000000 "$img" 2>/dev/null | without 10 >"$BATS_TEST_TMPDIR/rec"
	run -2 --separate-stderr sh -c "dblkread -E be <'$BATS_TEST_TMPDIR/rec' >'$BATS_TEST_TMPDIR/d'"
	[ "${stderr_lines[0]}" = "dblkread: $img: directory inode 2: entry at offset 12: record length 3, not a multiple of 4 from 8; the rest of its block is left as it is" ]
}

@test "a device that is not the file system of the stream is refused" {
	need_fixture dissect-ufs2-le.img.gz
	local other
	other=$(fixture dissect-ufs2-le.img.gz)
	run -1 --separate-stderr sh -c "dblkread -d '$other' <'$BATS_TEST_TMPDIR/rec' >/dev/null"
	[ "$stderr" = "dblkread: $other: not the file system the stream describes (superblock at byte 65536 has another magic or fs_id than 66afa0cb:58f171a9)" ]
}

@test "malformed lines are refused with their line number" {
	run -3 --separate-stderr sh -c "echo garbage | dblkread"
	[ "$stderr" = "dblkread: stdin: line 1: not a dscan stream (no \"dscan\" header line); the dump stream is incomplete (no TS_END)" ]
	n=$(grep -n '^i [0-9]* f ' "$BATS_TEST_TMPDIR/rec" | head -1 | cut -d: -f1)
	sed -i "${n}s/^i \([0-9]*\) f /i \1 q /" "$BATS_TEST_TMPDIR/rec"
	run -3 --separate-stderr sh -c "dblkread <'$BATS_TEST_TMPDIR/rec' >/dev/null"
	[[ "$stderr" == "dblkread: stdin: line $n: inode "*": unknown type \"q\"; the dump stream is incomplete (no TS_END)" ]]
}

@test "lines out of order are refused" {
	# Move inode 4 with its runs behind inode 5.
	awk '$1 == "i" { cur = $2 } cur == 4 { four = four $0 "\n"; next }
	    cur == 6 && !done { printf "%s", four; done = 1 } { print }' \
	    "$BATS_TEST_TMPDIR/rec" >"$BATS_TEST_TMPDIR/swapped"
	run -3 --separate-stderr sh -c "dblkread <'$BATS_TEST_TMPDIR/swapped' >/dev/null"
	[[ "$stderr" == *": inode 4 after inode 5: not in ascending order; the dump stream is incomplete (no TS_END)" ]]
}

@test "a file's runs must cover its size exactly" {
	sed -i '/^d 5 393216 /d' "$BATS_TEST_TMPDIR/rec"
	run -3 --separate-stderr sh -c "dblkread <'$BATS_TEST_TMPDIR/rec' >/dev/null"
	[[ "$stderr" == *"inode 5: run at offset 819200 where 393216 was due"* ]]
}

# The fixtures' extended attributes (README of the fixtures): xattrs
# holds user.test=testvalue, xattrs2 2297 attributes attrN=valueN,
# xattrs3 one of about 64 KB.  FreeBSD's user name space is 1.
ea_expected() {
	echo "extattr 11 ns=1 test=testvalue"
	for i in $(seq 1 2297); do
		echo "extattr 12 ns=1 attr$i=value$i"
	done
}

@test "a big-endian UFS2's extended attributes reach little-endian headers in their order" {
	need_fixture freebsd-ufs2-be.img.gz freebsd-ufs2-le.img.gz
	local f
	IMG=$(fixture freebsd-ufs2-be.img.gz)
	for f in le be; do
		dscan -q "$IMG" | without 10 >"$BATS_TEST_TMPDIR/berec"
		run -0 sh -c "dblkread -E $f <'$BATS_TEST_TMPDIR/berec' >'$BATS_TEST_TMPDIR/$f'"
		dumpinfo -a "$BATS_TEST_TMPDIR/$f" | grep '^extattr' >"$BATS_TEST_TMPDIR/ea.$f"
		grep -v '^extattr 13 ' "$BATS_TEST_TMPDIR/ea.$f" >"$BATS_TEST_TMPDIR/ea12.$f"
		ea_expected | diff -u - "$BATS_TEST_TMPDIR/ea12.$f"
		# xattrs3: one attribute, 64,000 bytes of numbered lines
		run -0 grep -c '^extattr 13 ns=1 big=000000000000000\\012000000000000001\\012' "$BATS_TEST_TMPDIR/ea.$f"
		[ "$output" = 1 ]
	done
	# The same bytes as from the little-endian twin.
	IMG=$(fixture freebsd-ufs2-le.img.gz)
	dscan -q "$IMG" | without 10 | dblkread -E le | dumpinfo -a - | grep '^extattr' >"$BATS_TEST_TMPDIR/ea.twin"
	cmp "$BATS_TEST_TMPDIR/ea.le" "$BATS_TEST_TMPDIR/ea.twin"
}

@test "-F nfs leaves the extended-attribute area out, with one message" {
	run -0 --separate-stderr sh -c "dblkread -F nfs <'$BATS_TEST_TMPDIR/rec' >'$BATS_TEST_TMPDIR/nfs'"
	[ "$stderr" = "dblkread: $IMG: the extended attributes of 3 files are left out: the 4.4BSD header layout (-F nfs) has no room for them" ]
	run -0 dumpinfo -a "$BATS_TEST_TMPDIR/nfs"
	# The empty files with attributes announce no data at all.
	[[ "$output" == *"inode 11 mode=0100644 size=0 "*" extsize=0 count=0"* ]]
	[[ "$output" == *"inode 12 mode=0100644 size=0 "*" extsize=0 count=0"* ]]
	[[ "$output" == *"inode 13 mode=0100644 size=0 "*" extsize=0 count=0"* ]]
	[[ "$output" != *"extattr"* ]]
	[[ "$output" != *"addr 1"[123]" "* ]]
	# and restore reads them as the empty files they are
	restore_into "$BATS_TEST_TMPDIR/nfs" "$BATS_TEST_TMPDIR/out" ./xattrs ./xattrs2 ./xattrs3 ./file1
	[ ! -s "$BATS_TEST_TMPDIR/out/xattrs2" ] && [ -f "$BATS_TEST_TMPDIR/out/xattrs2" ]
	[ "$(md5sum <"$BATS_TEST_TMPDIR/out/file1")" = "47900f1caa33014a546d3a9e5b36d9d7  -" ]
	# The UFS2 layout keeps them, without a word.
	run -0 --separate-stderr sh -c "dblkread <'$BATS_TEST_TMPDIR/rec' | dumpinfo -a -"
	[ "$stderr" = "" ]
	[[ "$output" == *"extattr 11 ns=1 test=testvalue"* ]]
}

@test "an empty stdin writes nothing and exits 1, silently from a pipe" {
	run -1 --separate-stderr dblkread </dev/null
	[ "$output" = "" ]
	[ "$stderr" = "dblkread: stdin: empty: no dscan stream; nothing written" ]
	run -1 --separate-stderr sh -c ": | dblkread >'$BATS_TEST_TMPDIR/out'"
	[ "$stderr" = "" ]
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
}

# hole4 SIZE: the lines of inode 4 made SIZE bytes of hole, in
# $BATS_TEST_TMPDIR/big; its line number in $LINE.
hole4() {
	awk -v s="$1" '$1 == "i" && $2 == 4 { $8 = s; print; print "d 4 0 - " s
	    skip = 1; next } $1 == "d" && $2 == 4 { next } { print }' \
	    "$BATS_TEST_TMPDIR/rec" >"$BATS_TEST_TMPDIR/big"
	LINE=$(grep -n '^i 4 ' "$BATS_TEST_TMPDIR/big" | cut -d: -f1)
}

@test "a size beyond what an inode's block pointers address is refused, not dumped as endless hole" {
	# UFS2 with 32 KiB blocks: 12 direct, then 4096 pointers a block.
	local max=$(((12 + 4096 + 4096 * 4096 + 4096 * 4096 * 4096) * 32768)) size
	for size in 4611686018427387904 $((max + 1)); do
		hole4 "$size"
		run -3 --separate-stderr timeout 60 sh -c "dblkread <'$BATS_TEST_TMPDIR/big' >'$BATS_TEST_TMPDIR/d'"
		[ "$stderr" = "dblkread: stdin: line $LINE: inode 4: size $size is beyond the $max bytes that an inode's block pointers address at the header's bsize; the dump stream is incomplete (no TS_END)" ]
		[ "$(stat -c %s "$BATS_TEST_TMPDIR/d")" -lt 1048576 ]
	done
	# Exactly that much is a file the pointers can hold: its hole headers
	# come out (the first 8 MB of them are enough to see).
	hole4 "$max"
	run -0 sh -c "dblkread <'$BATS_TEST_TMPDIR/big' 2>'$BATS_TEST_TMPDIR/err' | head -c 8388608 | wc -c"
	[ "$output" = 8388608 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}
