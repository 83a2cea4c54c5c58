# Remote tape: dtapewr and dump write host:file through rmt(8).  The
# remote shell is t/tools/rshlocal, which runs the command here as ssh
# would on the host; the rmt is Debian's real one, rmt-dump.  Remote
# names are relative: rmt takes names of at most 63 bytes, and the
# stand-in runs it in the test's own directory.

load helper

setup_file() {
	local src="$BATS_FILE_TMPDIR/src" i
	mkdir -p "$src/d" "$src/e/f"
	for i in $(seq 1 40); do
		head -c $(((i * 104729) % 900000)) /dev/urandom >"$src/d/f$i"
	done
	echo leaf >"$src/e/f/leaf"
	ln -s ../d/f1 "$src/e/link"
	ln "$src/d/f2" "$src/e/hard"
	mkfifo "$src/e/fifo"
	BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR mkimage "$src" \
	    "$BATS_FILE_TMPDIR/img" 2 16384 2048
	dscan -q "$BATS_FILE_TMPDIR/img" | dblkread >"$BATS_FILE_TMPDIR/in.dump"
	fsdesc -p s "$src" >"$BATS_FILE_TMPDIR/want"
}

setup() {
	D=$BATS_FILE_TMPDIR
	IN=$D/in.dump
	RMT_DUMP=/usr/sbin/rmt-dump
	[ -x "$RMT_DUMP" ] || skip "no $RMT_DUMP (Debian package dump)"
	export RSH="$TOP/t/tools/rshlocal" RMT=$RMT_DUMP
	export ASAN_OPTIONS=verify_asan_link_order=0
	cd "$BATS_TEST_TMPDIR" || return 1
}

teardown() {
	cd / || true
	if [ -n "${MNT:-}" ] && mountpoint -q "$MNT"; then
		umount "$MNT"
	fi
	empty_scratch
}

# typedahead ANSWERS COMMAND: run COMMAND on a pseudo-terminal whose
# input holds ANSWERS (printf's format) typed ahead: the terminal keeps
# the lines until they are read.  The terminal's output in $output.
typedahead() {
	mkfifo tty.in
	script -q -c "$2" /dev/null <tty.in >tty.out 2>&1 &
	local pid=$!
	exec 7>tty.in
	# shellcheck disable=SC2059 # ANSWERS is a format: its \n are lines
	printf "$1" >&7
	wait "$pid"
	exec 7>&-
	run cat tty.out
}

# restore_vols_one FILE: restore one volume and compare with the source.
restore_vols_one() {
	mv "$BATS_TEST_TMPDIR/$1" "$BATS_TEST_TMPDIR/$1.001"
	restore_vols "$BATS_TEST_TMPDIR/$1."
}

@test "the stream is several megabytes" {
	[ "$(stat -c %s "$IN")" -gt 10000000 ]
}

@test "a dump through rmt is byte for byte the dump to a local file, whatever the ring" {
	local n b
	dtapewr -f local <"$IN" 2>/dev/null
	for n in 1 3 8; do
		for b in 1 10 64; do
			dtapewr -b "$b" -f local <"$IN" 2>/dev/null
			run -0 dtapewr -n "$n" -b "$b" -f "host:remote" <"$IN"
			[[ "$output" == *"  DUMP: "*" tape blocks on 1 volume"* ]]
			cmp local remote
		done
	done
	restore_vols_one remote
}

@test "dump -f host:file restores to the same tree" {
	run -0 dump -0 -f "backup:full" "$D/img"
	[[ "$output" == *"  DUMP: Dumping $D/img to backup:full"* ]]
	[[ "$output" == *"  DUMP: DUMP IS DONE"* ]]
	restore_into "$BATS_TEST_TMPDIR/full" "$BATS_TEST_TMPDIR/out"
	same_tree "$D/src" "$BATS_TEST_TMPDIR/out" -p s
}

