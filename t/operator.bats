# dump(8) in an operator's hands: a dump that cannot start leaves what is
# there alone, FreeBSD's command line, dumpdates keys, signals, links.
# shellcheck disable=SC2154 # run --separate-stderr sets $stderr

load helper

setup() {
	need_fixture dissect-ufs2-le.img.gz
	IMG=$(fixture dissect-ufs2-le.img.gz)
	T=$BATS_TEST_TMPDIR
	mkdir "$T/tmp"
	export TMPDIR="$T/tmp"
	# Stand-ins for the system's tables and tools (see dump(8)).
	mkdir "$T/sbin"
	export DUMP_FSTAB="$T/fstab" DUMP_MTAB="$T/mtab"
	: >"$DUMP_FSTAB"
	: >"$DUMP_MTAB"
}

# old FILE: an existing backup, 100 KB of random bytes, and its copy.
old() {
	head -c 100000 /dev/urandom >"$1"
	cp "$1" "$1.before"
}

# errors: the lines of $stderr that are not dump's "  DUMP:" notes.
errors() {
	grep -v '^ *DUMP: ' <<<"$stderr" || true
}

# badstart EXPECTED-LINE DUMP-ARGUMENTS...: exit 1, one error line, the
# output file byte for byte as it was and no temporary directory left.
badstart() {
	local want=$1
	shift
	old "$T/out"
	run -1 --separate-stderr dump "$@"
	if [ "$(errors)" != "$want" ]; then
		printf 'dump %s\nwant: %s\ngot:  %s\n' "$*" "$want" "$(errors)" >&2
		return 1
	fi
	cmp "$T/out" "$T/out.before"
	[ "$(ls -A "$T/tmp")" = "" ]
}

@test "every bad start leaves an existing output byte for byte, exits 1 and says why in one line" {
	local o=$T/out bad
	head -c 300000 /dev/zero >"$T/zero"
	mkdir "$T/dir"
	printf '%s 0 Sat Nov 21 06:00\n' "$IMG" >"$T/dd.bad"
	# An image whose root inode (2) is a regular file.
	bad=$T/badroot.img
	cp "$IMG" "$bad"
	printf '\244\201' | dd of="$bad" bs=1 conv=notrunc status=none \
	    seek=$(($(od -An -tu4 -j $((65536 + 16)) -N4 "$IMG") * \
	    $(od -An -tu4 -j $((65536 + 52)) -N4 "$IMG") + 2 * 256))

	badstart "dscan: $T/nosuch: No such file or directory" -0 -f "$o" "$T/nosuch"
	badstart "dscan: $T/zero: not a UFS1 or UFS2 file system: no superblock at byte 65536, 8192, 0 or 262144" \
	    -0 -f "$o" "$T/zero"
	badstart "dump: $T/dir: a directory, not a mount point, device or image" -0 -f "$o" "$T/dir"
	badstart "dscan: -T: \"yesterday\" is not a date like \"Sun Nov 15 09:00:00 2026\" (ctime(3))" \
	    -1 -T yesterday -f "$o" "$IMG"
	badstart "ddate: $T/dd.bad: line 1: date \"Sat Nov 21 06:00\" is not a ctime(3) date from 1970 to 9999" \
	    -1 -D "$T/dd.bad" -f "$o" "$IMG"
	badstart "dscan: $bad: the root inode 2 is not a directory: nothing restore could read" \
	    -0 -f "$o" "$bad"
	badstart "dtapewr: $T/nodir/out: No such file or directory" -0 -f "$T/nodir/out" "$IMG"
	# Options, checked before anything runs.
	badstart 'dump: -h: "x" is not a number from 0 to 10' -0 -h x -f "$o" "$IMG"
	badstart 'dump: -b: 0 is not a number from 1 to 1024' -0 -b 0 -f "$o" "$IMG"
	badstart 'dump: -b: 1025 is not a number from 1 to 1024' -0 -b 1025 -f "$o" "$IMG"
	badstart 'dump: -B: "-5" is not a number from 1 to 9007199254740991' -0 -B -5 -f "$o" "$IMG"
	badstart 'dump: -s: "ten" is not a number from 1 to 7686143364045646' -0 -s ten -f "$o" "$IMG"
	badstart 'dump: -d: 9 is not a number from 10 to 100000000' -0 -d 9 -f "$o" "$IMG"
	badstart 'dump: -p: 0 is not a number from 1 to 64' -0 -p 0 -f "$o" "$IMG"
	badstart 'dump: -I: "1e3" is not a number from 0 to 1000000000' -0 -I 1e3 -f "$o" "$IMG"
	badstart 'dump: -C: "-1" is not a number from 0 to 1048576' -0 -C -1 -f "$o" "$IMG"
	badstart 'dump: -B: 99999999999999999999 is not a number from 1 to 9007199254740991' \
	    -0 -B 99999999999999999999 -f "$o" "$IMG"
	# One past the bounds, as long as they are: compared digit by digit.
	badstart 'dump: -B: 9007199254740992 is not a number from 1 to 9007199254740991' \
	    -0 -B 9007199254740992 -f "$o" "$IMG"
	badstart 'dump: -s: 7686143364045647 is not a number from 1 to 7686143364045646' \
	    -0 -s 7686143364045647 -f "$o" "$IMG"
	badstart 'dump: -d: 100000001 is not a number from 10 to 100000000' -0 -d 100000001 -f "$o" "$IMG"
	badstart 'dump: -b: 1030 is not a number from 1 to 1024' -0 -b 1030 -f "$o" "$IMG"
	badstart 'dump: -E: "mixed" is not le or be' -0 -E mixed -f "$o" "$IMG"
	badstart 'dump: -F: "ufs3" is not ufs2 or nfs' -0 -F ufs3 -f "$o" "$IMG"
	badstart 'dump: -N: "sixteen bytes..." is longer than 15 bytes' -0 -N "sixteen bytes..." -f "$o" "$IMG"
	# The old form too.
	badstart 'dump: -b: 0 is not a number from 1 to 1024' 0bf 0 "$o" "$IMG"
}

