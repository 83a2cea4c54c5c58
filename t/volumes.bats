# Volumes: splits by size (-B, -s/-d/-c), end of media anywhere and the
# rollforward of what was in flight, the operator's prompts, -P, and
# write errors; each proven by restoring every split.

load helper

setup_file() {
	local src="$BATS_FILE_TMPDIR/src" i
	export EOMSHIM="$TOP/t/tools/bin/eomshim.so"
	# A few megabytes: directories first, files of many sizes, runs of
	# empty files (header after header), links and specials, and maps of
	# several records (more than 16384 inodes).
	mkdir -p "$src/a/b/c" "$src/d" "$src/empty"
	for i in $(seq 1 60); do
		head -c $(((i * 7919) % 100000)) /dev/urandom >"$src/d/f$i"
	done
	for i in $(seq 1 40); do
		: >"$src/empty/e$i"
	done
	echo deep >"$src/a/b/c/leaf"
	ln -s ../d/f1 "$src/a/link"
	ln "$src/d/f2" "$src/a/hard"
	mkfifo "$src/a/fifo"
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR mkimage "$src" \
	    "$BATS_FILE_TMPDIR/img" 2 8192 1024 -M 24m -o density=1024
	dscan -q "$BATS_FILE_TMPDIR/img" | dblkread >"$BATS_FILE_TMPDIR/in.dump"
	fsdesc -p s "$src" >"$BATS_FILE_TMPDIR/want"
}

setup() {
	D=$BATS_FILE_TMPDIR
	IN=$D/in.dump
	export ASAN_OPTIONS=verify_asan_link_order=0
}

@test "the stream is several megabytes with maps of several records" {
	[ "$(stat -c %s "$IN")" -gt 2000000 ]
	run -0 dumpinfo "$IN"
	[[ "${lines[1]}" =~ ^clri\ count=([3-9]|[1-9][0-9]+)$ ]]
}

@test "end of media at every record of the first two ring cycles, and later, restores exactly" {
	local recs b n k max style i=0
	local -A seen
	recs=$(($(stat -c %s "$IN") / 1024))
	for b in 1 10 32 64; do
		for n in 1 3 8; do
			max=$((2 * n * b))
			seen=()
			for k in $(seq 1 "$max") $((max * 3)) $((max * 7 + 1)) \
			    $((recs / 2)) $((recs - 3)) $((recs - 2)) $((recs - 1)); do
				case $((i++ % 3)) in
				0) style=zero ;;
				1) style=short ;;
				2) style=enospc ;;
				esac
				# zero and enospc fail the whole write of b
				# records that crosses the end: every k of one
				# block is the same case, run once.  short
				# writes what fits, so each k is its own.
				if [ "$style" != short ]; then
					[ -z "${seen[$style $((k / b))]-}" ] || continue
					seen[$style $((k / b))]=1
				fi
				echo "$D $b $n $k $style"
			done
		done
	done >"$BATS_TEST_TMPDIR/cases"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/cases")" -gt 1000 ]
	xargs -P 2 -L 1 "$TOP/t/eomcase" <"$BATS_TEST_TMPDIR/cases" \
	    >"$BATS_TEST_TMPDIR/failures"
	if [ -s "$BATS_TEST_TMPDIR/failures" ]; then
		head -20 "$BATS_TEST_TMPDIR/failures" >&2
		false
	fi
}

@test "every style of end of media shows the same volumes" {
	local style
	for style in zero short enospc; do
		mkdir "$BATS_TEST_TMPDIR/$style"
		EOM_AT="$BATS_TEST_TMPDIR/$style/vol001:307200" EOM_STYLE=$style \
		    LD_PRELOAD=$EOMSHIM run -0 dtapewr -M -f "$BATS_TEST_TMPDIR/$style/vol" <"$IN"
		[ "$(stat -c %s "$BATS_TEST_TMPDIR/$style/vol001")" = 307200 ]
		[[ "$output" == *"  DUMP: End of media on volume 1 after 300 tape blocks"* ]]
		restore_vols "$BATS_TEST_TMPDIR/$style/vol"
	done
	cmp "$BATS_TEST_TMPDIR/zero/vol002" "$BATS_TEST_TMPDIR/enospc/vol002"
	cmp "$BATS_TEST_TMPDIR/zero/vol002" "$BATS_TEST_TMPDIR/short/vol002"
}

@test "a regular file that fills mid-record is cut back to its last whole record" {
	EOM_AT="$BATS_TEST_TMPDIR/vol001:307700" EOM_STYLE=short \
	    LD_PRELOAD=$EOMSHIM run -0 dtapewr -M -f "$BATS_TEST_TMPDIR/vol" <"$IN"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/vol001")" = 307200 ]
	restore_vols "$BATS_TEST_TMPDIR/vol"
}

