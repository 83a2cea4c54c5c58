# Real read errors: one bad 512-byte sector costs one sector.  The disk
# is a loop device over t/tools/badfs, a FUSE file system that serves an
# image and answers EIO for chosen byte ranges (Linux only: FUSE 3 and
# loop devices).  Each test puts one bad sector in a file's data, an
# indirect block, a directory block or an inode block, dumps with -I 0,
# and checks that only what that sector held is lost, that the loss is
# named, and that the rest restores exactly.

load helper

# The image: UFS2, 16 KiB blocks of 8 fragments of 2 KiB, so that a
# sector is a quarter of a fragment and a sixteenth of a block.
BS=16384
FS=2048

setup_file() {
	local src="$BATS_FILE_TMPDIR/src"
	mkdir -p "$src/many"
	head -c 3145728 /dev/urandom >"$src/big"
	echo small >"$src/small"
	(cd "$src/many" && seq -f 'entry-with-a-longer-name-%05g' 1 300 |
	    xargs touch)
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR mkimage "$src" \
	    "$BATS_FILE_TMPDIR/img" 2 "$BS" "$FS"
	dscan -qp "$BATS_FILE_TMPDIR/img" >"$BATS_FILE_TMPDIR/rec"
}

# First take down the loop device and the mount, whatever happened in
# the test, then empty the scratch directory as the helper does.

teardown() {
	if [ -s "$T/loopdev" ]; then
		losetup -d "$(cat "$T/loopdev")" || :
	fi
	if [ -s "$T/mounted" ]; then
		umount "$(cat "$T/mounted")" || umount -l "$(cat "$T/mounted")" || :
	fi
	empty_scratch
}

setup() {
	local why=
	T=$BATS_TEST_TMPDIR
	IMG=$BATS_FILE_TMPDIR/img
	SRC=$BATS_FILE_TMPDIR/src
	if [ ! -c /dev/fuse ]; then
		why="/dev/fuse is missing"
	elif [ ! -x "$TOP/t/tools/bin/badfs" ]; then
		why="t/tools/bin/badfs was not built (pkg-config finds no fuse3)"
	elif ! command -v losetup >/dev/null || [ ! -e /dev/loop-control ]; then
		why="no loop devices (losetup, /dev/loop-control)"
	fi
	if [ -n "$why" ]; then
		if [ "${CI:-}" = true ]; then
			echo "bad-sector tests: $why; CI must run them" >&2
			return 1
		fi
		skip "bad-sector tests need FUSE 3 and loop devices (Linux): $why"
	fi
}

# rec AWK: a value from dscan -p's lines of the undamaged image.
rec() {
	awk "$1" "$BATS_FILE_TMPDIR/rec"
}

# ino PATH: the inode of PATH in the image.
ino() {
	rec '$1 == "n" && $3 == "'"$1"'" { print $2 }'
}

# baddisk [badfs options]: serve the image with bad sectors through a
# read-only loop device of LOOPSECTOR-byte sectors (512 unless set),
# named in DEV.
baddisk() {
	mkdir -p "$T/mnt"
	badfs "$@" "$IMG" "$T/mnt"
	echo "$T/mnt" >"$T/mounted"
	DEV=$(losetup -f --show -r -b "${LOOPSECTOR:-512}" "$T/mnt/disk")
	echo "$DEV" >"$T/loopdev"
}

# expect: a copy of the source tree, to damage as the dump should have.
expect() {
	cp -a "$SRC" "$T/expect"
}

# zeros FILE OFFSET LENGTH: what a lost stretch of a file restores as.
zeros() {
	local t
	t=$(stat -c %Y "$1")
	dd if=/dev/zero of="$1" bs=1 seek="$2" count="$3" conv=notrunc 2>/dev/null
	touch -d "@$t" "$1"
}

# dumped: dump -0 -I 0 of DEV, status and messages in ST and ERR.
dumped() {
	run --separate-stderr timeout 300 dump -0 -I 0 -f "$T/dump" "$DEV"
	ST=$status
	ERR=$stderr
	[ "$ST" -ne 124 ] || { echo "the dump timed out" >&2; return 1; }
}

@test "badfs fails the chosen range and nothing else, through the loop device" {
	baddisk -b 4096-4608
	run -1 dd if="$DEV" of=/dev/null bs=512 skip=8 count=1 iflag=direct
	[[ "$output" == *"Input/output error"* ]]
	run -0 dd if="$DEV" of=/dev/null bs=512 skip=7 count=1 iflag=direct
	run -0 dd if="$DEV" of=/dev/null bs=512 skip=9 count=1 iflag=direct
	cmp -n 4096 "$DEV" "$IMG"
}

