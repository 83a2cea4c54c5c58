# dtapewr: the ring of writers, the block size, the checks on its input.

load helper

setup() {
	need_fixture freebsd-ufs2-le.img.gz
	local img
	img=$(fixture freebsd-ufs2-le.img.gz)
	# A dump of a few MB: the fixture without its 512 GiB sparse file.
	dscan -q -t 1700000000 "$img" | without 10 | dblkread >"$BATS_TEST_TMPDIR/in"
	INLEN=$(stat -c %s "$BATS_TEST_TMPDIR/in")
}

# same_prefix OUT: OUT is the input followed by TS_END records that fill
# its last block of BS kilobytes.
same_prefix() {
	local out=$1 bs=$2 len
	len=$(stat -c %s "$out")
	[ $((len % (bs * 1024))) -eq 0 ]
	[ "$len" -ge "$INLEN" ] && [ "$len" -lt $((INLEN + bs * 1024)) ]
	cmp -n "$INLEN" "$BATS_TEST_TMPDIR/in" "$out"
	dumpinfo "$out" >/dev/null
}

@test "blocks reach the output in stream order, whatever the ring and block size" {
	local n b
	for n in 1 3 8; do
		for b in 1 10 32 64; do
			run -0 dtapewr -n "$n" -b "$b" -f "$BATS_TEST_TMPDIR/out" <"$BATS_TEST_TMPDIR/in"
			same_prefix "$BATS_TEST_TMPDIR/out" "$b"
		done
	done
}

@test "the end is padded with TS_END records numbered on, to a whole block" {
	run -0 dtapewr -b 32 -f "$BATS_TEST_TMPDIR/out" <"$BATS_TEST_TMPDIR/in"
	run -0 dumpinfo "$BATS_TEST_TMPDIR/out"
	# dumpinfo checks the numbering; the first TS_END is the only one listed.
	[[ "${lines[-1]}" == "end tapea="* ]]
	[ $(($(stat -c %s "$BATS_TEST_TMPDIR/out") % 32768)) -eq 0 ]
	tail -c 1024 "$BATS_TEST_TMPDIR/out" | od -An -t d4 -N 4 | grep -qx ' *5'
}

@test "-f - writes to stdout and says so in dump's words" {
	# (bats 1.8 trims the leading blanks of $stderr: take stderr as output)
	run -0 sh -c "dtapewr -f - <'$BATS_TEST_TMPDIR/in' 2>&1 >'$BATS_TEST_TMPDIR/out'"
	same_prefix "$BATS_TEST_TMPDIR/out" 10
	[ "${lines[0]}" = "  DUMP: $(($(stat -c %s "$BATS_TEST_TMPDIR/out") / 1024)) tape blocks" ]
	[[ "${lines[1]}" == "  DUMP: finished in "* ]]
}

@test "a file output starts and ends with BSD dump's volume and summary lines" {
	local date='[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}'
	run -0 sh -c "dtapewr -f '$BATS_TEST_TMPDIR/out' <'$BATS_TEST_TMPDIR/in' 2>&1"
	[[ "${lines[0]}" =~ ^\ \ DUMP:\ Volume\ 1\ started\ with\ block\ 1\ at:\ $date$ ]]
	[ "${lines[1]}" = "  DUMP: $(($(stat -c %s "$BATS_TEST_TMPDIR/out") / 1024)) tape blocks on 1 volume" ]
	[[ "${lines[2]}" =~ ^\ \ DUMP:\ finished\ in\ (less\ than\ a\ second|[0-9]+\ seconds,\ throughput\ [0-9]+\ KBytes/sec)$ ]]
	[ "${lines[3]}" = "  DUMP: Closing $BATS_TEST_TMPDIR/out" ]
	[[ "${lines[4]}" =~ ^\ \ DUMP:\ Volume\ 1\ completed\ at:\ $date$ ]]
	[[ "${lines[5]}" =~ ^\ \ DUMP:\ Volume\ 1\ took\ [0-9]+:[0-9]{2}:[0-9]{2}$ ]]
	[[ "${lines[6]}" =~ ^\ \ DUMP:\ Volume\ 1\ transfer\ rate:\ [0-9]+\ KB/s$ ]]
	[ "${#lines[@]}" = 7 ]
}