@test "a good dump after a bad start replaces the file, and leaves no temporary directory" {
	old "$T/out"
	run -0 dump -0 -b 032 -B 9007199254740991 -f "$T/out" "$IMG"
	restore_into "$T/out" "$T/r"
	[ "$(cat "$T/r/test_file")" = "test contents" ]
	[ "$(ls -A "$T/tmp")" = "" ]
}

@test "-0Lauf /dev/nsa0 /usr is FreeBSD's: a snapshot, a, u and f, the snapshot removed after" {
	mkdir -p "$T/usr/.snap"
	echo "$IMG /usr ufs rw 2 2" >"$DUMP_FSTAB"
	echo "$IMG $T/usr ufs rw 0 0" >"$DUMP_MTAB"
	# mksnap_ffs: the snapshot is a copy of the image, logged.
	cat >"$T/sbin/mksnap_ffs" <<-EOS
	#!/bin/sh
	echo "mksnap_ffs \$*" >>"$T/snap.log"
	cp "$IMG" "\$1"
	EOS
	chmod +x "$T/sbin/mksnap_ffs"
	cd "$T"
	PATH="$T/sbin:$PATH" run -0 --separate-stderr dump -D dd -0Lauf tape /usr
	[[ "$(cat "$T/snap.log")" =~ ^"mksnap_ffs $T/usr/.snap/dump_snapshot."[0-9]+$ ]]
	[ "$(ls -A "$T/usr/.snap")" = "" ]
	[[ "$stderr" == *"DUMP: Dumping $IMG (/usr) to tape"* ]]
	[[ "$(cat dd)" =~ ^"$IMG "+"0 " ]]
	run -0 restore -tf tape
	[[ "$output" == *"Level 0 dump of /usr on "* ]]
	[[ "$output" == *"./test_dir/test_file_2"* ]]
	[ "$(ls -A "$T/tmp")" = "" ]
}

@test "-L on a file system that is not mounted warns as FreeBSD does and dumps the device" {
	run -0 --separate-stderr dump -0L -f "$T/out" "$IMG"
	[[ "$stderr" == *"DUMP: WARNING: Cannot use -L on an unmounted filesystem."* ]]
	restore_into "$T/out" "$T/r"
}

