# The hand-off (dumptape(5)): dblkread -H passes the dump stream to
# dtapewr -H in a shared file, the pipe between them carrying notices of
# 24 bytes.  The same bytes must come out as through the pipe; a reader
# that goes away must end the writer at once; every malformed notice
# must end the reader with its name, never with files silently missing.

load helper

setup_file() {
	local src=$BATS_FILE_TMPDIR/src
	# 10 MB of data and more: three buffers of 4 MiB, so that a file
	# holds every notice without anyone giving a buffer back.
	mkdir -p "$src"
	bigfile "$src/big" $((10 * 1024 * 1024))
	echo small >"$src/small"
	mkdir "$src/dir"
	ln -s ../small "$src/dir/link"
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR mkimage "$src" \
	    "$BATS_FILE_TMPDIR/img" 2 8192 1024
	dscan -q "$BATS_FILE_TMPDIR/img" >"$BATS_FILE_TMPDIR/small.rec"
	# dblkread hands off only a stream estimated at 16 MiB or more: say
	# 20 MB (the estimate goes into TS_TAPE, so every stream here is
	# made from this one).
	sed '1s/ blocks=[0-9]*/ blocks=20000/' "$BATS_FILE_TMPDIR/small.rec" \
	    >"$BATS_FILE_TMPDIR/rec"
	dblkread <"$BATS_FILE_TMPDIR/rec" >"$BATS_FILE_TMPDIR/stream"
	# The whole hand-off in two files: the notices, and the shared file.
	dblkread -H 7 <"$BATS_FILE_TMPDIR/rec" >"$BATS_FILE_TMPDIR/notices" \
	    7<>"$BATS_FILE_TMPDIR/shared"
	# A large stream: more buffers than the file holds, over and over.
	mkdir "$BATS_FILE_TMPDIR/large"
	bigfile "$BATS_FILE_TMPDIR/large/a" $((40 * 1024 * 1024))
	bigfile "$BATS_FILE_TMPDIR/large/b" $((3 * 1024 * 1024 + 5000))
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR mkimage "$BATS_FILE_TMPDIR/large" \
	    "$BATS_FILE_TMPDIR/large.img" 2 16384 2048
	dscan -q "$BATS_FILE_TMPDIR/large.img" >"$BATS_FILE_TMPDIR/large.rec"
}

setup() {
	T=$BATS_TEST_TMPDIR
	F=$BATS_FILE_TMPDIR
}

# notice N FILE: the bytes of notice N (from 0) of FILE in hex, one
# "xx" a byte, as od gives them.
notice() {
	od -An -v -tx1 -j $(($1 * 24)) -N 24 "$2" | tr -s ' \n' '  '
}