@test "garbage or nothing on stdin is refused with exit 1 before the output is opened" {
	head -c 100000 /dev/urandom >"$BATS_TEST_TMPDIR/noise"
	echo "an older backup" >"$BATS_TEST_TMPDIR/out"
	run -1 --separate-stderr dtapewr -f "$BATS_TEST_TMPDIR/out" <"$BATS_TEST_TMPDIR/noise"
	[ "$stderr" = "dtapewr: stdin: record 0: not a dump stream (no TS_TAPE header); nothing written" ]
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "an older backup" ]
	run -1 --separate-stderr dtapewr -f "$BATS_TEST_TMPDIR/out" </dev/null
	[ "$stderr" = "dtapewr: stdin: empty: no dump stream; nothing written" ]
	# From a pipe, an empty stream means the stage before did not start
	# and has said why: nothing more is said.
	run -1 --separate-stderr sh -c ": | dtapewr -f '$BATS_TEST_TMPDIR/out'"
	[ "$stderr" = "" ]
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "an older backup" ]
}

@test "a stream cut short, or cut inside a record, fails with exit 3" {
	head -c 204800 "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/cut"
	run -3 --separate-stderr dtapewr -f "$BATS_TEST_TMPDIR/out" <"$BATS_TEST_TMPDIR/cut"
	[ "${stderr_lines[1]}" = "dtapewr: stdin: input ends after 200 records, before the dump's TS_END: the stream is cut short" ]
	head -c 204000 "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/cut"
	run -3 --separate-stderr dtapewr -f "$BATS_TEST_TMPDIR/out" <"$BATS_TEST_TMPDIR/cut"
	[ "${stderr_lines[1]}" = "dtapewr: stdin: input ends inside record 199 (a partial record of 224 bytes)" ]
}

@test "a damaged header where one is due is refused" {
	cp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/bad"
	# Record 5 is the first file header (after TS_TAPE, TS_CLRI, its map,
	# TS_BITS and its map): spoil its checksum.
	printf '\1' | dd of="$BATS_TEST_TMPDIR/bad" bs=1 seek=$((5 * 1024 + 100)) conv=notrunc 2>/dev/null
	run -3 --separate-stderr dtapewr -f "$BATS_TEST_TMPDIR/out" <"$BATS_TEST_TMPDIR/bad"
	[ "${stderr_lines[1]}" = "dtapewr: stdin: record 5: not a dump header (bad magic or checksum) where one is due" ]
}

@test "a reader that goes away ends the dump with exit 4" {
	run -4 --separate-stderr bash -c "set -o pipefail; dtapewr -f - <'$BATS_TEST_TMPDIR/in' | head -c 10000 >/dev/null"
	[[ "${stderr_lines[0]}" == "dtapewr: standard output: write error at block "*": Broken pipe" ]]
}

@test "no writer process outlives dtapewr" {
	local sid
	# in a session of its own, so that other dumps on the machine do not count
	run -0 setsid -w sh -c 'echo $$ >"$1"; exec dtapewr -n 8 -f "$2" <"$3"' sh \
	    "$BATS_TEST_TMPDIR/sid" "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/in"
	sid=$(cat "$BATS_TEST_TMPDIR/sid")
	[ -n "$sid" ]
	run -1 pgrep -s "$sid"
}

@test "writers whose pipes cannot be made fail the start in one line, nothing left running" {
	local sid
	# 64 writers need 129 pipes: far more than 64 descriptors
	run -1 --separate-stderr setsid -w sh -c 'echo $$ >"$1"; ulimit -n 64; exec dtapewr -n 64 -f "$2" <"$3"' sh \
	    "$BATS_TEST_TMPDIR/sid" "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/in"
	[[ "$stderr" == "dtapewr: starting the writers: pipe: "* ]]
	[ "${#stderr_lines[@]}" = 1 ]
	sid=$(cat "$BATS_TEST_TMPDIR/sid")
	[ -n "$sid" ]
	run -1 pgrep -s "$sid"
}

# killwriter K SIG: start dtapewr -b 1 on a FIFO, give it the first half
# of the stream, kill its writer K (of 3) with SIG, give it the rest; the
# status of dtapewr in $rc, its stderr in err, its writers' PIDs in $w.
killwriter() {
	local k=$1 sig=$2 t=$BATS_TEST_TMPDIR pid half=$((INLEN / 2))
	dtapewr -b 1 -f "$t/out" <"$t/fifo" 2>"$t/err" 3>&- &
	pid=$!
	exec 7>"$t/fifo"
	head -c "$half" "$t/in" >&7
	# The writers are its children; forked in turn, so in PID order.
	until [ "$(pgrep -P "$pid" | wc -l)" -eq 3 ]; do
		kill -0 "$pid" || return 1
	done
	w=$(pgrep -P "$pid" | sort -n | tr '\n' ' ')
	# shellcheck disable=SC2086 # one word per PID
	set -- $w
	shift "$k"
	kill -s "$sig" "$1"
	# dtapewr may have stopped reading: then tail dies of SIGPIPE
	tail -c +$((half + 1)) "$t/in" >&7 || :
	exec 7>&-
	rc=0
	wait "$pid" || rc=$?
}

