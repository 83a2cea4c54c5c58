# Whole round trips: a tree goes into an image, the image through
# dscan | dblkread | dtapewr, and restore(8) gives the tree back.

load helper

# roundtrip VERSION BSIZE FSIZE: build, dump, restore, compare.
roundtrip() {
	local src="$BATS_TEST_TMPDIR/src" img="$BATS_TEST_TMPDIR/img"
	mktree "$src" "$2" "$3" "$1"
	mkimage "$src" "$img" "$1" "$2" "$3"
	run -0 dump -0 -f "$BATS_TEST_TMPDIR/dump" "$img"
	restore_into "$BATS_TEST_TMPDIR/dump" "$BATS_TEST_TMPDIR/out"
	same_tree "$src" "$BATS_TEST_TMPDIR/out" -p s
}

@test "UFS1 4096/512: a level-0 dump restores the whole tree" {
	roundtrip 1 4096 512
}

@test "UFS1 8192/1024: a level-0 dump restores the whole tree" {
	roundtrip 1 8192 1024
}

@test "UFS1 16384/2048: a level-0 dump restores the whole tree" {
	roundtrip 1 16384 2048
}

@test "UFS1 65536/8192: a level-0 dump restores the whole tree" {
	roundtrip 1 65536 8192
}

@test "UFS2 4096/512: a level-0 dump restores the whole tree" {
	roundtrip 2 4096 512
}

@test "UFS2 8192/1024: a level-0 dump restores the whole tree" {
	roundtrip 2 8192 1024
}

@test "UFS2 32768/4096: a level-0 dump restores the whole tree" {
	roundtrip 2 32768 4096
}

@test "UFS2 65536/8192: a level-0 dump restores the whole tree" {
	roundtrip 2 65536 8192
}

@test "a big-endian UFS2 image restores: directories come out in the headers' byte order" {
	local src="$BATS_TEST_TMPDIR/src" img="$BATS_TEST_TMPDIR/img"
	mktree "$src" 8192 1024 2
	mkimage "$src" "$img" 2 8192 1024 -B be
	run -0 --separate-stderr dscan "$img"
	[[ "${lines[0]}" == *" byteorder=be "* ]]
	run -0 dump -0 -f "$BATS_TEST_TMPDIR/dump" "$img"
	restore_into "$BATS_TEST_TMPDIR/dump" "$BATS_TEST_TMPDIR/out"
	same_tree "$src" "$BATS_TEST_TMPDIR/out" -p s
}

@test "a big-endian UFS1 image restores" {
	local src="$BATS_TEST_TMPDIR/src" img="$BATS_TEST_TMPDIR/img"
	mktree "$src" 4096 512 1
	mkimage "$src" "$img" 1 4096 512 -B be
	run -0 dump -0 -f "$BATS_TEST_TMPDIR/dump" "$img"
	restore_into "$BATS_TEST_TMPDIR/dump" "$BATS_TEST_TMPDIR/out"
	same_tree "$src" "$BATS_TEST_TMPDIR/out" -p s
}