@test "the remote shell gets the host, -l and the user, and RMT, as the BSD dumps give them" {
	export RSHLOCAL_LOG=$BATS_TEST_TMPDIR/log
	run -0 dtapewr -f "tapehost:a" <"$IN"
	run -0 dtapewr -f "alice@tapehost:b" <"$IN"
	run -0 env RMT="$RMT_DUMP $BATS_TEST_TMPDIR/rmt.log" dtapewr -f "h2:c" <"$IN"
	run cat "$BATS_TEST_TMPDIR/log"
	[ "${lines[0]}" = "tapehost - $RMT_DUMP" ]
	[ "${lines[1]}" = "tapehost alice $RMT_DUMP" ]
	[ "${lines[2]}" = "h2 - $RMT_DUMP $BATS_TEST_TMPDIR/rmt.log" ]
	# rmt's own log: the open, version 1, the tape probe a file
	# refuses, writes, the close.
	run grep -v '^rmtd: \(W\|A\)' "$BATS_TEST_TMPDIR/rmt.log"
	[ "${lines[0]}" = "rmtd: O c 1 O_WRONLY|O_CREAT|O_TRUNC" ]
	[ "${lines[2]}" = "rmtd: I -1 0" ]
	[ "${lines[3]}" = "rmtd: I 7 1" ]
	[[ "${lines[4]}" == "rmtd: E 25 "* ]]
	[[ "${lines[5]}" == "rmtd: C "* ]]
	cmp a b
	cmp a c
}

@test "a name with a slash before its colon, or nothing before it, stays local" {
	mkdir sub
	run -0 dtapewr -f "sub/x:y" <"$IN"
	[ -s "sub/x:y" ]
	run -0 dtapewr -f ":z" <"$IN"
	[ -s ":z" ]
}

@test "-B volumes through rmt, and a comma list of remote names, restore as one dump" {
	run -0 dtapewr -B 3000 -M -f "host:v" <"$IN"
	[[ "$output" == *"  DUMP: Volume 3 begins with blocks from inode"* ]]
	[ "$(stat -c %s v001)" = $((300 * 10240)) ]
	restore_vols "$BATS_TEST_TMPDIR/v"
	rm -f v0*
	run -0 dtapewr -B 4000 -f "host:w001,bob@other:w002,host:w003,host:w004,host:w005" <"$IN"
	[ -s w005 ]
	restore_vols "$BATS_TEST_TMPDIR/w"
}

@test "end of media on a full remote tmpfs rolls forward onto the next volume (-a over -B)" {
	MNT=$BATS_TEST_TMPDIR/mnt
	mkdir "$MNT"
	mount -t tmpfs -o size=2m tmpfs "$MNT" || skip "cannot mount a tmpfs here"
	run -0 dtapewr -a -B 1000 -f "host:mnt/x001,host:x002" <"$IN"
	[[ "$output" == *"  DUMP: End of media on volume 1 after 2048 tape blocks"* ]]
	[[ "$output" == *"  DUMP: "*" tape blocks on 2 volumes"* ]]
	[ "$(stat -c %s mnt/x001)" = 2097152 ]
	cp mnt/x001 x001
	restore_vols "$BATS_TEST_TMPDIR/x"
}

@test "every style of end of media in the remote write's reply rolls forward the same" {
	need_glibc_preload
	local style eomshim="$TOP/t/tools/bin/eomshim.so"
	for style in zero short enospc; do
		mkdir "$style"
		(cd "$style" && EOM_AT="$BATS_TEST_TMPDIR/$style/vol001:307200" \
		    EOM_STYLE=$style LD_PRELOAD=$eomshim \
		    dtapewr -M -f "host:vol" <"$IN" 2>err) || {
			cat "$style/err" >&2
			return 1
		}
		grep -qx "  DUMP: End of media on volume 1 after 300 tape blocks" "$style/err"
		[ "$(stat -c %s "$style/vol001")" = 307200 ]
		restore_vols "$BATS_TEST_TMPDIR/$style/vol"
	done
	cmp zero/vol002 enospc/vol002
	cmp zero/vol002 short/vol002
}

