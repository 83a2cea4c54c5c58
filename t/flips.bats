# Every byte of the superblock, of a cylinder group's header and of
# three inodes flipped in turn, in both layouts: nothing may crash or
# hang, and damage seen is reported naming the device (and the group).
# The rest of the damaged images is t/damage.bats; the two files run side
# by side under "make check" on a machine with GNU parallel.

load helper
load damage

setup_file() {
	damage_images
}

setup() {
	T=$BATS_TEST_TMPDIR
	# Each of a thousand pipelines here would spend most of its time in
	# LeakSanitizer's exit scan, so leaks are left to the rest of the
	# suite; AddressSanitizer and UBSan still watch every run.
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
}

# sweep IMG FIRST STEP LAST: the pipeline (damaged) on a copy of IMG
# with each byte from FIRST to LAST, STEP apart, flipped in turn (and
# put back after it: the stages only read the image).  The bytes are
# read once, for the whole range.
sweep() {
	local off b
	local -a was
	cp "$1" "$T/img"
	read -r -a was < <(od -An -v -tu1 -w$(($4 - $2 + 1)) -j "$2" \
	    -N $(($4 - $2 + 1)) "$1")
	for off in $(seq "$2" "$3" "$4"); do
		b=${was[off - $2]}
		putbyte "$T/img" "$off" $((255 - b))
		damaged "$T/img"
		putbyte "$T/img" "$off" "$b"
	done
	cmp "$1" "$T/img"
}

@test "every byte of the superblock flipped: no crash, no hang, damage reported" {
	local v sb=8192
	for v in 1 2; do
		sweep "$BATS_FILE_TMPDIR/ufs$v.img" $sb 7 $((sb + 1375))
	done
}

@test "cylinder group headers flipped: no crash, no hang, the group named" {
	local v cg
	for v in 1 2; do
		# cg 0's header: fs_cblkno fragments from the start.
		cg=$(($(od -An -tu4 -j $((8192 + 12)) -N4 "$BATS_FILE_TMPDIR/ufs$v.img") * 512))
		sweep "$BATS_FILE_TMPDIR/ufs$v.img" $cg 3 $((cg + 200))
		flip "$T/img" $((cg + 4))
		damaged "$T/img"
		[[ "$ERR" == *"$T/img: cylinder group 0: bad header"* ]]
		[ "${ST%% *}" = 2 ]
	done
}

@test "inodes flipped byte after byte: no crash, no hang, the inode named" {
	local v ino base size
	for v in 1 2; do
		size=$((v == 1 ? 128 : 256))
		for ino in 2 4 5; do
			base=$(iblock "$BATS_FILE_TMPDIR/ufs$v.img" "$ino" "$size")
			sweep "$BATS_FILE_TMPDIR/ufs$v.img" $base 3 $((base + size - 1))
		done
	done
}
