# Damaged and hostile input: images damaged in every structure, read
# errors while dumping, and signals.  Nothing may crash or hang; damage
# is reported with the device, inode and block, and fails the dump.
# (t/flips.bats flips the superblock, group headers and inodes byte
# after byte.)

load helper
load damage

setup_file() {
	# Enough inodes that dscan is still writing when a dump stalls,
	# and enough data (80 MB) that dblkread is too: its hand-off to
	# dtapewr and dtapewr's ring hold over 20 MB.
	mkdir -p "$BATS_FILE_TMPDIR/lots"
	(cd "$BATS_FILE_TMPDIR/lots" &&
	    head -c $((20000 * 4096)) /dev/zero | split -a 5 -d -b 4096 - f)
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR mkimage "$BATS_FILE_TMPDIR/lots" \
	    "$BATS_FILE_TMPDIR/lots.img" 2 8192 1024
	damage_images
}

setup() {
	T=$BATS_TEST_TMPDIR
}

@test "the undamaged images dump cleanly" {
	damaged "$BATS_FILE_TMPDIR/ufs1.img"
	[ "$ST" = "0 0 0" ]
	damaged "$BATS_FILE_TMPDIR/ufs2.img"
	[ "$ST" = "0 0 0" ]
}

@test "an image truncated at many offsets is refused, naming its size" {
	local v off size
	for v in 1 2; do
		size=$(stat -c %s "$BATS_FILE_TMPDIR/ufs$v.img")
		for off in 0 100 1024 8191 8192 9000 16384 65536 200000 \
		    $((size / 3)) $((size / 2)) $((size - 4096)) $((size - 1)); do
			head -c "$off" "$BATS_FILE_TMPDIR/ufs$v.img" >"$T/img"
			damaged "$T/img"
			[ "${ST%% *}" = 1 ]
			[[ "$ERR" == *"dscan: $T/img: "* ]]
		done
	done
}


@test "indirect blocks flipped, pointing past the end or back at themselves: reported" {
	local v ino ib frag off
	for v in 1 2; do
		ino=$(field "$BATS_FILE_TMPDIR/ufs$v.img" '$1 == "i" && $8 == 5000000 { print $2 }')
		cp "$BATS_FILE_TMPDIR/ufs$v.img" "$T/img"
		# The single indirect block sits where the data runs break
		# after the twelfth block.
		frag=$(field "$T/img" '$1 == "d" && $2 == '"$ino"' && $3 == 0 { print $4 + 96 }')
		for off in 0 1 2 3 100 1000 2000 4095; do
			cp "$BATS_FILE_TMPDIR/ufs$v.img" "$T/img"
			flip "$T/img" $((frag * 512 + off))
			damaged "$T/img"
		done
		# Its first pointer: past the end of the file system.
		cp "$BATS_FILE_TMPDIR/ufs$v.img" "$T/img"
		put32 "$T/img" $((frag * 512)) 268435455
		damaged "$T/img"
		[ "${ST%% *}" = 2 ]
		[[ "$ERR" == *"$T/img: inode $ino: block 12 at fragment 268435455 lies outside the file system"* ]]
		# Its first pointer: itself.
		cp "$BATS_FILE_TMPDIR/ufs$v.img" "$T/img"
		put32 "$T/img" $((frag * 512)) "$frag"
		damaged "$T/img"
		[ "${ST%% *}" = 2 ]
		[[ "$ERR" == *"$T/img: inode $ino: block 12 at fragment $frag is one of the file's own indirect blocks"* ]]
		# Every pointer bad: the first ten named, the rest counted.
		cp "$BATS_FILE_TMPDIR/ufs$v.img" "$T/img"
		head -c 4096 /dev/zero | tr '\0' '\377' |
		    dd of="$T/img" bs=512 seek="$frag" conv=notrunc 2>/dev/null
		damaged "$T/img"
		[ "${ST%% *}" = 2 ]
		[ "$(grep -c "inode $ino: block .* lies outside" <<<"$ERR")" = 10 ]
		[[ "$ERR" == *"$T/img: inode $ino: $((v == 1 ? 1014 : 502)) more damaged block pointers, dumped as zeros like the first 10"* ]]
	done
}