@test "a writer killed by a signal is named and ends the dump with exit 4, every time" {
	local i k sig num rc w p len
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	for i in $(seq 0 29); do
		k=$((i % 3))
		set -- KILL 9 TERM 15 HUP 1
		shift $((i % 3 * 2))
		sig=$1 num=$2
		killwriter "$k" "$sig"
		echo "run $i: writer $k, SIG$sig: exit $rc" >&2
		cat "$BATS_TEST_TMPDIR/err" >&2
		[ "$rc" -eq 4 ]
		# (dump's notes, "  DUMP: ...", aside)
		grep -v '^  DUMP: ' "$BATS_TEST_TMPDIR/err" >"$BATS_TEST_TMPDIR/msgs" || :
		[ "$(sed -n 1p "$BATS_TEST_TMPDIR/msgs")" = "dtapewr: writer $k was killed by signal $num" ]
		[[ "$(sed -n 2p "$BATS_TEST_TMPDIR/msgs")" == "dtapewr: $BATS_TEST_TMPDIR/out holds an incomplete dump (volume 1, "*" tape blocks written in all)" ]]
		[ "$(wc -l <"$BATS_TEST_TMPDIR/msgs")" -eq 2 ]
		for p in $w; do
			run ! kill -0 "$p"
		done
		# what was written is the stream's start, and nothing reads as whole
		len=$(stat -c %s "$BATS_TEST_TMPDIR/out")
		[ "$len" -lt "$INLEN" ]
		cmp -n "$len" "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/in"
		run -1 --separate-stderr dumpinfo "$BATS_TEST_TMPDIR/out"
		[[ "$stderr" == "dumpinfo: record "*": no TS_END" ]]
	done
}

# outgrows FILE: true once FILE holds more than nothing.
outgrows() {
	[ -s "$1" ]
}

@test "a signal while dtapewr waits for its input stops it by that signal, writers first, in one line" {
	local t=$BATS_TEST_TMPDIR pid rc=0 p w
	mkfifo "$t/fifo"
	dtapewr -b 1 -f "$t/out" <"$t/fifo" 2>"$t/err" 3>&- &
	pid=$!
	exec 7>"$t/fifo"
	# half the stream, then nothing: dtapewr waits for the rest
	head -c $((INLEN / 2)) "$t/in" >&7
	until [ "$(pgrep -P "$pid" | wc -l)" -eq 3 ]; do
		kill -0 "$pid"
	done
	w=$(pgrep -P "$pid")
	wait_until 30 outgrows "$t/out"
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	exec 7>&-
	cat "$t/err" >&2
	[ "$rc" = 143 ]
	run -0 grep -v '^  DUMP: ' "$t/err"
	[ "$output" = "dtapewr: $t/out: stopped by signal 15; the dump is incomplete" ]
	for p in $w; do
		run ! kill -0 "$p"
	done
}

@test "a signal before the stream begins stops dtapewr by that signal; an existing output is left as it was" {
	local t=$BATS_TEST_TMPDIR pid rc sig num
	mkfifo "$t/fifo"
	for sig in TERM INT HUP; do
		num=$(kill -l "$sig")
		echo "an older dump" >"$t/out"
		dtapewr -b 1 -f "$t/out" <"$t/fifo" 2>"$t/err" 3>&- &
		pid=$!
		# nothing written: dtapewr waits for the stream's first record
		exec 7>"$t/fifo"
		wait_until 30 catches "$pid" "$num"
		kill -s "$sig" "$pid"
		rc=0
		wait "$pid" || rc=$?
		exec 7>&-
		cat "$t/err" >&2
		[ "$rc" = $((128 + num)) ]
		[ "$(cat "$t/out")" = "an older dump" ]
		# no writer was started, none is left
		run -1 pgrep -P "$pid"
	done
}

@test "bad options print the synopsis and exit 1" {
	run -1 --separate-stderr dtapewr -b 0 -f x
	[ "$stderr" = "dtapewr: -b: \"0\" is not a number from 1 to 1024" ]
	run -1 --separate-stderr dtapewr
	[ "$stderr" = "usage: dtapewr [-acMZ] [-B kilobytes] [-b blocksize] [-d density] [-E blocks]
               [-H fd] [-I seconds] [-n writers] [-s feet] -f file[,file...] | -P command" ]
	run -1 --separate-stderr dtapewr -H 2 -f x
	[ "$stderr" = "dtapewr: -H: \"2\" is not a number from 3 to 2147483647" ]
}