@test "a bad sector in a file's data: 512 bytes of zeros, named, the rest restores exactly" {
	local big frag bad
	big=$(ino /big)
	frag=$(rec '$1 == "d" && $2 == '"$big"' && $3 == 0 { print $4 }')
	bad=$((frag * FS + 5 * 512))
	baddisk -b "$bad-$((bad + 512))"
	dumped
	[ "$ST" = 3 ]
	[[ "$ERR" == *"dblkread: $DEV: inode $big: 512 bytes at byte $bad (fragment $((frag + 1)), file offset 2560) cannot be read; zeros written: $(eio_text)"* ]]
	[ "$(grep -c 'cannot be read' <<<"$ERR")" = 1 ]
	[[ "$ERR" == *"dblkread: 1 unreadable or damaged blocks here"* ]]
	restore_into "$T/dump" "$T/out"
	expect
	zeros "$T/expect/big" 2560 512
	same_tree "$T/expect" "$T/out" -p s
}

@test "a bad sector in an indirect block: its 64 pointers' blocks become holes, named, the rest restores exactly" {
	local big ind bad
	big=$(ino /big)
	# The indirect block sits just before the data of block 12.
	ind=$(rec '$1 == "d" && $2 == '"$big"' && $3 == 12 * '"$BS"' { print $4 - '"$((BS / FS))"' }')
	bad=$((ind * FS + 512))
	baddisk -b "$bad-$((bad + 512))"
	dumped
	[ "$ST" = 3 ]
	[[ "$ERR" == *"dscan: $DEV: inode $big: indirect block at fragment $ind: 512 bytes at byte $bad (pointers 64 to 127) cannot be read; the blocks they point to are dumped as holes: $(eio_text)"* ]]
	[ "$(grep -c 'cannot be read' <<<"$ERR")" = 1 ]
	restore_into "$T/dump" "$T/out"
	expect
	# Pointers 64 to 127 of the first indirect block: blocks 76 to 139.
	zeros "$T/expect/big" $(((12 + 64) * BS)) $((64 * BS))
	same_tree "$T/expect" "$T/out" -p s
}

# direntries OFFSET: the names in the 512-byte directory block at byte
# OFFSET of the image, one a line.
direntries() {
	od -An -v -tu1 -j "$1" -N 512 "$IMG" | tr -s ' \n' '\n\n' | sed '/^$/d' |
	    awk '{ b[n++] = $1 }
	    END {
		for (at = 0; at + 8 <= n; at += len) {
			ino = b[at] + 256 * (b[at + 1] + 256 * (b[at + 2] + 256 * b[at + 3]))
			len = b[at + 4] + 256 * b[at + 5]
			if (len < 8) break
			name = ""
			for (i = 0; i < b[at + 7]; i++)
				name = name sprintf("%c", b[at + 8 + i])
			if (ino != 0) print name
		}
	    }'
}

@test "a bad sector in a directory: only its entries are lost, named, the rest restores exactly" {
	local many frag bad name t
	many=$(ino /many)
	frag=$(rec '$1 == "d" && $2 == '"$many"' && $3 == 0 { print $4 }')
	bad=$((frag * FS + 512))
	direntries "$bad" >"$T/lost"
	[ "$(wc -l <"$T/lost")" -gt 5 ]
	baddisk -b "$bad-$((bad + 512))"
	dumped
	[ "$ST" = 3 ]
	# dscan reads it for the names (once said however often it reads it),
	# dblkread for the tape: each says so.
	[[ "$ERR" == *"dscan: $DEV: directory inode $many: 512 bytes at byte $bad cannot be read; the entries in them are lost: $(eio_text)"* ]]
	[[ "$ERR" == *"dblkread: $DEV: inode $many: 512 bytes at byte $bad (fragment $frag, file offset 512) cannot be read; empty directory blocks written: $(eio_text)"* ]]
	[ "$(grep -c 'cannot be read' <<<"$ERR")" = 2 ]
	restore_into "$T/dump" "$T/out"
	expect
	t=$(stat -c %Y "$T/expect/many")
	while read -r name; do
		rm "$T/expect/many/$name"
	done <"$T/lost"
	touch -d "@$t" "$T/expect/many"
	same_tree "$T/expect" "$T/out" -p s
}