@test "directory blocks damaged: bad lengths and inodes past the last, reported" {
	local v dino frag off maxino
	for v in 1 2; do
		dino=2
		frag=$(field "$BATS_FILE_TMPDIR/ufs$v.img" '$1 == "d" && $2 == 2 { print $4; exit }')
		maxino=$(field "$BATS_FILE_TMPDIR/ufs$v.img" 'NR == 1 { sub(/.*maxino=/, ""); sub(/ .*/, ""); print }')
		for off in 0 4 5 6 7 12 16 17 24 30 40 100 200 511; do
			cp "$BATS_FILE_TMPDIR/ufs$v.img" "$T/img"
			flip "$T/img" $((frag * 512 + off))
			damaged "$T/img"
		done
		# The record length of "..": 3, not a multiple of 4.
		cp "$BATS_FILE_TMPDIR/ufs$v.img" "$T/img"
		printf '\003\000' | dd of="$T/img" bs=1 seek=$((frag * 512 + 12 + 4)) conv=notrunc 2>/dev/null
		damaged "$T/img"
		[ "${ST%% *}" = 2 ]
		[[ "$ERR" == *"$T/img: directory inode 2: entry at offset 12: record length 3, not a multiple of 4 from 8; the rest of its block is skipped"* ]]
		# The third entry names an inode past the last one.
		cp "$BATS_FILE_TMPDIR/ufs$v.img" "$T/img"
		put32 "$T/img" $((frag * 512 + 24)) $((maxino + 5))
		damaged "$T/img"
		[ "${ST%% *}" = 2 ]
		[[ "$ERR" == *"$T/img: directory inode 2: entry at offset 24: inode number beyond the last inode ($((maxino + 5)); the last is $((maxino - 1)))"* ]]
		# Its record length: 600, past the block's 488 bytes left.
		direntry "$v" $((frag * 512 + 24 + 4)) '\130\002' \
		    "record length 600, past the end of its 512-byte block (488 bytes left)"
		# Its name length: 0, then 9 in a record of 16.
		direntry "$v" $((frag * 512 + 24 + 7)) '\000' \
		    "name length 0, not from 1 to 255"
		direntry "$v" $((frag * 512 + 24 + 4)) '\020\000\000\011' \
		    "name length 9, longer than its record of 16 bytes holds"
		# A slash, then a NUL, in its name.
		direntry "$v" $((frag * 512 + 24 + 8)) / "a name with '/' in it"
		direntry "$v" $((frag * 512 + 24 + 8)) '\000' \
		    "a name with a NUL byte in it"
	done
}

# direntry V OFFSET BYTES WHAT: the UFS V image with BYTES (printf's
# escapes) at OFFSET in the root directory's entry at offset 24 is
# reported as WHAT.
direntry() {
	cp "$BATS_FILE_TMPDIR/ufs$1.img" "$T/img"
	printf "$3" | dd of="$T/img" bs=1 seek="$2" conv=notrunc 2>/dev/null
	damaged "$T/img"
	[ "${ST%% *}" = 2 ]
	[[ "$ERR" == *"$T/img: directory inode 2: entry at offset 24: $4; the rest of its block is skipped"* ]] || {
		echo "$ERR" >&2
		return 1
	}
}

@test "a size no file system could hold sparsely is taken for damage, not dumped for ever" {
	local base ino
	cp "$BATS_FILE_TMPDIR/ufs1.img" "$T/img"
	ino=$(field "$T/img" '$1 == "i" && $8 == 6 { print $2 }')
	base=$(iblock "$T/img" "$ino" 128)
	# di_size of the small file: 2^41 bytes, a file of 2 TB.
	printf '\000\000\000\000\000\002\000\000' | dd of="$T/img" bs=1 seek=$((base + 8)) conv=notrunc 2>/dev/null
	damaged "$T/img"
	[ "${ST%% *}" = 2 ]
	[[ "$ERR" == *"$T/img: inode $ino: 2199023255552 bytes long but only "*" allocated"*"taken for damage and not dumped (see -z)"* ]]
	# -z 0 dumps it: 4 GB of headers, so only the record is looked at.
	run -0 sh -c "dscan -q -z 0 '$T/img' | grep '^i $ino '"
}