@test "restore -C finds no difference but the host's own inode flags" {
	local src="$BATS_TEST_TMPDIR/src" img="$BATS_TEST_TMPDIR/img"
	mktree "$src" 8192 1024 2
	mkimage "$src" "$img" 2 8192 1024
	run -0 dump -0 -f "$BATS_TEST_TMPDIR/dump" "$img"
	run restore -C -D "$src" -f "$BATS_TEST_TMPDIR/dump"
	# Linux restore compares chflags with the host's ext4 flags
	# (0x80000 is the extents flag); nothing else may differ.  It
	# prints names raw: join the one with a newline back together.
	output=${output//$'/names/new\nline:'/'/names/new line:'}
	run grep -v -e ': flags changed from 0x00000000 to 0x000[0-9a-f]*\.$' \
	    -e '^Some files were modified!' -e '^Dump   date:' \
	    -e '^Dumped from:' -e '^Level 0 dump of' -e '^Label:' \
	    -e '^filesys = ' -e '^Converting to new' <<<"$output"
	[ -z "$output" ] || { echo "$output"; false; }
}

@test "a 255-byte name is on the tape intact" {
	local src="$BATS_TEST_TMPDIR/src" name
	name=$(printf '%255s' '' | tr ' ' n)
	mkdir -p "$src"
	echo x >"$src/$name"
	mkimage "$src" "$BATS_TEST_TMPDIR/img" 2 8192 1024
	run -0 dump -0 -f "$BATS_TEST_TMPDIR/dump" "$BATS_TEST_TMPDIR/img"
	run -0 dumpinfo -d "$BATS_TEST_TMPDIR/dump"
	[[ "$output" == *"dirent 2 3 8 $name"* ]]
}

@test "a tree of 8 MiB files in many runs restores byte for byte" {
	local src="$BATS_TEST_TMPDIR/src" img="$BATS_TEST_TMPDIR/img" i
	mkdir -p "$src"
	for i in 1 2 3; do
		bigfile "$src/f$i" $((8 * 1024 * 1024 + i * 1000))
	done
	mkimage "$src" "$img" 2 16384 2048
	run -0 dump -0 -b 64 -f "$BATS_TEST_TMPDIR/dump" "$img"
	restore_into "$BATS_TEST_TMPDIR/dump" "$BATS_TEST_TMPDIR/out"
	same_tree "$src" "$BATS_TEST_TMPDIR/out" -p s
}

@test "the dump stream numbers its records and ends in TS_END padding a whole block" {
	local src="$BATS_TEST_TMPDIR/src"
	mktree "$src" 8192 1024 1
	mkimage "$src" "$BATS_TEST_TMPDIR/img" 1 8192 1024
	run -0 dump -0 -b 32 -f "$BATS_TEST_TMPDIR/dump" "$BATS_TEST_TMPDIR/img"
	run -0 dumpinfo "$BATS_TEST_TMPDIR/dump"
	[ $(($(stat -c %s "$BATS_TEST_TMPDIR/dump") % (32 * 1024))) -eq 0 ]
	[[ "${lines[0]}" == "tape vol=1 "*" flags=0x3 magic=60012 count=0 inumber=0 tapea=0 firstrec=0 oldfirstrec=0" ]]
	[[ "${lines[1]}" =~ ^clri\ count=[1-9][0-9]*$ ]]
	[ "${lines[2]}" = "bits ${lines[1]#clri }" ]
	[[ "${lines[-1]}" == "end tapea="* ]]
}

# The FreeBSD fixture, restored but for sparse3 (512 GiB of hole that
# Linux restore would take minutes to seek through): the next test
# checks that one on the tape.
freebsd_listing='. d 0755 4 0 0 - 1722785999.339720 - -
.snap d 0775 2 0 5 - 1722785995.000000 - -
dir1 d 0755 3 0 0 - 1722785995.384747 - -
dir1/dir2 d 0755 3 0 0 - 1722785995.384821 - -
dir1/dir2/dir3 d 0755 2 0 0 - 1722785995.384988 - -
dir1/dir2/dir3/file2 f 0644 1 0 0 12 1722785995.385016 8c0eefd1fb9eb077 0+12 -
file1 f 0644 1 0 0 23 1722785995.383657 9bf4b184740d5d4c 0+23 -
file3 f 0644 1 0 0 1048576 1722785995.570850 f5e33221860b78e5 0+1048576 -
link1 l 0777 1 0 0 20 1722785995.571804 dir1/dir2/dir3/file2 -
long-link l 0777 1 0 0 1023 1722785995.574927 '"$(printf '././%.0s' $(seq 254))"'//file1 -
sparse f 0644 1 0 0 134643712 1722785995.578387 975660512fc42325 134578176+65536 -
sparse2 f 0644 1 0 0 134615040 1722785995.580624 fa2d5499bddf6325 134578176+36864 -
xattrs f 0644 1 0 0 0 1722785995.585071 cbf29ce484222325 - -
xattrs2 f 0644 1 0 0 0 1722785995.588459 cbf29ce484222325 - -
xattrs3 f 0644 1 0 0 0 1722785999.328452 cbf29ce484222325 - -'

@test "the FreeBSD UFS2 image restores: bytes, holes, links, microsecond times with -U" {
	need_fixture freebsd-ufs2-le.img.gz
	local img out="$BATS_TEST_TMPDIR/out"
	img=$(fixture freebsd-ufs2-le.img.gz)
	freebsd_dump "$img" "$BATS_TEST_TMPDIR/dump" -U
	restore_into "$BATS_TEST_TMPDIR/dump" "$out"
	(cd "$out" && md5sum file1 file3 dir1/dir2/dir3/file2) >"$BATS_TEST_TMPDIR/md5"
	run -0 cat "$BATS_TEST_TMPDIR/md5"
	[ "$output" = "47900f1caa33014a546d3a9e5b36d9d7  file1
ec681056042f3cedfdf3f69887c94e2f  file3
e59ff97941044f85df5297e1c302d260  dir1/dir2/dir3/file2" ]
	run -0 fsdesc -H -p us "$out"
	[ "$output" = "$freebsd_listing" ]
}

@test "the 512 GiB file of the FreeBSD image, data in its triple-indirect block, is on the tape whole" {
	need_fixture freebsd-ufs2-le.img.gz
	local img
	img=$(fixture freebsd-ufs2-le.img.gz)
	# A gigabyte of TS_ADDR headers: straight from the pipe, not on disk.
	run -0 sh -c '{ dump -0 -f - "$1"; echo $? >"$2.st"; } | dumpinfo -x "10:$2" -' \
	    sh "$img" "$BATS_TEST_TMPDIR/sparse3"
	[ "$(cat "$BATS_TEST_TMPDIR/sparse3.st")" = 0 ]
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/sparse3")" = 549890457600 ]
	# Holes stay holes: little of the file takes room on disk.
	[ $(($(stat -c %b "$BATS_TEST_TMPDIR/sparse3") * 512)) -le 1048576 ]
	# Its last block: 32 KiB of zeros, then 32 KiB of "x".
	[ "$(tail -c 65536 "$BATS_TEST_TMPDIR/sparse3" | cksum)" = \
	    "$( (head -c 32768 /dev/zero; head -c 32768 /dev/zero | tr '\0' x) | cksum)" ]
}

@test "the big-endian FreeBSD image restores the same files as the little-endian one" {
	need_fixture freebsd-ufs2-be.img.gz
	local img out="$BATS_TEST_TMPDIR/out"
	img=$(fixture freebsd-ufs2-be.img.gz)
	freebsd_dump "$img" "$BATS_TEST_TMPDIR/dump" -U
	restore_into "$BATS_TEST_TMPDIR/dump" "$out"
	# Made by another run: the same files, other times.
	run -0 sh -c "fsdesc -H -p s '$out' | cut -d' ' -f1-7,9-"
	[ "$output" = "$(cut -d' ' -f1-7,9- <<<"$freebsd_listing")" ]
}

@test "the UFS1 images with symlink chains restore and the chains resolve" {
	need_fixture dissect-ufs1-symlinks-1.img.gz dissect-ufs1-symlinks-2.img.gz dissect-ufs1-symlinks-3.img.gz
	local n img out
	for n in 1 2 3; do
		img=$(fixture "dissect-ufs1-symlinks-$n.img.gz")
		out="$BATS_TEST_TMPDIR/out$n"
		run -0 dump -0U -f "$BATS_TEST_TMPDIR/dump$n" "$img"
		restore_into "$BATS_TEST_TMPDIR/dump$n" "$out"
		[ "$(cat "$out/path/to/dir/with/file.ext")" = "resolved!" ]
		[ "$(cat "$out/other/path/target/to/my/file.ext")" = "resolved!" ]
	done
	[ "$(readlink "$BATS_TEST_TMPDIR/out1/other/path/source/to")" = "../target/to" ]
	[ "$(readlink "$BATS_TEST_TMPDIR/out3/path/to/dir/with/file.ext")" = "./link" ]
}

@test "the small UFS2 image from dissect restores" {
	need_fixture dissect-ufs2-le.img.gz
	local img out="$BATS_TEST_TMPDIR/out"
	img=$(fixture dissect-ufs2-le.img.gz)
	run -0 dump -0U -f "$BATS_TEST_TMPDIR/dump" "$img"
	restore_into "$BATS_TEST_TMPDIR/dump" "$out"
	[ "$(cat "$out/test_file")" = "test contents" ]
	[ -f "$out/test_dir/test_file_2" ]
	[ -d "$out/.snap" ]
}

@test "without -U, times go on the tape in nanoseconds as the BSD restores read them" {
	need_fixture freebsd-ufs2-le.img.gz
	local img
	img=$(fixture freebsd-ufs2-le.img.gz)
	freebsd_dump "$img" "$BATS_TEST_TMPDIR/ns"
	freebsd_dump "$img" "$BATS_TEST_TMPDIR/us" -U
	run -0 dumpinfo "$BATS_TEST_TMPDIR/ns"
	[[ "$output" == *"inode 5 mode=0100644 size=1048576 uid=0 gid=0 atime=1722785995.385624000 mtime=1722785995.570850000 "* ]]
	run -0 dumpinfo "$BATS_TEST_TMPDIR/us"
	[[ "$output" == *"inode 5 mode=0100644 size=1048576 uid=0 gid=0 atime=1722785995.385624 mtime=1722785995.570850 "* ]]
}

@test "holes punched into an image restore as holes, in UFS1 and UFS2" {
	local v src="$BATS_TEST_TMPDIR/src"
	mkdir -p "$src"
	bigfile "$src/sparse" 2000000
	for v in 1 2; do
		mkimage "$src" "$BATS_TEST_TMPDIR/img$v" "$v" 8192 1024
		# Blocks 2 to 9 and everything past 1 MB but the last block.
		ufsedit "$BATS_TEST_TMPDIR/img$v" <<-EOF
		punch sparse 16384 65536
		punch sparse 1048576 942080
		EOF
		run -0 dump -0 -f "$BATS_TEST_TMPDIR/d$v" "$BATS_TEST_TMPDIR/img$v"
		restore_into "$BATS_TEST_TMPDIR/d$v" "$BATS_TEST_TMPDIR/out$v"
		cp "$src/sparse" "$BATS_TEST_TMPDIR/want"
		dd if=/dev/zero of="$BATS_TEST_TMPDIR/want" bs=8192 seek=2 count=8 conv=notrunc 2>/dev/null
		dd if=/dev/zero of="$BATS_TEST_TMPDIR/want" bs=8192 seek=128 count=115 conv=notrunc 2>/dev/null
		cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/out$v/sparse"
		run -0 fsdesc -H "$BATS_TEST_TMPDIR/out$v"
		[[ "$output" == *" 0+16384,81920+966656,1990656+9344 -"* ]]
	done
}