@test "on a terminal the operator is asked for each new remote volume" {
	local t=$BATS_TEST_TMPDIR
	export RSHLOCAL_CHANGE=$t/one
	typedahead 'yes\nyes\nyes\nyes\nyes\nyes\n' \
	    "dtapewr -B 4000 -f host:one <$IN; echo exit \$?"
	[[ "$output" == *"  DUMP: Change Volumes: Mount volume #2"* ]]
	[[ "$output" == *'  DUMP: Is the new volume mounted and ready to go? ("yes" or "no")'* ]]
	[[ "$output" == *"exit 0"* ]]
	local n=1 f
	for f in one.*; do
		mv "$f" "w$(printf %03d "${f#one.}")"
		n=$((n + 1))
	done
	mv one "w$(printf %03d "$n")"
	[ "$n" -ge 3 ]
	restore_vols "$t/w"
}

@test "a host that cannot be reached fails clearly at the start" {
	run -1 dtapewr -f "unreachable:x" <"$IN"
	[ "${lines[0]}" = "ssh: connect to host unreachable port 22: No route to host" ]
	[ "${lines[1]}" = "dtapewr: unreachable:x: no answer from rmt on unreachable: the remote shell exited with status 255" ]
	[ "${#lines[@]}" = 2 ]
}

@test "rmt missing on the host is named" {
	RMT=/nonexistent/rmt run -1 --separate-stderr dtapewr -f "host:x" <"$IN"
	[ "${stderr_lines[-1]}" = "dtapewr: host:x: no answer from rmt on host: the remote shell exited with status 127: is rmt at /nonexistent/rmt on host (RMT)?" ]
	[ ! -e x ]
}

@test "a remote shell that cannot be run is named" {
	RSH=/nonexistent/ssh run -1 dtapewr -f "host:x" <"$IN"
	[ "$output" = "dtapewr: host:x: cannot run the remote shell /nonexistent/ssh (RSH): No such file or directory" ]
}

@test "a remote open that fails shows the remote errno and message" {
	run -1 dtapewr -f "host:nodir/x" <"$IN"
	[ "$output" = "dtapewr: host:nodir/x: rmt on host cannot open nodir/x: No such file or directory (remote errno 2)" ]
	# a later volume that cannot be opened ends the dump with exit 4
	run -4 dtapewr -B 3000 -f "host:v1,host:nodir/v2" <"$IN"
	[[ "$output" == *"dtapewr: host:nodir/v2: rmt on host cannot open nodir/v2: No such file or directory (remote errno 2)"* ]]
}

@test "names rmt cannot take, or the remote shell could take for options, are refused" {
	run -1 dtapewr -f "host:$(printf '%64s' '' | tr ' ' a)" <"$IN"
	[ "$output" = "dtapewr: host:$(printf '%64s' '' | tr ' ' a): the remote file name is longer than the 63 bytes rmt(8) reads; use a shorter path or a link" ]
	run -1 dtapewr -f "-oProxyCommand=x:y" <"$IN"
	[ "$output" = "dtapewr: -oProxyCommand=x:y: not a user and host name dtapewr can pass to the remote shell" ]
	run -1 dtapewr -f "-l@host:y" <"$IN"
	[ "$output" = "dtapewr: -l@host:y: not a user and host name dtapewr can pass to the remote shell" ]
	run -1 dtapewr -f "host:" <"$IN"
	[ "$output" = "dtapewr: host:: no remote file name, or one with a newline" ]
}

@test "a connection that dies mid-volume fails the dump: exit 3, dumpdates untouched, nothing left running" {
	local sid
	printf '/dev/other 0 Thu Jan  1 00:00:00 2026 +0000\n' >dumpdates
	cp dumpdates dumpdates.before
	RSHLOCAL_CUT=300000 run -3 setsid -w sh -c 'echo $$ >"$1"; shift; exec dump "$@"' sh \
	    "$BATS_TEST_TMPDIR/sid" -0u -b 1 -D "$BATS_TEST_TMPDIR/dumpdates" -f "host:cut" "$D/img"
	[[ "$output" == *"  DUMP: write error on volume 1 (host:cut) at block "*": lost the connection to rmt on host (the remote shell exited with status 2)"* ]]
	[[ "$output" == *"dtapewr: host:cut: write error: lost the connection to rmt on host (the remote shell exited with status 2); no copy of the volume to rewrite it from, so the dump ends here"* ]]
	[[ "$output" == *"  DUMP: The dump failed:"*" dtapewr (exit status 4)"* ]]
	cmp dumpdates dumpdates.before
	sid=$(cat "$BATS_TEST_TMPDIR/sid")
	[ -n "$sid" ]
	run -1 pgrep -s "$sid"
}

@test "make install puts rdump beside dump, as the BSDs do" {
	make -C "$TOP" -s install DESTDIR="$BATS_TEST_TMPDIR/stage" PREFIX=/usr >/dev/null
	[ "$(stat -c %i stage/usr/sbin/rdump)" = "$(stat -c %i stage/usr/sbin/dump)" ]
	[ -s stage/usr/share/man/man8/rdump.8 ]
	run -0 stage/usr/sbin/rdump -0 -f "host:viardump" "$D/img"
	[[ "$output" == *"  DUMP: DUMP IS DONE"* ]]
	restore_vols_one viardump
}

@test "a remote tape gets a write a record, a rewind between volumes, and goes off line for a change" {
	need_glibc_preload
	export LD_PRELOAD="$TOP/t/tools/bin/tapeshim.so"
	# shellcheck disable=SC2016 # $$ is for the remote shell: a log each
	export RMT="$RMT_DUMP rmt.\$\$.log"
	run -0 dtapewr -B 3000 -f "host:t1,host:t2,host:t3,host:t4,host:t5,host:t6,host:t7" <"$IN"
	unset LD_PRELOAD
	local last f
	last=$(ls t? | sort | tail -1)
	for f in rmt.*.log; do
		grep -Eq "^rmtd: O t[1-7] 1 O_WRONLY\|O_CREAT\|O_TRUNC$" "$f"
		[ "$(grep -c '^rmtd: W' "$f")" = "$(grep -c '^rmtd: W 10240 ' "$f")" ]
		if grep -q "^rmtd: O $last " "$f"; then
			run -1 grep '^rmtd: I [56] ' "$f"
		else
			[ "$(grep '^rmtd: [IC]' "$f" | tail -2 | sed 's/ *(.*//')" = "rmtd: I 5 1
rmtd: C" ]
		fi
	done
	for f in t?; do
		mv "$f" "v00${f#t}"
	done
	restore_vols "$BATS_TEST_TMPDIR/v"
	# The same name again: off line, for the operator to change it.
	rm -f rmt.*.log
	LD_PRELOAD="$TOP/t/tools/bin/tapeshim.so" run -4 setsid dtapewr -B 3000 -f "host:t1" <"$IN"
	[[ "$output" == *"  DUMP: Change Volumes: Mount volume #2"* ]]
	[ "$(grep '^rmtd: [IC]' rmt.*.log | tail -2 | sed 's/ *(.*//')" = "rmtd: I 6 1
rmtd: C" ]
}

@test "after a lost connection the operator may have the volume written again over a new one" {
	export RSHLOCAL_CUT=300000 RSHLOCAL_CUTONCE=$BATS_TEST_TMPDIR/cut.once
	typedahead 'yes\nyes\n' "dtapewr -b 1 -M -f host:v <$IN; echo exit \$?"
	[[ "$output" == *"  DUMP: write error on volume 1 (host:v001) at block "*": lost the connection to rmt on host (the remote shell exited with status 2)"* ]]
	[[ "$output" == *'  DUMP: Do you want to rewrite this volume from its start? ("yes" or "no")'* ]]
	[[ "$output" == *"  DUMP: Replace volume 1"* ]]
	[[ "$output" == *"exit 0"* ]]
	restore_vols "$BATS_TEST_TMPDIR/v"
}

@test "a signal while the remote open waits stops dtapewr and its remote shell" {
	local sid pid
	mkfifo fifo
	# rmt opens the FIFO for writing, and waits there for a reader
	RMT="$RMT_DUMP $BATS_TEST_TMPDIR/rmt.log" setsid sh -c \
	    'echo $$ >sid; exec dtapewr -f host:fifo <"$1" 2>err' sh "$IN" 3>&- &
	pid=$!
	for _ in $(seq 1 200); do
		grep -q '^rmtd: O fifo ' rmt.log 2>/dev/null && break
		sleep 0.05
	done
	grep -q '^rmtd: O fifo ' rmt.log
	sid=$(cat sid)
	kill -TERM "$sid"
	local st=0
	wait "$pid" || st=$?
	[ "$st" = 143 ]
	[ "$(cat err)" = "dtapewr: host:fifo: stopped by signal 15 while opening it" ]
	run -1 pgrep -s "$sid"
}

@test "another error of the remote write is a write error that ends the dump" {
	need_glibc_preload
	EOM_AT="$BATS_TEST_TMPDIR/vol001:50000" EOM_STYLE=eio \
	    LD_PRELOAD="$TOP/t/tools/bin/eomshim.so" run -4 setsid dtapewr -M -f "host:vol" <"$IN"
	[[ "$output" == *"  DUMP: write error on volume 1 (host:vol001) at block 0: Input/output error"* ]]
	[[ "$output" == *"dtapewr: host:vol001: write error: Input/output error; no copy of the volume to rewrite it from, so the dump ends here"* ]]
}
