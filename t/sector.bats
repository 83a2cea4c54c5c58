# Reads in whole sectors.  A BSD raw disk refuses any read that is not a
# whole number of sectors at a sector boundary (EINVAL), and cannot be
# mapped; t/tools/sectorshim.c makes an image behave so, and the round
# trips run under it at 512 and 4096 bytes a sector.

load helper

setup() {
	need_sectorshim
}

# No read was refused: stderr (of a run --separate-stderr) has no line
# from the shim.
none_refused() {
	if [[ "$stderr" == *sectorshim:* ]]; then
		printf '%s\n' "$stderr" >&2
		return 1
	fi
}

# roundtrip SECTOR VERSION BSIZE FSIZE: build, dump under the rule,
# restore, compare.
roundtrip() {
	local src="$BATS_TEST_TMPDIR/src" img="$BATS_TEST_TMPDIR/img"
	mktree "$src" "$3" "$4" "$2"
	mkimage "$src" "$img" "$2" "$3" "$4"
	run -0 --separate-stderr shimmed "$1" "$img" \
	    env SECTOR_MAPLOG="$BATS_TEST_TMPDIR/maps" \
	    dump -0 -f "$BATS_TEST_TMPDIR/dump" "$img"
	none_refused
	# a raw disk cannot be mapped: dblkread asked once, and read instead
	run -0 cat "$BATS_TEST_TMPDIR/maps"
	[ "${#lines[@]}" = 1 ]
	[[ "${lines[0]}" == "mmap of "*" bytes at byte "* ]]
	restore_into "$BATS_TEST_TMPDIR/dump" "$BATS_TEST_TMPDIR/out"
	same_tree "$src" "$BATS_TEST_TMPDIR/out" -p s
}

@test "sectorshim refuses reads that are not whole aligned sectors, and says so" {
	local img="$BATS_TEST_TMPDIR/img"
	head -c 65536 /dev/urandom >"$img"
	ln -s "$img" "$BATS_TEST_TMPDIR/other name"
	run -1 --separate-stderr shimmed 512 "$img" dd if="$img" of=/dev/null bs=100 count=1
	[ "${stderr_lines[0]}" = "sectorshim: $img: read of 100 bytes at byte 0 is not whole sectors of 512 bytes: refused" ]
	[[ "$stderr" == *"Invalid argument"* ]]
	# The same file under another name, at an unaligned offset.
	run -1 --separate-stderr shimmed 512 "$img" dd if="$BATS_TEST_TMPDIR/other name" of=/dev/null bs=512 skip=3 count=1 iflag=skip_bytes
	[ "${stderr_lines[0]}" = "sectorshim: $img: read of 512 bytes at byte 3 is not whole sectors of 512 bytes: refused" ]
	# Whole sectors pass: 512 does at 512, not at 4096.
	run -0 --separate-stderr shimmed 512 "$img" dd if="$img" of=/dev/null bs=512 skip=3 count=2
	none_refused
	run -1 --separate-stderr shimmed 4096 "$img" dd if="$img" of=/dev/null bs=512 count=1
	[ "${stderr_lines[0]}" = "sectorshim: $img: read of 512 bytes at byte 0 is not whole sectors of 4096 bytes: refused" ]
	run -0 shimmed 4096 "$img" sh -c 'dd if="$1" bs=4096 skip=1 count=2 2>/dev/null | cmp - "$2"' sh "$img" \
	    <(dd if="$img" bs=4096 skip=1 count=2 2>/dev/null)
	# Other files are left alone.
	run -0 shimmed 4096 "$img" head -c 15 "$TOP/README.md"
}

@test "512-byte sectors: UFS1 4096/512 round trip, no read refused" {
	roundtrip 512 1 4096 512
}

@test "512-byte sectors: UFS1 16384/2048 round trip, no read refused" {
	roundtrip 512 1 16384 2048
}

@test "512-byte sectors: UFS2 8192/1024 round trip, no read refused" {
	roundtrip 512 2 8192 1024
}

@test "512-byte sectors: UFS2 65536/8192 round trip, no read refused" {
	roundtrip 512 2 65536 8192
}

@test "4096-byte sectors: UFS1 32768/4096 round trip, no read refused" {
	roundtrip 4096 1 32768 4096
}

@test "4096-byte sectors: UFS2 32768/4096 round trip, no read refused" {
	roundtrip 4096 2 32768 4096
}

@test "4096-byte sectors: UFS2 65536/8192 round trip, no read refused" {
	roundtrip 4096 2 65536 8192
}