@test "a signal during a -L dump removes the snapshot and the temporary directory" {
	mkdir -p "$T/mnt/.snap"
	echo "$IMG $T/mnt ufs rw 0 0" >"$DUMP_MTAB"
	printf '#!/bin/sh\ncp "%s" "$1"\n' "$IMG" >"$T/sbin/mksnap_ffs"
	chmod +x "$T/sbin/mksnap_ffs"
	mkfifo "$T/ready" "$T/go"
	# The -P command says it has the stream, then holds the dump until
	# the signal, which goes to the whole group as a terminal's would.
	PATH="$T/sbin:$PATH" setsid dump -0L \
	    -P "echo >'$T/ready'; read -r x <'$T/go'; exec cat >/dev/null" \
	    "$T/mnt" 2>"$T/err" &
	pid=$!
	read -r _ <"$T/ready"
	[ -n "$(ls -A "$T/mnt/.snap")" ]
	kill -TERM -- -"$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" = 143 ]
	[ "$(ls -A "$T/mnt/.snap")" = "" ]
	[ "$(ls -A "$T/tmp")" = "" ]
	grep -q '^  DUMP: Interrupted' "$T/err"
	kill -KILL -- -"$pid" 2>/dev/null || true
}

@test "a mount point or an fstab name is dumped as its device, the mount point in the header" {
	mkdir "$T/mnt"
	echo "$IMG $T/mnt ufs rw 0 0" >"$DUMP_MTAB"
	run -0 --separate-stderr dump -0 -f "$T/a" "$T/mnt"
	[[ "$stderr" == *"DUMP: Dumping $IMG ($T/mnt) to $T/a"* ]]
	run -0 restore -tf "$T/a"
	[[ "$output" == *"Level 0 dump of $T/mnt on "*":$IMG"* ]]
	printf '# a comment\n%s /home ufs rw 1 2\n' "$IMG" >"$DUMP_FSTAB"
	run -0 --separate-stderr dump -0 -f "$T/b" /home
	[[ "$stderr" == *"DUMP: Dumping $IMG (/home) to $T/b"* ]]
	restore_into "$T/b" "$T/r"
}

@test "-W and -w take the dump frequency from fstab's fifth column" {
	printf '%s /home ufs rw 1 2\n/dev/never /x ufs rw 0 2\n' "$IMG" >"$DUMP_FSTAB"
	printf '%s 0 Sat Nov 21 06:00:00 2020\n/dev/never 0 Sat Nov 21 06:00:00 2020\n' \
	    "$IMG" >"$T/dd"
	run -0 dump -D "$T/dd" -w
	[ "${lines[0]}" = "Dump these file systems:" ]
	[[ "${lines[1]}" == *"$IMG"*"( /home) Last dump: Level 0, Date Sat Nov 21 06:00"* ]]
	[ "${#lines[@]}" = 2 ]
}