# put64 IMG OFFSET HEX: a little-endian 64-bit word, given in 16 hex digits.
put64() {
	local i bytes=
	for i in 14 12 10 8 6 4 2 0; do
		bytes="$bytes\\x${3:$i:2}"
	done
	printf "$bytes" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# sblock IMG: the byte offset of the superblock, as dscan found it.
sblock() {
	field "$1" 'NR == 1 { sub(/.* sblock=/, ""); sub(/ .*/, ""); print }'
}

# inooff IMG V INO: the byte offset of an inode (in cylinder group 0).
inooff() {
	local iblkno
	iblkno=$(od -An -tu4 -j $(($(sblock "$1") + 16)) -N4 "$1")
	echo $((iblkno * 512 + $3 * ($2 == 1 ? 128 : 256)))
}

# sizeoff IMG V INO: the byte offset of an inode's di_size.
sizeoff() {
	echo $(($(inooff "$@") + ($2 == 1 ? 8 : 16)))
}

# setptr IMG V INO N FRAG: block pointer N of an inode (0-11 direct, 12
# the single indirect) set to FRAG.
setptr() {
	local at=$(($(inooff "$1" "$2" "$3") + ($2 == 1 ? 40 + 4 * $4 : 112 + 8 * $4)))
	if [ "$2" = 1 ]; then
		put32 "$1" "$at" "$5"
	else
		put64 "$1" "$at" "$(printf %016x "$5")"
	fi
}

# badptr IMG V INO N FRAG: a copy of IMG in $T/img with block pointer N
# of inode INO set to FRAG, through the pipeline (damaged).
badptr() {
	cp "$1" "$T/img"
	setptr "$T/img" "$2" "$3" "$4" "$5"
	damaged "$T/img"
}

@test "a bad block pointer is named with what is wrong: outside, past the end, off a block boundary" {
	local v img big tail first fssize ind
	for v in 1 2; do
		img="$BATS_FILE_TMPDIR/ufs$v.img"
		big=$(field "$img" '$1 == "i" && $8 == 5000000 { print $2 }')
		tail=$(field "$img" '$1 == "i" && $8 == 3000 { print $2 }')
		first=$(field "$img" '$1 == "d" && $2 == '"$big"' && $3 == 0 { print $4 }')
		ind=$(field "$img" '$1 == "d" && $2 == '"$big"' && $3 == 0 { print $4 + 96 }')
		fssize=$(field "$img" 'NR == 1 { sub(/.* fssize=/, ""); sub(/ .*/, ""); print }')
		# a full block one fragment off its boundary
		badptr "$img" "$v" "$big" 1 $((first + 9))
		[ "$ST" = "2 2 0" ]
		[[ "$ERR" == "dscan: $T/img: inode $big: block 1 at fragment $((first + 9)) is not on a block boundary (a block is 8 fragments); dumped as zeros"$'\n'* ]]
		# a tail of six fragments that starts four into a block
		badptr "$img" "$v" "$tail" 0 $((first + 4))
		[ "$ST" = "2 2 0" ]
		[[ "$ERR" == "dscan: $T/img: inode $tail: block 0 at fragment $((first + 4)) crosses a block boundary with its 6 fragments (a block is 8 fragments); dumped as zeros"$'\n'* ]]
		# that tail three fragments before the end of the file system
		badptr "$img" "$v" "$tail" 0 $((fssize - 3))
		[ "$ST" = "2 2 0" ]
		[[ "$ERR" == "dscan: $T/img: inode $tail: block 0 at fragment $((fssize - 3)) runs past the end of the file system with its 6 fragments ($fssize fragments); dumped as zeros"$'\n'* ]]
		# and at the end exactly: outside
		badptr "$img" "$v" "$tail" 0 "$fssize"
		[[ "$ERR" == "dscan: $T/img: inode $tail: block 0 at fragment $fssize lies outside the file system ($fssize fragments); dumped as zeros"$'\n'* ]]
		# the single indirect block one fragment off its boundary
		badptr "$img" "$v" "$big" 12 $((ind + 1))
		[ "$ST" = "2 2 0" ]
		[[ "$ERR" == "dscan: $T/img: inode $big: indirect block at fragment $((ind + 1)) (level 1, logical block 12) is not on a block boundary (a block is 8 fragments); its blocks are dumped as zeros"$'\n'* ]]
	done
}

@test "a size beyond what the block pointers address is damage: named, not dumped, bounded" {
	local v ino
	for v in 1 2; do
		cp "$BATS_FILE_TMPDIR/ufs$v.img" "$T/img"
		ino=$(field "$T/img" '$1 == "i" && $8 == 6 { print $2 }')
		# di_size 2^62: walked as a hole, 2^43 dump headers
		put64 "$T/img" "$(sizeoff "$T/img" "$v" "$ino")" 4000000000000000
		damaged "$T/img"
		[ "$ST" = "2 2 0" ]
		[ "${ERR%%$'\n'*}" = "dscan: $T/img: inode $ino: size beyond the bytes that 12 direct blocks and 3 levels of indirect blocks address (mode 0100644, size 4611686018427387904); not dumped" ]
		# and its name, which the tree check leaves out
		[[ "$ERR" == *$'\n'"dscan: $T/img: directory inode 2: entry at offset "*": names inode $ino, which is not in use (free, or left out as damaged); left out of the dump (/small)"$'\n'* ]]
		[[ "$ERR" == *$'\n'"dblkread: 0 unreadable or damaged blocks here, 2 errors reported by the scan; the dump is complete but not faithful" ]]
		# -z 0 (dump sparse files of any size) does not let it through
		run -2 --separate-stderr sh -c "dscan -q -z 0 '$T/img' >'$T/rec'"
		[ "${stderr_lines[0]}" = "dscan: $T/img: inode $ino: size beyond the bytes that 12 direct blocks and 3 levels of indirect blocks address (mode 0100644, size 4611686018427387904); not dumped" ]
		[ "${stderr_lines[-1]}" = "dscan: $T/img: 2 errors; the stream is complete but damaged parts were left out or zeroed" ]
		run ! grep -q "^i $ino " "$T/rec"
	done
}

@test "a size beyond the superblock's fs_maxfilesize is damage; a senseless fs_maxfilesize is ignored" {
	local v ino sb m
	for v in 1 2; do
		cp "$BATS_FILE_TMPDIR/ufs$v.img" "$T/img"
		sb=$(sblock "$T/img")
		ino=$(field "$T/img" '$1 == "i" && $8 == 5000000 { print $2 }')
		# 4999999: the big file is one byte too long
		put64 "$T/img" $((sb + 1328)) 00000000004c4b3f
		damaged "$T/img"
		[ "$ST" = "2 2 0" ]
		[[ "$ERR" == "dscan: $T/img: inode $ino: size beyond the superblock's largest file (fs_maxfilesize) (mode 0100644, size 5000000); not dumped"$'\n'* ]]
		# 5000000: it fits
		put64 "$T/img" $((sb + 1328)) 00000000004c4b40
		damaged "$T/img"
		[ "$ST" = "0 0 0" ]
		# 0, less than the direct blocks, more than the pointers
		# address: no such file system was made, the field is ignored
		for m in 0000000000000000 000000000000bffe ffffffffffffffff; do
			put64 "$T/img" $((sb + 1328)) "$m"
			damaged "$T/img"
			[ "$ST" = "0 0 0" ]
		done
	done
}

@test "read errors: zeros for the blocks lost, each reported, the dump failed" {
	need_glibc_preload
	local img="$BATS_FILE_TMPDIR/ufs2.img" ino frag
	ino=$(field "$img" '$1 == "i" && $8 == 5000000 { print $2 }')
	frag=$(field "$img" '$1 == "d" && $2 == '"$ino"' && $3 == 0 { print $4 }')
	export LD_PRELOAD="$TOP/t/tools/bin/eomshim.so" ASAN_OPTIONS=verify_asan_link_order=0
	export READ_EIO="$img:$((frag * 512 + 1024))-$((frag * 512 + 2048))"
	run -3 dump -0u -D "$T/dd" -f "$T/d" "$img"
	# One line for the two sectors in a row, each counted.
	[[ "$output" == *"dblkread: $img: inode $ino: 1024 bytes at byte $((frag * 512 + 1024)) (fragment $((frag + 2)), file offset 1024) cannot be read; zeros written: Input/output error"* ]]
	[[ "$output" == *"dblkread: 2 unreadable or damaged blocks here"* ]]
	[[ "$output" == *"  DUMP: The dump failed: dblkread (exit status 2)"* ]]
	[[ "$output" == *"  DUMP: $T/d holds a complete dump, but the damaged parts named above are left out or zeros"* ]]
	[ ! -e "$T/dd" ]
	unset READ_EIO LD_PRELOAD
	# The rest is there, the lost blocks are zeros.
	restore_into "$T/d" "$T/out"
	cmp -n 1024 "$BATS_FILE_TMPDIR/src/big" "$T/out/big"
	[ "$(od -An -v -tx1 -j 1024 -N 1024 "$T/out/big" | tr -d " \n0")" = "" ]
	cmp -i 2048 "$BATS_FILE_TMPDIR/src/big" "$T/out/big"
}

@test "more than -I read errors: with no one to ask the dump stops, -I 0 goes on" {
	need_glibc_preload
	local img="$BATS_FILE_TMPDIR/ufs2.img" ino frag
	ino=$(field "$img" '$1 == "i" && $8 == 5000000 { print $2 }')
	frag=$(field "$img" '$1 == "d" && $2 == '"$ino"' && $3 == 0 { print $4 }')
	export LD_PRELOAD="$TOP/t/tools/bin/eomshim.so" ASAN_OPTIONS=verify_asan_link_order=0
	# 40 fragments in a row.
	export READ_EIO="$img:$((frag * 512))-$((frag * 512 + 20480))"
	run -3 setsid dump -0 -f "$T/d" "$img"
	[[ "$output" == *"dblkread: $img: giving up after 33 unreadable blocks (no terminal to ask; -I sets the limit, 0 for none); the dump stream is incomplete (no TS_END)"* ]]
	[[ "$output" == *"  DUMP: dblkread could not write the dump stream, ran out of memory or gave up on an unreadable device"* ]]
	run -3 setsid dump -0 -I 0 -f "$T/d" "$img"
	[[ "$output" == *"dblkread: 40 unreadable or damaged blocks here"* ]]
	run -3 setsid dump -0 -I 50 -f "$T/d" "$img"
	[[ "$output" == *"dblkread: 40 unreadable or damaged blocks here"* ]]
}

@test "an unreadable inode block is reported with its inodes, the others dumped" {
	need_glibc_preload
	local img="$BATS_FILE_TMPDIR/ufs1.img" base
	base=$(iblock "$img" 0 128)
	export LD_PRELOAD="$TOP/t/tools/bin/eomshim.so" ASAN_OPTIONS=verify_asan_link_order=0
	# The second block of inodes (32 to 63 with 128-byte inodes).
	export READ_EIO="$img:$((base + 4096))-$((base + 8192))"
	run -2 --separate-stderr dscan -q "$img"
	[[ "$stderr" == *"dscan: $img: inodes 32 to 63 (cylinder group 0, 4096 bytes at byte $((base + 4096))): cannot read; they are not dumped: Input/output error"* ]]
	# Reported and counted once, however often the window is read.
	[ "$(grep -c 'cannot read' <<<"$stderr")" = 1 ]
	[ "${lines[-1]%% *}" = end ]
}

# stalled SIGNAL WHOM: start a dump to a FIFO no one reads, in a process
# group of its own, and send SIGNAL to WHOM (dump, or a stage's name)
# once every stage runs.  A signal to dump stops everything while the
# FIFO is still open; one to a stage ends that stage, and the rest once
# the FIFO's reader is gone (writers stalled on it cannot end sooner).
# Then nothing of the group may be left, and dumpdates is untouched.
stalled() {
	local sig=$1 whom=$2 pid watchdog
	mkfifo "$T/fifo"
	# (A suite started in the background begins with SIGINT ignored,
	# which no shell can trap: give the dump its signals back.)
	in_group sigdefault dump -0u -D "$T/dd" -f "$T/fifo" \
	    "$BATS_FILE_TMPDIR/lots.img" >"$T/out" 2>&1
	# A reader that reads nothing, opened after the start so that the
	# dump does not inherit it: the dump stalls.
	exec 9<>"$T/fifo"
	wait_until 60 all_stages "$PGID"
	# A bound, not a delay: a stage that does not stop hangs the dump.
	# (Not holding the FIFO: a reader left would stall the writers.)
	pid=$PGID
	in_group sh -c 'sleep 60; kill -s KILL -- "-$1"' sh "$pid" 9<&- 2>/dev/null
	watchdog=$PGID
	PGID=$pid
	if [ "$whom" != dump ]; then
		pid=$(in_group_pid "$PGID" "$whom")
		# Not before its main() has begun: until then the stage
		# ignores SIGINT, as a background job does (dtapewr's
		# handlers come at the same point).
		wait_until 60 heeds "$pid" 2
	fi
	kill "-$sig" "$pid"
	if [ "$whom" != dump ]; then
		wait_until 60 gone "$pid"
		exec 9<&-
	fi
	wait "$PGID" && return 1
	WAITED=$?
	kill -- "-$watchdog" 2>/dev/null || true
	if wait "$watchdog"; then	# it ran to its end: it killed the dump
		echo "stalled: SIG$sig to $whom: the dump hung" >&2
		return 1
	fi
	exec 9<&-
	OUT=$(cat "$T/out")
	# shown if the test fails
	printf 'dump exited %s after SIG%s to %s:\n%s\n' "$WAITED" "$sig" "$whom" "$OUT" >&2
	if group_left "$PGID"; then
		echo "stalled: left behind after SIG$sig to $whom (above)" >&2
		return 1
	fi
	[ ! -e "$T/dd" ]
	rm "$T/fifo"
}

@test "SIGTERM or SIGINT to dump stops every stage at once, dumpdates untouched" {
	stalled TERM dump
	[ "$WAITED" = 143 ]
	[[ "$OUT" == *"  DUMP: Interrupted: $T/fifo does not hold a complete dump"* ]]
	stalled INT dump
	[ "$WAITED" = 130 ]
}

@test "a signal to any one stage stops the whole pipeline, no writer left behind" {
	local s
	for s in dscan dblkread dtapewr; do
		for sig in TERM INT; do
			stalled "$sig" "$s"
			[ "$WAITED" = 3 ]
			[[ "$OUT" == *"  DUMP: The dump failed:"* ]]
			# as 128 + N under every shell (yash's own is 384 + N)
			[[ "$OUT" == *" $s (killed by signal "* ]]
		done
	done
}

# runs_dump PID: PID is a shell running bin/dump (its own #! line's, or
# DUMP_SH's), no longer what started it.
runs_dump() {
	case $(ps -o args= -p "$1") in
	*/bin/dump\ *) ;;
	*) return 1 ;;
	esac
}