@test "later volumes begin with a TS_TAPE that says what they continue" {
	EOM_AT="$BATS_TEST_TMPDIR/vol001:307200" EOM_STYLE=enospc \
	    LD_PRELOAD=$EOMSHIM run -0 dtapewr -M -f "$BATS_TEST_TMPDIR/vol" <"$IN"
	# dumpinfo checks that c_count is the number of records still owed,
	# and that c_tapea runs on across volumes.
	run -0 dumpinfo "$BATS_TEST_TMPDIR/vol001" "$BATS_TEST_TMPDIR/vol002"
	run -0 grep '^tape ' <<<"$output"
	[[ "${lines[1]}" == "tape vol=2 "*" flags=0x3 "*" tapea=300 firstrec=0 oldfirstrec=0" ]]
	[ "$(sed 's/.* date=\([0-9]*\) ddate=\([0-9]*\) .*/\1 \2/' <<<"${lines[0]}")" = \
	    "$(sed 's/.* date=\([0-9]*\) ddate=\([0-9]*\) .*/\1 \2/' <<<"${lines[1]}")" ]
}

@test "a volume that holds just one block still makes progress, and restores" {
	EOM_AT="$BATS_TEST_TMPDIR/vol*:10240" EOM_STYLE=enospc \
	    LD_PRELOAD=$EOMSHIM run -0 dtapewr -M -f "$BATS_TEST_TMPDIR/vol" <"$IN"
	[ "$(find "$BATS_TEST_TMPDIR" -name 'vol*' -size +10k | wc -l)" -eq 0 ]
	restore_vols "$BATS_TEST_TMPDIR/vol" -b 1
}

@test "-B splits of many sizes restore; volumes under 32 KB need restore -b" {
	local kb n want
	for kb in 10 20 31 32 100 333 1000 5000; do
		rm -f "$BATS_TEST_TMPDIR"/vol*
		run -0 dtapewr -B "$kb" -M -f "$BATS_TEST_TMPDIR/vol" <"$IN"
		want=$((kb / 10 * 10 * 1024))
		for n in "$BATS_TEST_TMPDIR"/vol*; do
			[ "$n" = "$(ls "$BATS_TEST_TMPDIR"/vol* | sort -V | tail -1)" ] ||
			    [ "$(stat -c %s "$n")" = "$want" ]
		done
		# Linux restore takes its first read of each volume for a
		# whole block of its own (-b, 32 KB by default).
		if [ "$want" -lt 32768 ]; then
			restore_vols "$BATS_TEST_TMPDIR/vol" -b 1
		else
			restore_vols "$BATS_TEST_TMPDIR/vol"
		fi
	done
	run -1 dtapewr -B 9 -M -f "$BATS_TEST_TMPDIR/vol" <"$IN"
	[ "$output" = "dtapewr: -B 9: a volume must hold at least one block of 10 KB" ]
}

@test "-s, -d and -c size volumes by dump's tape arithmetic" {
	# 0.1 inch holds 10000 bytes at 100000 bpi; a 10 KB block takes 1
	# tenth and an 8-tenth gap: a 1-foot tape (120 tenths) holds 13.
	run -0 dtapewr -s 1 -d 100000 -M -f "$BATS_TEST_TMPDIR/vol" <"$IN"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/vol001")" = $((13 * 10240)) ]
	restore_vols "$BATS_TEST_TMPDIR/vol"
	# A cartridge: a 16-tenth stop per block, 120 / 17 = 7 blocks.
	rm -f "$BATS_TEST_TMPDIR"/vol*
	run -0 dtapewr -c -s 1 -d 100000 -M -f "$BATS_TEST_TMPDIR/vol" <"$IN"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/vol001")" = $((7 * 10240)) ]
	# -a: to the end of the media whatever -s says.
	rm -f "$BATS_TEST_TMPDIR"/vol*
	run -0 dtapewr -a -s 1 -d 100000 -M -f "$BATS_TEST_TMPDIR/vol" <"$IN"
	[ ! -e "$BATS_TEST_TMPDIR/vol002" ]
}

@test "a list of -f names is used in turn" {
	run -0 dtapewr -B 1000 -f "$BATS_TEST_TMPDIR/x001,$BATS_TEST_TMPDIR/x002,$BATS_TEST_TMPDIR/x003" <"$IN"
	[ -s "$BATS_TEST_TMPDIR/x003" ]
	restore_vols "$BATS_TEST_TMPDIR/x"
}