# fixture_same SECTOR NAME [INODE]: dscan and dblkread of the fixture
# (but INODE) under the rule write the same bytes as without it.
fixture_same() {
	need_fixture "$2"
	local img leave=${3:-0}
	img=$(fixture "$2")
	dscan -q -t 1700000000 "$img" >"$BATS_TEST_TMPDIR/rec" 2>/dev/null || :
	if [ "$leave" = 0 ]; then
		cp "$BATS_TEST_TMPDIR/rec" "$BATS_TEST_TMPDIR/rec2"
	else
		without "$leave" <"$BATS_TEST_TMPDIR/rec" >"$BATS_TEST_TMPDIR/rec2"
	fi
	run --separate-stderr shimmed "$1" "$img" sh -c \
	    'dscan -q -t 1700000000 "$1" >"$2"' sh "$img" "$BATS_TEST_TMPDIR/shim.rec"
	none_refused
	cmp "$BATS_TEST_TMPDIR/rec" "$BATS_TEST_TMPDIR/shim.rec"
	dblkread -U -d "$img" <"$BATS_TEST_TMPDIR/rec2" >"$BATS_TEST_TMPDIR/plain.dump"
	run -0 --separate-stderr shimmed "$1" "$img" sh -c \
	    'dblkread -U -d "$1" <"$2" >"$3"' sh "$img" "$BATS_TEST_TMPDIR/rec2" \
	    "$BATS_TEST_TMPDIR/shim.dump"
	none_refused
	cmp "$BATS_TEST_TMPDIR/plain.dump" "$BATS_TEST_TMPDIR/shim.dump"
}

@test "the FreeBSD fixtures under 512- and 4096-byte sectors: the same dump, and it restores" {
	local s n leave out="$BATS_TEST_TMPDIR/out"
	for s in 512 4096; do
		for n in freebsd-ufs2-le.img.gz freebsd-ufs2-be.img.gz dissect-ufs2-le.img.gz; do
			leave=10
			[ "$n" != dissect-ufs2-le.img.gz ] || leave=0
			fixture_same "$s" "$n" "$leave"
		done
	done
	restore_into "$BATS_TEST_TMPDIR/shim.dump" "$out"
	[ "$(cat "$out/test_file")" = "test contents" ]
	fixture_same 4096 freebsd-ufs2-le.img.gz 10
	rm -rf "$out"
	restore_into "$BATS_TEST_TMPDIR/shim.dump" "$out"
	(cd "$out" && md5sum file1 file3 dir1/dir2/dir3/file2) >"$BATS_TEST_TMPDIR/md5"
	run -0 cat "$BATS_TEST_TMPDIR/md5"
	[ "$output" = "47900f1caa33014a546d3a9e5b36d9d7  file1
ec681056042f3cedfdf3f69887c94e2f  file3
e59ff97941044f85df5297e1c302d260  dir1/dir2/dir3/file2" ]
}

@test "the UFS1 fixtures under 512-byte sectors: the same dump, and it restores" {
	local n out
	for n in 1 2 3; do
		fixture_same 512 "dissect-ufs1-symlinks-$n.img.gz"
		out="$BATS_TEST_TMPDIR/out$n"
		restore_into "$BATS_TEST_TMPDIR/shim.dump" "$out"
		[ "$(cat "$out/other/path/target/to/my/file.ext")" = "resolved!" ]
	done
}

@test "dscan -p, -s and a level 1 read the directories in whole sectors too" {
	need_fixture freebsd-ufs2-le.img.gz
	local s img
	img=$(fixture freebsd-ufs2-le.img.gz)
	for s in 512 4096; do
		run -0 --separate-stderr shimmed "$s" "$img" dscan -qp -t 1700000000 "$img"
		none_refused
		[[ "$output" == *"n 513 /dir1/dir2/dir3/file2"* ]]
		run -0 --separate-stderr shimmed "$s" "$img" dscan -s "$img"
		none_refused
		# A level 1 reads every directory in pass II.
		run --separate-stderr shimmed "$s" "$img" dscan -q -l 1 -T 'Sun Nov 15 09:00:00 2026' "$img"
		none_refused
		[[ "${lines[-1]}" == "end "* ]]
	done
}

@test "a device that takes no splice (a raw disk): dblkread into a pipe reads what it would have spliced, asks once, the same bytes" {
	local T=$BATS_TEST_TMPDIR
	mkdir -p "$T/src"
	bigfile "$T/src/a" 3000001
	bigfile "$T/src/b" 200000
	echo small >"$T/src/c"
	mkimage "$T/src" "$T/img" 1 8192 1024
	dscan -q -t 1700000000 "$T/img" >"$T/rec"
	dblkread <"$T/rec" >"$T/want"
	# Into a pipe, dblkread would splice the large runs from the device
	# (t/speed.bats); this device refuses, once, and is then read.
	run -0 --separate-stderr shimmed 512 "$T/img" env \
	    SECTOR_SPLICELOG="$T/splices" sh -c 'dblkread <"$1" | cat >"$2"' \
	    sh "$T/rec" "$T/got"
	none_refused
	cmp "$T/want" "$T/got"
	if linux_build; then
		run -0 cat "$T/splices"
		[ "${#lines[@]}" = 1 ]
		[[ "${lines[0]}" == "splice of "*" bytes at byte "* ]]
	else
		# built as on a BSD: it never asks
		[ ! -e "$T/splices" ]
	fi
	restore_into "$T/got" "$T/out"
	same_tree "$T/src" "$T/out" -p s
}