@test "a signal at the very start stops dump, every stage it began and its cleanup, ten times over" {
	local i pid watchdog st
	# No reader: the dump cannot end by itself, only by the signal.
	mkfifo "$T/fifo"
	mkdir "$T/tmp"
	export TMPDIR=$T/tmp
	for i in 1 2 3 4 5 6 7 8 9 10; do
		in_group sigdefault dump -0 -f "$T/fifo" \
		    "$BATS_FILE_TMPDIR/lots.img" >"$T/out" 2>&1
		pid=$PGID
		# A bound, not a delay: a stage missed by stop() hangs the dump.
		# (Before it kills, it keeps what the group was doing, and the
		# dump shell's signal masks where /proc has them.)
		in_group sh -c 'sleep 60
		    ps -o pid=,ppid=,stat=,wchan=,args= -p "$(pgrep -d, -g "$1")" >"$2"
		    grep -H "^Sig" "/proc/$1/status" >>"$2" 2>/dev/null
		    kill -s KILL -- "-$1"' sh "$pid" "$T/hung" 2>/dev/null
		watchdog=$PGID
		# As soon as the shell runs the script (not sooner: bats' own
		# copy of itself before the exec would take the signal): it
		# lands anywhere in dump's start, before, between or after the
		# stages' pids are noted.
		wait_until 60 runs_dump "$pid"
		kill -TERM "$pid"
		st=0
		wait "$pid" || st=$?
		kill -- "-$watchdog" 2>/dev/null || true
		if wait "$watchdog"; then
			echo "run $i: the dump hung: $(cat "$T/out")" >&2
			echo "what its group was doing then:" >&2
			cat "$T/hung" >&2
			return 1
		fi
		[ "$st" = 143 ]
		if group_left "$pid"; then
			echo "run $i: left behind (above)" >&2
			return 1
		fi
		# nor its temporary directory
		[ "$(ls -A "$T/tmp")" = "" ]
	done
}

@test "a reader that goes away stops the pipeline with SIGPIPE, nothing left behind" {
	in_group sh -c "dump -0 -f - '$BATS_FILE_TMPDIR/ufs2.img' 2>'$T/err' | head -c 5000 >/dev/null"
	wait "$PGID"
	# dump waits for its stages, and dtapewr for its writers: nothing
	# may be left once the pipeline has ended.
	run ! group_left "$PGID"
	run cat "$T/err"
	[[ "$output" == *"  DUMP: The dump failed:"* ]]
}