@test "-P runs the command for each volume with DUMP_VOLUME set" {
	run -0 dtapewr -B 1000 -P "cat >'$BATS_TEST_TMPDIR'/p\$DUMP_VOLUME; echo \$DUMP_VOLUME >>'$BATS_TEST_TMPDIR/log'" <"$IN"
	n=$(ls "$BATS_TEST_TMPDIR"/p* | wc -l)
	[ "$n" -ge 3 ]
	[ "$(cat "$BATS_TEST_TMPDIR/log")" = "$(seq 1 "$n")" ]
	for i in $(seq 1 "$n"); do
		mv "$BATS_TEST_TMPDIR/p$i" "$BATS_TEST_TMPDIR/$(printf 'v%03d' "$i")"
	done
	restore_vols "$BATS_TEST_TMPDIR/v"
}

@test "-P: a command that fails fails the dump" {
	run -4 dtapewr -B 1000 -P 'cat >/dev/null; exit 7' <"$IN"
	[[ "$output" == *"-P command for volume 1 exited with status 7"* ]]
}

@test "with no terminal and no -P, a needed volume fails clearly instead of hanging" {
	run -4 timeout 20 setsid dtapewr -B 1000 -f "$BATS_TEST_TMPDIR/only" <"$IN"
	[[ "$output" == *"  DUMP: Change Volumes: Mount volume #2"* ]]
	[[ "$output" == *"dtapewr: volume 2 is needed and no one can be asked for it: no terminal; name more volumes with -f or -M, or write them with -P"* ]]
}

@test "output to a pipe or stdout never changes volume" {
	run -0 sh -c "dtapewr -B 100 -f - <'$IN' >'$BATS_TEST_TMPDIR/all'"
	cmp -n "$(stat -c %s "$IN")" "$IN" "$BATS_TEST_TMPDIR/all"
}

@test "on a terminal the operator is asked for each new volume and may abort" {
	local t=$BATS_TEST_TMPDIR
	# Volume 2 comes; for volume 3 the operator gives up.
	run onterminal "mv $t/one $t/vol001
yes
mv $t/one $t/vol002
no
yes" "dtapewr -B 1000 -f $t/one <$IN; echo exit \$?"
	run cat "$t/tty.out"
	[[ "$output" == *"  DUMP: Change Volumes: Mount volume #2"* ]]
	[[ "$output" == *'  DUMP: Is the new volume mounted and ready to go? ("yes" or "no")'* ]]
	[[ "$output" == *"  DUMP: Change Volumes: Mount volume #3"* ]]
	[[ "$output" == *'  DUMP: Do you want to abort? ("yes" or "no")'* ]]
	[[ "$output" == *"exit 5"* ]]
	# Not giving up: asked again, then it goes on to the end.
	rm -f "$t"/one "$t"/vol*
	run onterminal "mv $t/one $t/w001
yes
mv $t/one $t/w002
no
no
yes" "dtapewr -B 1000 -f $t/one <$IN; echo exit \$?"
	run cat "$t/tty.out"
	[[ "$output" == *"exit 0"* ]]
	mv "$t/one" "$t/w003"
	restore_vols "$t/w"
}

