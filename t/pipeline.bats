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
	# (0x80000 is the extents flag); nothing else may differ.
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