# poke FILE OFFSET BYTES: write BYTES (printf's escapes) at OFFSET of
# FILE, in place.
poke() {
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

@test "dblkread -H hands the stream to dtapewr -H: the same volumes as through the pipe, only notices in the pipe" {
	local n
	run -0 sh -c "dtapewr -b 32 -f '$T/ref' <'$F/stream' 2>/dev/null"
	# The notices as they cross the pipe, copied on their way.
	run -0 sh -c "dblkread -H 7 <'$F/rec' 7<>'$T/shared' | tee '$T/pipe' |
	    dtapewr -H 7 -b 32 -f '$T/ho' 7<>'$T/shared' 2>/dev/null"
	cmp "$T/ref" "$T/ho"
	n=$(wc -c <"$T/pipe")
	[ $((n % 24)) = 0 ]
	[ "$n" -ge 72 ] && [ "$n" -le 240 ]
	# Every notice begins "dhof"; the first names buffer 0.
	[[ "$(notice 0 "$T/pipe")" == " 64 68 6f 66 "* ]]
	# Read back from the two files, at other block sizes too.
	for b in 1 10 64; do
		dtapewr -b "$b" -f "$T/ref$b" <"$F/stream" 2>/dev/null
		dtapewr -H 7 -b "$b" -f "$T/ho$b" <"$F/notices" 7<>"$F/shared" 2>/dev/null
		cmp "$T/ref$b" "$T/ho$b"
	done
	restore_into "$T/ho" "$T/out"
	same_tree "$F/src" "$T/out" -p s
}

@test "a stream of many buffers goes round the hand-off's file and comes out whole, into a file and into a pipe" {
	dblkread <"$F/large.rec" | dtapewr -b 64 -f "$T/ref" 2>/dev/null
	dblkread -H 7 <"$F/large.rec" 7<>"$T/shared" |
	    dtapewr -H 7 -b 64 -f "$T/ho" 7<>"$T/shared" 2>/dev/null
	cmp "$T/ref" "$T/ho"
	dblkread -H 7 <"$F/large.rec" 7<>"$T/shared" |
	    dtapewr -H 7 -b 64 -f - 7<>"$T/shared" 2>/dev/null | cmp "$T/ref" -
	# A slow reader: the writer waits for buffers, again and again.
	dblkread -H 7 <"$F/large.rec" 7<>"$T/shared" |
	    dtapewr -H 7 -b 64 -f - 7<>"$T/shared" 2>/dev/null |
	    dd bs=65536 status=none | cmp "$T/ref" -
}

@test "dump hands the stream over where uname is not Linux, into every output; DUMP_HANDOFF=1 everywhere, 0 nowhere" {
	local h
	need_strace
	# DUMP_HANDOFF=1: into a file, a command and stdout.
	run -0 strace -f -qq -s 4096 -e trace=execve -o "$T/file.tr" \
	    env DUMP_HANDOFF=1 dump -0 -r -f "$T/d" "$F/large.img"
	grep -q 'dblkread", \["dblkread", "-S", "-r", "-H", "7"\]' "$T/file.tr"
	grep -q 'dtapewr", \["dtapewr", "-f", "'"$T"'/d", "-H", "7", "-Z"\]' "$T/file.tr"
	restore_into "$T/d" "$T/out"
	same_tree "$F/large" "$T/out" -p s
	run -0 strace -f -qq -s 4096 -e trace=execve -o "$T/pipe.tr" \
	    env DUMP_HANDOFF=1 dump -0 -r -P "cat >'$T/p'" "$F/large.img"
	grep -q '"dtapewr", "-P", .*"-H", "7"' "$T/pipe.tr"
	cmp "$T/d" "$T/p"
	run -0 strace -f -qq -s 4096 -e trace=execve -o "$T/out.tr" \
	    sh -c "DUMP_HANDOFF=1 dump -0 -r -f - '$F/large.img' >'$T/o'"
	grep -q '"dtapewr", "-f", "-", "-H", "7"' "$T/out.tr"
	cmp "$T/d" "$T/o"
	# 0: none.
	run -0 strace -f -qq -s 4096 -e trace=execve -o "$T/zero.tr" \
	    env DUMP_HANDOFF=0 dump -0 -r -f "$T/d0" "$F/large.img"
	run ! grep -q '"-H"' "$T/zero.tr"
	cmp "$T/d" "$T/d0"
	# Unset: by uname.
	run -0 strace -f -qq -s 4096 -e trace=execve -o "$T/unset.tr" \
	    env -u DUMP_HANDOFF dump -0 -r -f "$T/du" "$F/large.img"
	h=1
	grep -q '"-H"' "$T/unset.tr" || h=
	if [ "$(uname -s)" = Linux ]; then [ -z "$h" ]; else [ -n "$h" ]; fi
	cmp "$T/d" "$T/du"
}

@test "a stream estimated to fit in the hand-off's buffers goes through the pipe, without a word" {
	dblkread <"$F/small.rec" >"$T/ref"
	run -0 --separate-stderr sh -c "dblkread -H 7 <'$F/small.rec' 7<>'$T/shared' |
	    tee '$T/pipe' | dtapewr -H 7 -f '$T/out' 7<>'$T/shared' 2>/dev/null"
	[ -z "$stderr" ]
	cmp "$T/ref" "$T/pipe"
	# At 16 MiB it hands off.
	sed '1s/ blocks=[0-9]*/ blocks=16384/' "$F/small.rec" >"$T/rec"
	dblkread -H 7 <"$T/rec" 7<>"$T/shared" | tee "$T/pipe2" |
	    dtapewr -H 7 -f "$T/out2" 7<>"$T/shared" 2>/dev/null
	[ "$(wc -c <"$T/pipe2")" -lt 1000 ]
	sed '1s/ blocks=[0-9]*/ blocks=16383/' "$F/small.rec" >"$T/rec"
	dblkread -H 7 <"$T/rec" 7<>"$T/shared" | tee "$T/pipe3" |
	    dtapewr -H 7 -f "$T/out3" 7<>"$T/shared" 2>/dev/null
	[ "$(wc -c <"$T/pipe3")" -gt 1000000 ]
}

@test "a reader gone while dblkread waits for a buffer ends it by SIGPIPE at once, and a buffer given back is filled again" {
	local pid le n kind
	mkfifo "$T/fifo"
	dblkread -H 7 <"$F/large.rec" >"$T/fifo" 7<>"$T/shared" &
	pid=$!
	exec 5<"$T/fifo"
	# Four buffers, four notices: then dblkread waits for the first back.
	for n in 0 1 2 3; do
		dd bs=24 count=1 status=none <&5 >"$T/n$n"
		[ "$(wc -c <"$T/n$n")" = 24 ]
		[[ "$(notice 0 "$T/n$n")" == " 64 68 6f 66 "* ]]
	done
	# Give back buffer 0 as the reader does: the 32-bit count at byte
	# 64, in the host's byte order.
	le=$(printf '\001\000' | od -An -tu2 | tr -d ' ')
	if [ "$le" = 1 ]; then
		poke "$T/shared" 64 '\001\000\000\000'
	else
		poke "$T/shared" 64 '\000\000\000\001'
	fi
	# The next buffer's notice comes (after notices of nothing, kind 2,
	# if the wait was long), with no word in the pipe to wake it.
	kind=2
	while [ "$kind" = 2 ]; do
		dd bs=24 count=1 status=none <&5 >"$T/n4"
		[ "$(wc -c <"$T/n4")" = 24 ]
		set -- $(notice 0 "$T/n4")
		kind=$((16#$5 + 16#$6 + 16#$7 + 16#$8))
		# its number: 4 (a notice of nothing carries it too)
		[ $((16#$9 + 16#${10} + 16#${11} + 16#${12} + 16#${13} + 16#${14} + 16#${15} + 16#${16})) = 4 ]
	done
	[ "$kind" = 1 ]
	# The reader goes: dblkread, waiting for buffer 1, ends at once.
	exec 5<&-
	wait_until 60 gone "$pid"
	run wait "$pid"
	[ "$status" = 141 ]
}

@test "dblkread ending in the middle of a hand-off: dtapewr says the stream is cut short, exit 3" {
	head -c 48 "$F/notices" >"$T/cut"
	run -3 --separate-stderr dtapewr -H 7 -f "$T/out" <"$T/cut" 7<>"$F/shared"
	[[ "$stderr" == *"dtapewr: stdin: input ends after "*" records, before the dump's TS_END: the stream is cut short"* ]]
	head -c 60 "$F/notices" >"$T/cut"
	run -3 --separate-stderr dtapewr -H 7 -f "$T/out" <"$T/cut" 7<>"$F/shared"
	[[ "$stderr" == *"dtapewr: stdin: input ends inside hand-off notice 2"* ]]
}

@test "every malformed notice is refused by name, exit 3; a bad hand-off file, or a hand-off without -H, is a bad start" {
	local b
	cp "$F/notices" "$T/n"
	# notice 1's tag
	poke "$T/n" 24 'x'
	run -3 --separate-stderr dtapewr -H 7 -f "$T/out" <"$T/n" 7<>"$F/shared"
	[[ "$stderr" == *"dtapewr: stdin: hand-off notice 1 is not one"* ]]
	# its kind
	cp "$F/notices" "$T/n"
	poke "$T/n" 28 '\377\377\377\377'
	run -3 --separate-stderr dtapewr -H 7 -f "$T/out" <"$T/n" 7<>"$F/shared"
	[[ "$stderr" == *"dtapewr: stdin: hand-off notice 1 is not one"* ]]
	# its number
	cp "$F/notices" "$T/n"
	poke "$T/n" 32 '\377\377\377\377\377\377\377\377'
	run -3 --separate-stderr dtapewr -H 7 -f "$T/out" <"$T/n" 7<>"$F/shared"
	[[ "$stderr" == *"dtapewr: stdin: hand-off notice 1 names buffer 18446744073709551615 of "*" bytes (at most 4194304)"* ]]
	# its length
	cp "$F/notices" "$T/n"
	poke "$T/n" 40 '\377\377\377\377\377\377\377\377'
	run -3 --separate-stderr dtapewr -H 7 -f "$T/out" <"$T/n" 7<>"$F/shared"
	[[ "$stderr" == *"dtapewr: stdin: hand-off notice 1 names buffer 1 of 18446744073709551615 bytes (at most 4194304)"* ]]
	# the file's magic: nothing begins, no output is made
	rm "$T/out"
	cp "$F/shared" "$T/s"
	poke "$T/s" 0 'X'
	run -1 --separate-stderr dtapewr -H 7 -f "$T/out" <"$F/notices" 7<>"$T/s"
	[[ "$stderr" == *"dtapewr: stdin: the hand-off's file has no valid header"* ]]
	[ ! -e "$T/out" ]
	# a file that is no hand-off's, and no file at all
	run -1 --separate-stderr dtapewr -H 7 -f "$T/out" <"$F/notices" 7</dev/null
	[[ "$stderr" == *"dtapewr: stdin: the hand-off's file is not one"* ]]
	run -1 --separate-stderr dtapewr -H 7 -f "$T/out" <"$F/notices" 7<&-
	[[ "$stderr" == *"dtapewr: stdin: the hand-off's file: Bad file descriptor"* ]]
	# notices without -H
	run -1 --separate-stderr dtapewr -f "$T/out" <"$F/notices"
	[[ "$stderr" == *"dtapewr: stdin: the input is a hand-off (dblkread -H), and no -H names its file"* ]]
	[ ! -e "$T/out" ]
	# Nothing else was wrong: the same files give the dump.
	dtapewr -H 7 -f "$T/good" <"$F/notices" 7<>"$F/shared" 2>/dev/null
	dtapewr -f "$T/ref" <"$F/stream" 2>/dev/null
	cmp "$T/ref" "$T/good"
}

@test "where the hand-off's file cannot be made, dblkread says why once and the stream goes through the pipe" {
	dtapewr -f "$T/ref" <"$F/stream" 2>/dev/null
	# not a regular file
	run -0 --separate-stderr sh -c "dblkread -H 7 <'$F/rec' 7</dev/null |
	    dtapewr -H 7 -f '$T/a' 7</dev/null"
	[[ "$stderr" == "dblkread: -H 7: not a regular file; the stream goes through the pipe"* ]]
	cmp "$T/ref" "$T/a"
	# not open
	run -0 --separate-stderr sh -c "dblkread -H 7 <'$F/rec' 7<&- | dtapewr -f '$T/b'"
	[[ "$stderr" == "dblkread: -H 7: descriptor: Bad file descriptor; the stream goes through the pipe"* ]]
	cmp "$T/ref" "$T/b"
	# no room for it: a limit on file size stands for a full disk
	run -0 --separate-stderr sh -c "(trap '' XFSZ; ulimit -f 1024
	    exec dblkread -H 7 <'$F/rec' 7<>'$T/shared') | dtapewr -H 7 -f '$T/c' 7<>'$T/shared'"
	[[ "$stderr" == "dblkread: -H 7: write: File too large; the stream goes through the pipe"* ]]
	[ "$(grep -c '^dblkread:' <<<"$stderr")" = 1 ]
	cmp "$T/ref" "$T/c"
}

@test "volumes split by -B through the hand-off are the volumes through the pipe, and restore -M reads them back" {
	local f
	dblkread <"$F/large.rec" | dtapewr -B 9000 -M -f "$T/ref" 2>/dev/null
	dblkread -H 7 <"$F/large.rec" 7<>"$T/shared" |
	    dtapewr -H 7 -B 9000 -M -f "$T/ho" 7<>"$T/shared" 2>/dev/null
	[ -e "$T/ho005" ]
	for f in "$T"/ref0*; do
		cmp "$f" "$T/ho${f#"$T/ref"}"
	done
	[ ! -e "$T/ho$(printf %03d $(($(ls "$T"/ref0* | wc -l) + 1)))" ]
	mkdir "$T/out"
	(cd "$T/out" && restore -xaoM -f "$T/ho" </dev/null) >/dev/null 2>"$T/rerr" || {
		cat "$T/rerr" >&2
		false
	}
	same_tree "$F/large" "$T/out" -p s
}

@test "the operator asked for the next volume while dblkread waits on the hand-off: the dump goes on, the same volumes" {
	dblkread <"$F/large.rec" | dtapewr -B 20000 -M -f "$T/ref" 2>/dev/null
	[ -e "$T/ref003" ] && [ ! -e "$T/ref004" ]
	# (descriptor 8: onterminal writes the answers on 7)
	run onterminal "mv $T/one $T/w001
yes
mv $T/one $T/w002
yes" "dblkread -H 8 <$F/large.rec 8<>$T/shared | dtapewr -H 8 -B 20000 -f $T/one 8<>$T/shared; echo exit \$?"
	run cat "$T/tty.out"
	[[ "$output" == *"  DUMP: Change Volumes: Mount volume #3"* ]]
	[[ "$output" == *"exit 0"* ]]
	mv "$T/one" "$T/w003"
	cmp "$T/ref001" "$T/w001"
	cmp "$T/ref002" "$T/w002"
	cmp "$T/ref003" "$T/w003"
}

# sleeping PID: the process PID waits (in a system call), not running.
sleeping() {
	[[ "$(ps -o stat= -p "$1")" == S* ]]
}

@test "a stop signal while dtapewr waits for the rest of its first bytes ends it at once" {
	local pid
	mkfifo "$T/in"
	dtapewr -H 7 -f "$T/out" <"$T/in" 7<>"$T/shared" 2>"$T/err" &
	pid=$!
	exec 5>"$T/in"
	# Fewer bytes than a notice: dtapewr cannot yet tell what it reads.
	printf 'dhof12345' >&5
	# Its handlers in place, then waiting for more.
	wait_until 60 catches "$pid" 15
	wait_until 60 sleeping "$pid"
	kill -TERM "$pid"
	# A bound, not a delay: a read that goes on after the signal hangs.
	wait_until 60 gone "$pid"
	exec 5>&-
	run wait "$pid"
	[ "$status" = 143 ]
	[ ! -e "$T/out" ]
}