@test "a bad sector in an inode block: only its two inodes are lost, named once, the rest restores" {
	local first sb iblk bad ino name t
	first=$(ino /many/entry-with-a-longer-name-00100)
	# Inode blocks begin at fs_iblkno (a 32-bit field at byte 16 of the
	# superblock); 256-byte inodes, two a sector.
	sb=$(rec 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^sblock=/) print substr($i, 8) }')
	iblk=$(od -An -tu4 -j $((sb + 16)) -N4 "$IMG")
	first=$((first - first % 2))
	bad=$((iblk * FS + first * 256))
	baddisk -b "$bad-$((bad + 512))"
	dumped
	[ "$ST" = 3 ]
	[[ "$ERR" == *"dscan: $DEV: inodes $first to $((first + 1)) (cylinder group 0, 512 bytes at byte $bad): cannot read; they are not dumped: $(eio_text)"* ]]
	[ "$(grep -c 'cannot read' <<<"$ERR")" = 1 ]
	rec '$1 == "n" && ($2 == '"$first"' || $2 == '"$((first + 1))"') { print $2, $3 }' >"$T/lost"
	[ "$(wc -l <"$T/lost")" = 2 ]
	# Each lost inode is named by its path.
	while read -r ino name; do
		[[ "$ERR" == *"dscan: $DEV: inode $ino, lost with its sector, was $name"* ]]
	done <"$T/lost"
	restore_into "$T/dump" "$T/out"
	expect
	t=$(stat -c %Y "$T/expect/many")
	while read -r ino name; do
		rm "$T/expect/$name"
	done <"$T/lost"
	touch -d "@$t" "$T/expect/many"
	same_tree "$T/expect" "$T/out" -p s
}

@test "a large read that fails and then succeeds sector by sector leaves a line saying so, and the data is whole" {
	local big frag bad many dfrag dbad
	big=$(ino /big)
	frag=$(rec '$1 == "d" && $2 == '"$big"' && $3 == 0 { print $4 }')
	bad=$((frag * FS + 5 * 512))
	many=$(ino /many)
	dfrag=$(rec '$1 == "d" && $2 == '"$many"' && $3 == 0 { print $4 }')
	dbad=$((dfrag * FS + 512))
	baddisk -s 512 -b "$bad-$((bad + 512)),$dbad-$((dbad + 512))"
	dumped
	[ "$ST" = 0 ]
	[[ "$ERR" == *"dblkread: $DEV: inode $big: read of "*" bytes at byte $((frag * FS)) (file offset 0) failed ($(eio_text)), then read sector by sector without error: the disk may be failing"* ]]
	[[ "$ERR" == *"dscan: $DEV: read of "*" bytes at byte $((dfrag * FS)) failed ($(eio_text)), then read sector by sector without error: the disk may be failing"* ]]
	[[ "$ERR" == *"dblkread: $DEV: inode $many: read of "*" bytes at byte $((dfrag * FS)) (file offset 0) failed ($(eio_text)), then read sector by sector without error: the disk may be failing"* ]]
	restore_into "$T/dump" "$T/out"
	same_tree "$SRC" "$T/out" -p s
}

@test "on a disk of 4096-byte sectors a bad sector costs 4096 bytes, read in whole sectors" {
	local src="$T/src4k" big frag bad
	mkdir -p "$src"
	head -c 1048576 /dev/urandom >"$src/big"
	echo small >"$src/small"
	mkimage "$src" "$T/img4k" 2 32768 4096
	IMG=$T/img4k
	dscan -q "$IMG" >"$T/rec4k"
	big=$(awk '$1 == "i" && $8 == 1048576 { print $2 }' "$T/rec4k")
	frag=$(awk '$1 == "d" && $2 == '"$big"' && $3 == 0 { print $4 }' "$T/rec4k")
	bad=$((frag * 4096 + 3 * 4096))
	# One bad 512-byte stretch inside the fourth 4096-byte sector.
	LOOPSECTOR=4096 baddisk -b "$((bad + 1024))-$((bad + 1536))"
	[ "$(blockdev --getss "$DEV")" = 4096 ]
	dumped
	[ "$ST" = 3 ]
	[[ "$ERR" == *"dblkread: $DEV: inode $big: 4096 bytes at byte $bad (fragment $((frag + 3)), file offset 12288) cannot be read; zeros written: $(eio_text)"* ]]
	[ "$(grep -c 'cannot be read' <<<"$ERR")" = 1 ]
	[[ "$ERR" == *"dblkread: 1 unreadable or damaged blocks here"* ]]
	restore_into "$T/dump" "$T/out"
	cp -a "$src" "$T/expect"
	zeros "$T/expect/big" 12288 4096
	same_tree "$T/expect" "$T/out" -p s
}