@test "SIGUSR1 while the operator is asked prints the progress line, and the question still waits" {
	local t=$BATS_TEST_TMPDIR
	run onterminal "mv $t/one $t/w001
kill -USR1 \$(cat $t/pid)
yes
mv $t/one $t/w002
yes" "sh -c 'echo \$\$ >$t/pid; exec dtapewr -B 1000 -f $t/one' <$IN; echo exit \$?"
	run cat "$t/tty.out"
	[[ "$output" =~ \ \ DUMP:\ ([0-9.]+%\ done,|[0-9]+\ tape\ blocks\ written)\ .*\(volume\ 1, ]]
	[[ "$output" == *"exit 0"* ]]
	mv "$t/one" "$t/w003"
	restore_vols "$t/w"
}

@test "a write error that is not end of media offers a rewrite of the volume on a terminal" {
	local t=$BATS_TEST_TMPDIR
	# The volumes are tapes (character devices, to fstat).
	run onterminal "yes
yes" "EOM_TAPE=$t/vol EOM_AT=$t/vol002:50000 EOM_STYLE=eio EOM_ONCE=$t/once LD_PRELOAD=$EOMSHIM dtapewr -B 1000 -M -f $t/vol <$IN; echo exit \$?"
	run cat "$t/tty.out"
	[[ "$output" == *"  DUMP: write error on volume 2 ($t/vol002) at block "*": $(eio_text)"* ]]
	[[ "$output" == *'  DUMP: Do you want to rewrite this volume from its start? ("yes" or "no")'* ]]
	[[ "$output" == *"exit 0"* ]]
	restore_vols "$t/vol"
}

# interminal CMD: run CMD on a terminal that answers nothing, its
# output in tty.out.
interminal() {
	local pid
	mkfifo "$BATS_TEST_TMPDIR/tty.in"
	script -q -c "$1" /dev/null <"$BATS_TEST_TMPDIR/tty.in" 3>&- \
	    >"$BATS_TEST_TMPDIR/tty.out" 2>&1 &
	pid=$!
	exec 7>"$BATS_TEST_TMPDIR/tty.in"
	wait "$pid"
	exec 7>&-
}

@test "on a terminal, a file (no tape) gets no copy for a rewrite: a write error ends the dump" {
	local t=$BATS_TEST_TMPDIR
	interminal "EOM_AT=$t/vol002:50000 EOM_STYLE=eio LD_PRELOAD=$EOMSHIM dtapewr -B 1000 -M -f $t/vol <$IN; echo exit \$?"
	run cat "$t/tty.out"
	[[ "$output" == *"dtapewr: $t/vol002: write error: Input/output error; no copy of the volume to rewrite it from, so the dump ends here"* ]]
	[[ "$output" != *"rewrite this volume"* ]]
	[[ "$output" == *"exit 4"* ]]
}

@test "the copy of a tape volume for a rewrite takes at most half the room free in TMPDIR" {
	local t=$BATS_TEST_TMPDIR
	mkdir "$t/small"
	mount -t tmpfs -o size=1m tmpfs "$t/small" 2>/dev/null ||
	    skip "cannot mount a tmpfs of 1 MB (needs Linux and root)"
	interminal "TMPDIR=$t/small EOM_TAPE=$t/vol EOM_AT=$t/vol001:1500000 EOM_STYLE=eio LD_PRELOAD=$EOMSHIM dtapewr -M -f $t/vol <$IN; echo exit \$?"
	umount "$t/small"
	run cat "$t/tty.out"
	[[ "$output" == *"  DUMP: no copy of volume 1 is kept for a rewrite (it would pass 512 KB, half the room free in TMPDIR): a write error will end the dump"* ]]
	[[ "$output" == *"no copy of the volume to rewrite it from, so the dump ends here"* ]]
	[[ "$output" == *"exit 4"* ]]
}

@test "a write error with no one to ask ends the dump clearly" {
	need_glibc_preload
	EOM_AT="$BATS_TEST_TMPDIR/vol001:50000" EOM_STYLE=eio \
	    LD_PRELOAD=$EOMSHIM run -4 setsid dtapewr -M -f "$BATS_TEST_TMPDIR/vol" <"$IN"
	[[ "$output" == *"dtapewr: $BATS_TEST_TMPDIR/vol001: write error: Input/output error; no copy of the volume to rewrite it from, so the dump ends here"* ]]
}

# asked_progress PID LINE: send SIGUSR1 to PID; true once its stderr
# holds a line that matches the extended regular expression LINE.
asked_progress() {
	kill -USR1 "$1"
	grep -Eq "$2" "$BATS_TEST_TMPDIR/err"
}

# read_until_progress FD LINE: read a little from FD; true once stderr
# holds a line that matches LINE.
read_until_progress() {
	head -c 4096 <&"$1" >/dev/null
	grep -Eq "$2" "$BATS_TEST_TMPDIR/err"
}

@test "progress lines give percent done, volume, rate and expected finish" {
	local pid line='^  DUMP: [0-9]+\.[0-9]{2}% done, finished in [0-9]+:[0-9]{2} at [A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4} \(volume 1, [0-9]+ KBytes/sec\)$'
	# On SIGUSR1 (and SIGINFO where there is one), while the output stalls.
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	dtapewr -f "$BATS_TEST_TMPDIR/fifo" <"$IN" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	exec 8<"$BATS_TEST_TMPDIR/fifo"
	# some of it through first (writers take a batch of blocks at a
	# time), so that there is a rate; then ask until dtapewr has
	# counted blocks written (it may not have, the first time, on a busy
	# machine) and answers with a percentage
	head -c 2500000 <&8 >/dev/null
	wait_until 30 asked_progress "$pid" "$line"
	cat <&8 >/dev/null
	exec 8<&-
	wait "$pid"
	# Every -I seconds: the estimate came in the stream, from dblkread.
	# Read on slowly until a second has passed and the line comes.
	rm "$BATS_TEST_TMPDIR/fifo"
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	dtapewr -I 1 -f "$BATS_TEST_TMPDIR/fifo" <"$IN" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	exec 8<"$BATS_TEST_TMPDIR/fifo"
	head -c 2500000 <&8 >/dev/null
	wait_until 30 read_until_progress 8 "$line"
	cat <&8 >/dev/null
	exec 8<&-
	wait "$pid"
	grep -Eq "$line" "$BATS_TEST_TMPDIR/err"
}