@test "./img, img and /path/img are one file system in dumpdates" {
	cd "$(dirname "$IMG")"
	local name
	name=$(basename "$IMG")
	run -0 dump -0u -D "$T/dd" -f "$T/l0" "./$name"
	run -0 --separate-stderr dump -1u -D "$T/dd" -f "$T/l1" "$name"
	[[ "$stderr" == *"DUMP: Date of last level 0 dump: "* ]]
	run -0 dump -2u -D "$T/dd" -f "$T/l2" "$IMG"
	[ "$(awk '{ print $1, $2 }' "$T/dd")" = "$IMG 0
$IMG 1
$IMG 2" ]
	run -0 restore -tf "$T/l2"
	[[ "$output" == *"Level 2 dump of $IMG on "* ]]
}

@test "a level above 0 with no lower level in dumpdates says so in one line" {
	run -0 --separate-stderr dump -3 -D "$T/dd" -f "$T/out" "$IMG"
	[[ "$stderr" == *"DUMP: No dump of $IMG below level 3 in $T/dd: this level 3 dump holds every file"* ]]
}

@test "dump through a symbolic link from another directory finds its stages" {
	mkdir "$T/elsewhere" "$T/links"
	ln -s "$TOP/bin/dump" "$T/links/dump"
	ln -s ../links/dump "$T/elsewhere/dump"
	cd "$T/elsewhere"
	PATH=/usr/bin:/bin run -0 ./dump -0 -f "$T/out" "$IMG"
	restore_into "$T/out" "$T/r"
	[ "$(cat "$T/r/test_file")" = "test contents" ]
}

@test "SIGUSR1 asks for a progress line and the dump goes on" {
	# Enough data that the writers wait for the -P command to read.
	mkdir "$T/tree"
	bigfile "$T/tree/big" $((6 * 1024 * 1024))
	mkimage "$T/tree" "$T/img" 2 32768 4096
	mkfifo "$T/ready" "$T/go"
	setsid dump -0 -P "echo >'$T/ready'; read -r x <'$T/go'; cat >'$T/out'" \
	    "$T/img" 2>"$T/err" &
	pid=$!
	read -r _ <"$T/ready"
	kill -USR1 "$pid"
	# dtapewr prints the line as it takes its next turn: once written,
	# let the command go on.
	until grep -q 'tape blocks written\|% done' "$T/err"; do
		kill -0 "$pid"
	done
	echo go >"$T/go"
	wait "$pid"
	grep -q '^  DUMP: DUMP IS DONE$' "$T/err"
	restore_into "$T/out" "$T/r"
	cmp "$T/tree/big" "$T/r/big"
	[ "$(ls -A "$T/tmp")" = "" ]
}

@test "SIGTERM during the dumpdates update: the update is made whole and the dump ends done" {
	: >"$T/dd"
	# Hold dumpdates' lock, so that the update waits where a signal
	# could meet it, for as long as the test needs.
	mkfifo "$T/hold"
	holdlock "$T/dd" <"$T/hold" >"$T/held" 3>&- &
	holder=$!
	exec 8>"$T/hold"
	wait_until 30 grep -q locked "$T/held"
	# (Not holding the lock's pipe open itself, nor bats' descriptor.)
	setsid dump -0u -D "$T/dd" -f "$T/out" "$IMG" 2>"$T/err" 3>&- 8>&- &
	pid=$!
	wait_until 60 pgrep -s "$pid" -x ddate >/dev/null
	kill -TERM -- "-$pid"
	kill -INT -- "-$pid"
	kill -HUP -- "-$pid"
	exec 8>&-
	wait "$holder"
	status=0
	wait "$pid" || status=$?
	[ "$status" = 0 ] || { cat "$T/err" >&2; return 1; }
	grep -q "^  DUMP: Level 0 dump of .* recorded in $T/dd\$" "$T/err"
	grep -q '^  DUMP: DUMP IS DONE$' "$T/err"
	[ "$(awk '$2 == 0' "$T/dd" | wc -l)" = 1 ]
	restore_into "$T/out" "$T/r"
	[ "$(ls -A "$T/tmp")" = "" ]
}

# one_write_lines TRACE: every write of a message (dump's "  DUMP:"
# notes, a stage's "program: ..." lines) in strace's TRACE.PID files
# (strace -ff: one a process, so that no call is cut in two by another
# process's, as "<unfinished ...>", on a busy machine) is one whole line,
# so that the lines of stages writing at once cannot mix.
one_write_lines() {
	local bad
	bad=$(cat "$1".* | grep -E 'write\([12], "(  DUMP:|dscan:|dblkread:|dtapewr:|ddate:)' |
	    grep -Ev '\\n", [0-9]+\) += [0-9]+$' || true)
	[ -z "$bad" ] || { echo "messages in pieces: $bad" >&2; return 1; }
	cat "$1".* | grep -qE 'write\([12], "  DUMP: '
}

@test "each message is written whole with one write, so stages' lines never mix" {
	# strace is Linux's; elsewhere the test says so and skips.
	if ! command -v strace >/dev/null; then
		[ -z "${CI:-}" ] || { echo "strace is missing in CI" >&2; return 1; }
		skip "needs strace (Linux; Debian: apt-get install strace)"
	fi
	# (LeakSanitizer cannot work under ptrace: off in a sanitizer build.)
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	run -0 strace -ff -qq -e trace=write -e signal=none -s 4096 \
	    -o "$T/ok.trace" dump -0u -D "$T/dd" -f "$T/out" "$IMG"
	one_write_lines "$T/ok.trace"
	# A start that fails, and a stage's message with a system error.
	run -1 strace -ff -qq -e trace=write -e signal=none -s 4096 \
	    -o "$T/bad.trace" dump -0 -f "$T/out2" "$T/nosuch"
	one_write_lines "$T/bad.trace"
	cat "$T/bad.trace".* | grep -qE 'write\(2, "dscan: .*nosuch.*\\n", '
}

@test "-n tells the operator group through wall -g operator" {
	printf '#!/bin/sh\necho "wall $*" >>"%s"\ncat >>"%s"\n' "$T/wall.log" "$T/wall.log" \
	    >"$T/sbin/wall"
	chmod +x "$T/sbin/wall"
	PATH="$T/sbin:$PATH" run -0 dump -0n -f "$T/out" "$IMG"
	[ "$(cat "$T/wall.log")" = "wall -g operator
DUMP: DUMP IS DONE" ]
	PATH="$T/sbin:$PATH" run -1 dump -0n -f "$T/out" "$T/nosuch"
	[ "$(tail -1 "$T/wall.log")" = "DUMP: The dump of $T/nosuch could not start" ]
}

@test "-n tells the operator group when a stage needs an answer, even with no terminal" {
	need_glibc_preload
	local ino frag
	printf '#!/bin/sh\ncat >>"%s"\n' "$T/wall.log" >"$T/sbin/wall"
	chmod +x "$T/sbin/wall"
	mkdir "$T/tree"
	bigfile "$T/tree/big" 100000
	mkimage "$T/tree" "$T/img" 2 4096 512
	ino=$(dscan -q "$T/img" 2>/dev/null | awk '$1 == "i" && $8 == 100000 { print $2 }')
	frag=$(dscan -q "$T/img" 2>/dev/null | awk '$1 == "d" && $2 == '"$ino"' && $3 == 0 { print $4 }')
	# 4 unreadable fragments: more than -I 2, and no terminal to ask.
	LD_PRELOAD="$TOP/t/tools/bin/eomshim.so" ASAN_OPTIONS=verify_asan_link_order=0 \
	    READ_EIO="$T/img:$((frag * 512))-$((frag * 512 + 2048))" \
	    PATH="$T/sbin:$PATH" run -3 setsid dump -0n -I 2 -f "$T/out" "$T/img"
	[ "$(head -1 "$T/wall.log")" = "DUMP: NEEDS ATTENTION: $T/img: more than 2 unreadable blocks; do you want to attempt to continue?" ]
	[ "$(tail -1 "$T/wall.log")" = "DUMP: The dump of $T/img failed" ]
}

@test "-C is taken and ignored, -p sets the writers, -N the label" {
	run -0 dump -0 -C 32 -p 2 -N mylabel -f "$T/out" "$IMG"
	run -0 dumpinfo "$T/out"
	[[ "${lines[0]}" == *" label=mylabel "* ]]
}

@test "-u by a member of the dumpdates group, in a directory it cannot write" {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
	local d
	# Outside bats' 0700 scratch space, so that the user can reach it.
	d=$(mktemp -d /tmp/dump-op.XXXXXX)
	chmod 755 "$d"
	mkdir -m 777 "$d/out"
	cp "$IMG" "$d/img"
	chmod 644 "$d/img"
	printf '%s 0 Sat Nov 21 06:00:00 2026\n' "$d/img" >"$d/dumpdates"
	chown 0:4242 "$d/dumpdates"
	chmod 664 "$d/dumpdates"
	TMPDIR="$d/out" run setpriv --reuid=4343 --regid=4343 --groups=4242 \
	    dump -1u -D "$d/dumpdates" -f "$d/out/l1" "$d/img"
	cat "$d/dumpdates" >"$T/dd.after"
	ls -A "$d" >"$T/ls.after"
	rm -rf "$d"
	[ "$status" = 0 ]
	[ "$(awk '{ print $1, $2 }' "$T/dd.after")" = "$d/img 0
$d/img 1" ]
	[ "$(cat "$T/ls.after")" = "dumpdates
img
out" ]
}

# amanda_normal: $output has the size line, and every other line is
# one Amanda calls normal.
amanda_normal() {
	local size strange other
	size=$(grep -cE 'DUMP: [0-9][0-9]* tape blocks' <<<"$output" || true)
	strange=$(grep -E 'should not happen|Cannot open|[Ee]rror|[Ff]ail' <<<"$output" || true)
	other=$(grep -Ev '^ *DUMP:' <<<"$output" || true)
	[ "$size" = 1 ] && [ -z "$strange" ] && [ -z "$other" ] || {
		printf 'size lines %s; strange: %s; other: %s\n' "$size" "$strange" "$other" >&2
		return 1
	}
}

@test "Amanda's FreeBSD command line: every line normal to its classifier, the size line found" {
	# sendbackup-dump runs "dump 0ubLshf 64 1048576 0 - device" on
	# FreeBSD, "0usf 1048576 - device" elsewhere, and reads stderr.
	cd "$T"
	run -0 --separate-stderr sh -c "dump 0ubLshf 64 1048576 0 - '$IMG' 2>&1 >'$T/out'"
	[ -z "$stderr" ]
	# Its table: the size lines first, then the strange ones, then
	# "^ *DUMP:" normal, and anything else strange.
	amanda_normal
	restore_into "$T/out" "$T/r"
	run -0 --separate-stderr sh -c "dump 0usf 1048576 - '$IMG' 2>&1 >'$T/out2'"
	amanda_normal
	restore_into "$T/out2" "$T/r2"
}

@test "-r puts the epoch in the headers' dates, -R the access times too; dumpdates keeps the true date" {
	run -0 dump -0u -D "$T/dd" -f "$T/l0" "$IMG"
	run -0 dump -1ur -D "$T/dd" -f "$T/r" "$IMG"
	run -0 dumpinfo "$T/r"
	[[ "${lines[0]}" == "tape vol=1 date=0 ddate=0 level=1 "* ]]
	[ "$(grep -c ' atime=0\.0 ' <<<"$output")" = 0 ]
	[ "$(awk '$2 == 1' "$T/dd" | wc -l)" = 1 ]
	run -0 dump -0R -f "$T/rr" "$IMG"
	run -0 dumpinfo "$T/rr"
	[[ "${lines[0]}" == "tape vol=1 date=0 ddate=0 level=0 "* ]]
	[ "$(grep -c '^inode ' <<<"$output")" -gt 0 ]
	[ "$(grep '^inode ' <<<"$output" | grep -vc ' atime=0\.0 ')" = 0 ]
	restore_into "$T/rr" "$T/out"
}

# interactive ANSWER: dump on a pseudo-terminal (script(1)), held by its
# -P command until released; ^C on the terminal, then ANSWER to the
# question.  Leaves the terminal's output in $T/tty.out, dump's status in
# $status.  The command exec's dump, so no shell stands between script
# and dump: script runs it with $SHELL -c, and a non-interactive shell
# such as dash would itself die of the ^C meant for dump.
interactive() {
	command -v script >/dev/null || skip "script (util-linux) is not installed"
	env --default-signal=INT true 2>/dev/null ||
	    skip "env --default-signal (GNU coreutils 8.31) is not available"
	mkfifo "$T/ready" "$T/go" "$T/tty.in"
	# (A background job starts with SIGINT ignored; give it back.)
	env --default-signal=INT script -q -e -c "exec dump -0 -P \"echo >'$T/ready'; read -r x <'$T/go'; cat >'$T/out'\" '$IMG'" \
	    /dev/null <"$T/tty.in" >"$T/tty.out" 2>&1 &
	pid=$!
	exec 7>"$T/tty.in"
	read -r _ <"$T/ready"
	printf '\003' >&7
	until grep -q 'Do you want to abort dump?' "$T/tty.out"; do
		kill -0 "$pid" || { cat "$T/tty.out"; false; }
		sleep 0.05
	done
	echo "$1" >&7
	echo go >"$T/go"
	# The terminal stays open until dump has ended: its end of input
	# would end script(1), and with it the session (SIGHUP).
	status=0
	wait "$pid" || status=$?
	exec 7>&-
	cat "$T/tty.out"
}

@test "SIGINT on a terminal asks whether to abort: no, and the dump goes on" {
	interactive no
	grep -q '  DUMP: DUMP IS DONE' "$T/tty.out"
	[ "$status" = 0 ]
	restore_into "$T/out" "$T/r"
	[ "$(cat "$T/r/test_file")" = "test contents" ]
}

@test "SIGINT on a terminal asks whether to abort: yes, and it stops" {
	interactive yes
	grep -q '  DUMP: Interrupted: the -P command does not hold a complete dump' "$T/tty.out"
	[ "$status" = 130 ]
	[ "$(ls -A "$T/tmp")" = "" ]
}
