# What t/damage.bats and t/flips.bats share: an image of a small tree in
# each layout, and the pipeline run on a damaged copy of one.

# damage_images: ufs1.img and ufs2.img (4096-byte blocks, 512-byte
# fragments) of one small tree, src, all in $BATS_FILE_TMPDIR.
damage_images() {
	local src="$BATS_FILE_TMPDIR/src" v
	mkdir -p "$src/dir/sub" "$src/many"
	echo small >"$src/small"
	# Through the double-indirect blocks of a UFS1 4096 file system.
	head -c 5000000 /dev/urandom >"$src/big"
	ln -s small "$src/link"
	echo x >"$src/dir/sub/x"
	# A tail of six fragments of 512 bytes in its only block (down
	# there, it leaves the inode numbers of the files above as they were).
	head -c 3000 /dev/urandom >"$src/dir/sub/tail"
	(cd "$src/many" && seq -f 'name-%03g' 1 300 | xargs touch)
	for v in 1 2; do
		BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR mkimage "$src" \
		    "$BATS_FILE_TMPDIR/ufs$v.img" "$v" 4096 512
	done
}

# damaged IMG: the whole pipeline on IMG, bounded in time; sets ST (the
# exit statuses of dscan, dblkread and dumpinfo, which checks the stream
# when it is complete) and ERR (their messages).
damaged() {
	local s1= s2= s3=
	: >"$T/err"
	timeout 60 sh -c '
		{ dscan -q "$1" 2>>"$2"; echo $? >"$2.1"; } |
		    { dblkread 2>>"$2"; echo $? >"$2.2"; } |
		    { dumpinfo - >/dev/null 2>>"$2"; echo $? >"$2.3"; }
	' sh "$1" "$T/err"
	[ $? -ne 124 ] || { echo "$1: timed out" >&2; return 1; }
	# Read with builtins: the sweeps of t/flips.bats come here a
	# thousand times.
	read -r s1 <"$T/err.1" || :
	read -r s2 <"$T/err.2" || :
	read -r s3 <"$T/err.3" || :
	ST="$s1 $s2 $s3"
	IFS= read -r -d '' ERR <"$T/err" || :
	while [[ "$ERR" == *$'\n' ]]; do
		ERR=${ERR%$'\n'}
	done
	if [[ "$ERR" == *Sanitizer* || "$ERR" == *"runtime error"* ]]; then
		echo "$ERR" >&2
		return 1
	fi
	case $ST in
	*[!0-9\ ]*|*12[4-9]*|*1[3-9][0-9]*)
		echo "$1: a stage crashed or was killed: $ST" >&2
		echo "$ERR" >&2
		return 1 ;;
	esac
	# A complete stream (dblkread 0 or 2) must read back whole.
	case $ST in
	?\ [02]\ [!0]) echo "$1: dumpinfo: $ERR" >&2; return 1 ;;
	esac
	# Damage that was seen must be said, naming the device.
	case $ST in
	"0 0 0") ;;
	*) [[ "$ERR" == *"$1"* ]] || { echo "$1: no message names it: $ERR" >&2; return 1; } ;;
	esac
}

# putbyte IMG OFFSET VALUE: one byte, 0 to 255.
putbyte() {
	local b
	printf -v b '\\%03o' "$3"
	printf "$b" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# flip IMG OFFSET: invert one byte.
flip() {
	putbyte "$1" "$2" $((255 - $(od -An -tu1 -j "$2" -N1 "$1")))
}

# put32 IMG OFFSET VALUE: a little-endian 32-bit word.
put32() {
	printf "\\$(printf %03o $(($3 & 255)))\\$(printf %03o $(($3 >> 8 & 255)))\\$(printf %03o $(($3 >> 16 & 255)))\\$(printf %03o $(($3 >> 24 & 255)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# field IMG AWK: a value from dscan's stream of the undamaged image.
field() {
	dscan -q "$1" 2>/dev/null | awk "$2"
}

# iblock IMG INO SIZE: the byte offset of an inode (group 0).
iblock() {
	local iblkno
	iblkno=$(od -An -tu4 -j $((8192 + 16)) -N4 "$1")
	echo $((iblkno * 512 + $2 * $3))
}
