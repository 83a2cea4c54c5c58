# Shared by the bats files: where things are, how to build images, run
# dumps, restore them and compare trees.

bats_require_minimum_version 1.5.0

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
PATH="$TOP/bin:$TOP/t/tools/bin:$PATH"
FIXTURES=${FIXTURES:-$TOP/../shared/fixtures}
# No test may read or write the machine's /etc/dumpdates: a dump run
# with -u and no -D records itself in the test's own scratch space.
DUMP_DUMPDATES=$BATS_TEST_TMPDIR/dumpdates
export PATH FIXTURES DUMP_DUMPDATES

# DUMP_SH: the shell that runs bin/dump in the tests ("dash", "posh",
# "mksh", "yash", "busybox sh"...); unset, its #! line decides.  A
# "dump" ahead in PATH runs it so, for the tests' own commands and for
# the sh -c lines alike.
if [ -n "${DUMP_SH:-}" ]; then
	# shellcheck disable=SC2086 # DUMP_SH may be a command and its arguments
	command -v ${DUMP_SH%% *} >/dev/null ||
	    { echo "helper: DUMP_SH=$DUMP_SH: no such shell" >&2; exit 1; }
	# (beside the test tools, not in bats' own directory: tests run
	# dump as other users too)
	DUMP_SH_DIR="$TOP/t/tools/bin/sh-$(echo "$DUMP_SH" | tr -c 'A-Za-z0-9\n' _)"
	mkdir -p "$DUMP_SH_DIR"
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$DUMP_SH" "$TOP/bin/dump" \
	    >"$DUMP_SH_DIR/dump.$$"
	chmod 755 "$DUMP_SH_DIR" "$DUMP_SH_DIR/dump.$$"
	mv "$DUMP_SH_DIR/dump.$$" "$DUMP_SH_DIR/dump"
	PATH="$DUMP_SH_DIR:$PATH"
fi

# bats keeps every test's scratch directory until the whole run ends, and
# dumps and images add up to gigabytes over the suite: empty each one as
# its test ends, unless KEEP_TMP is set to look at them afterwards.  A
# file with a teardown of its own calls empty_scratch last.
empty_scratch() {
	[ -n "${KEEP_TMP:-}" ] || rm -rf "${BATS_TEST_TMPDIR:?}"/* "${BATS_TEST_TMPDIR:?}"/.[!.]*
}

teardown() {
	empty_scratch
}

# The lines restore(8) may print on stderr in a good run: Linux restore
# announces each FreeBSD UFS2-layout dump, and cannot open /dev/tty when
# it has none.
RESTORE_OK='^(Converting to new file system format\.|restore: cannot open /dev/tty: No such device or address)$'

# need_fixture NAME...: skip the test, with one line naming what is
# missing, unless every fixture image NAME is in $FIXTURES (real UFS
# images, in ../shared/fixtures beside the clone).  With
# DUMP_FIXTURES_REQUIRED=1 (CI sets it) a missing one fails the test
# instead, so that CI can never pass by skipping them.
need_fixture() {
	local name missing=
	for name; do
		[ -f "$FIXTURES/$name" ] || missing="$missing $name"
	done
	[ -n "$missing" ] || return 0
	if [ "${DUMP_FIXTURES_REQUIRED:-0}" = 1 ]; then
		echo "missing fixture images in $FIXTURES:$missing (DUMP_FIXTURES_REQUIRED=1)" >&2
		return 1
	fi
	skip "needs fixture images not in $FIXTURES:$missing"
}

# musl_build: true when the programs are built with musl-gcc (CI builds
# them so once), whose dynamic loader they name.
musl_build() {
	grep -q 'ld-musl' "$TOP/bin/dscan"
}

# eio_text: strerror(EIO) as the programs print it; the C libraries word
# it differently (glibc and the BSDs "Input/output error", musl "I/O
# error").
eio_text() {
	if musl_build; then
		echo "I/O error"
	else
		echo "Input/output error"
	fi
}

# need_glibc_preload: skip the test, with one line, when the programs
# are built with musl (CI builds them so once): the test preloads a shim
# (t/tools/eomshim.so) with LD_PRELOAD, which also goes into the glibc
# programs it runs (setsid, sh, restore), and a library built for musl
# cannot be loaded there.
need_glibc_preload() {
	if musl_build; then
		skip "preloads a shim into glibc programs too; these programs are built with musl"
	fi
}

# need_strace: strace is Linux's; elsewhere the test says so and skips.
need_strace() {
	if ! command -v strace >/dev/null; then
		[ -z "${CI:-}" ] || { echo "strace is missing in CI" >&2; return 1; }
		skip "needs strace (Linux; Debian: apt-get install strace)"
	fi
	# (LeakSanitizer cannot work under ptrace: off in a sanitizer build.)
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
}

# linux_build: true when the programs were built with Linux's own calls
# (splice, vmsplice), false when built as on a BSD (t/tools/bsdflags, the
# BSDs' path of .ci/run); status 2, saying so, when blkread/obuf.o is
# not there to tell.
linux_build() {
	[ -f "$TOP/blkread/obuf.o" ] || {
		echo "linux_build: $TOP/blkread/obuf.o is missing: make" >&2
		return 2
	}
	nm -u "$TOP/blkread/obuf.o" | grep -q vmsplice
}

# need_linux_build: skip, with one line, a test of Linux's calls where
# the programs were built as on a BSD; fail if that cannot be told.
need_linux_build() {
	local st=0
	linux_build || st=$?
	[ "$st" -ne 2 ] || return 1
	[ "$st" -eq 0 ] ||
	    skip "the programs are built as on a BSD (t/tools/bsdflags): no splice or vmsplice to see"
}

# need_sectorshim: skip, with one line, where t/tools/sectorshim.so,
# which makes an image behave as a BSD raw disk (t/sector.bats), cannot
# work: it interposes on the GNU C library's calls, and the programs are
# built with musl; fail if it was not built.
need_sectorshim() {
	if ! ldd "$TOP/bin/dscan" 2>/dev/null | grep -q 'libc\.so\.6'; then
		skip "sectorshim is glibc-only: bin/dscan is not linked against the GNU C library"
	fi
	[ -f "$TOP/t/tools/bin/sectorshim.so" ] || {
		echo "$TOP/t/tools/bin/sectorshim.so is missing: make tools" >&2
		return 1
	}
}

# shimmed SECTOR IMAGE COMMAND...: run COMMAND with IMAGE acting as a raw
# disk of SECTOR-byte sectors (need_sectorshim first).
shimmed() {
	local sector=$1 img=$2
	shift 2
	SECTOR=$sector SECTOR_FILE=$img LD_PRELOAD=$TOP/t/tools/bin/sectorshim.so \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
}

# fixture NAME: decompress a fixture image into the test's scratch space
# (the test calls need_fixture NAME first: this runs in $(...), where a
# skip would not reach the test).
fixture() {
	local img="$BATS_TEST_TMPDIR/${1%.gz}"
	if [ ! -f "$FIXTURES/$1" ]; then
		echo "fixture: $FIXTURES/$1: no such fixture image" >&2
		return 1
	fi
	[ -f "$img" ] || gzip -dc "$FIXTURES/$1" >"$img"
	echo "$img"
}

# mkimage DIR IMAGE VERSION BSIZE FSIZE [makefs options]: an image of
# the tree with room to spare.  makefs alone sizes the inode table too
# tightly for big blocks and many files, so give it the size and the
# bytes per inode.
mkimage() {
	local dir=$1 img=$2 ver=$3 bs=$4 fs=$5 n bytes size
	shift 5
	n=$(find "$dir" | wc -l)
	bytes=$(du -s --apparent-size -B1 "$dir" | cut -f1)
	size=$(((bytes + n * fs) * 3 / 2 + n * 512 + 64 * bs))
	makefs -t ffs -M "$size" \
	    -o "version=$ver,bsize=$bs,fsize=$fs,density=$((size / (2 * n + 64)))" \
	    "$@" "$img" "$dir" >"$BATS_TEST_TMPDIR/makefs.out" 2>&1 || {
		cat "$BATS_TEST_TMPDIR/makefs.out" >&2
		return 1
	}
}

# restore_into DUMPFILE DIR [restore options]: extract everything into an
# empty DIR; fail on a non-zero exit or any unexpected stderr line.
restore_into() {
	local dumpfile=$1 dir=$2 err
	shift 2
	mkdir -p "$dir"
	err="$BATS_TEST_TMPDIR/restore.err"
	(cd "$dir" && restore -xaof "$dumpfile" "$@" </dev/null) \
	    >"$BATS_TEST_TMPDIR/restore.out" 2>"$err" || {
		echo "restore exited $?:" >&2
		cat "$err" >&2
		return 1
	}
	if grep -Ev "$RESTORE_OK" "$err" >&2; then
		echo "restore complained (above)" >&2
		return 1
	fi
}

# restore_vols PREFIX [restore options]: restore -xaoM the volumes
# PREFIX001... into a new directory and compare with the source tree's
# description, $D/want (fsdesc -p s), which the test file's setup made.
restore_vols() {
	local prefix=$1 out="$BATS_TEST_TMPDIR/out$RANDOM"
	shift
	mkdir "$out"
	(cd "$out" && restore -xaoM -f "$prefix" "$@" </dev/null) \
	    >/dev/null 2>"$BATS_TEST_TMPDIR/rerr" || {
		cat "$BATS_TEST_TMPDIR/rerr" >&2
		return 1
	}
	if grep -Ev "$RESTORE_OK" "$BATS_TEST_TMPDIR/rerr" >&2; then
		return 1
	fi
	fsdesc -p s "$out" | diff -u "$D/want" - >&2
}

# same_tree A B [fsdesc options]: the two trees agree in everything a
# restore gives back; on a difference, show it.
same_tree() {
	local a=$1 b=$2
	shift 2
	fsdesc "$@" "$a" >"$BATS_TEST_TMPDIR/want" || return 1
	fsdesc "$@" "$b" >"$BATS_TEST_TMPDIR/got" || return 1
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got" >&2
}

# in_group COMMAND...: start COMMAND in the background in a process
# group of its own (bash job control), stdin from /dev/null, and set
# PGID to its PID, which is the group's.  The processes it starts stay in
# that group, so a test finds and signals them there and never touches
# another dump running on the machine.  A job started so keeps SIGINT.
in_group() {
	set -m
	"$@" </dev/null &
	PGID=$!
	set +m
}

# in_group_pid PGID NAME: the PID of the oldest process called NAME in
# the process group PGID (none: fails).
in_group_pid() {
	pgrep -o -g "$1" -x "$2"
}

# group_left PGID: the processes still alive in the process group PGID,
# as "PID STATE NAME" lines; fails when there are none.  A zombie, dead
# and about to be reaped by init, does not count.
group_left() {
	local pids
	pids=$(pgrep -g "$1") || return 1
	# shellcheck disable=SC2086 # one PID a word
	ps -o pid= -o stat= -o comm= -p "$(echo $pids | tr ' ' ,)" |
	    awk '$2 !~ /^Z/ { print; n++ } END { exit n == 0 }'
}

# all_stages PGID: dscan, dblkread and dtapewr all run in the group.
all_stages() {
	in_group_pid "$1" dscan >/dev/null && in_group_pid "$1" dblkread >/dev/null &&
	    in_group_pid "$1" dtapewr >/dev/null
}

# heeds PID SIGNAL: the process PID no longer ignores the signal numbered
# SIGNAL (ps's sigignore mask, which procps and the BSDs' ps both give).
# A stage started in the background inherits SIGINT ignored until its
# main() restores it: a SIGINT sent sooner is lost.
heeds() {
	local mask
	mask=$(ps -o sigignore= -p "$1") || return 1
	mask=${mask// /}
	[ -n "$mask" ] && (( ((16#$mask >> ($2 - 1)) & 1) == 0 ))
}

# catches PID SIGNAL: the process PID has a handler for the signal
# numbered SIGNAL (ps's sigcatch mask).
catches() {
	local mask
	mask=$(ps -o sigcatch= -p "$1") || return 1
	mask=${mask// /}
	[ -n "$mask" ] && (( ((16#$mask >> ($2 - 1)) & 1) == 1 ))
}

# gone PID: no process PID any more (a zombie, dead but not yet waited
# for, counts as gone).
gone() {
	! ps -o stat= -p "$1" | grep -qv '^Z'
}

# wait_until SECONDS COMMAND...: wait for an event, checking COMMAND
# every 20 ms until it succeeds; fail, saying so, after SECONDS (a bound
# for a program that hangs, not a delay the test counts on).
wait_until() {
	local limit=$(($1 * 50)) n=0
	shift
	until "$@"; do
		n=$((n + 1))
		if [ "$n" -ge "$limit" ]; then
			echo "wait_until: still not true after $limit checks: $*" >&2
			return 1
		fi
		sleep 0.02
	done
}

# bigfile PATH SIZE: SIZE bytes of pseudo-random data (fast and
# reproducible enough for comparisons).
bigfile() {
	head -c "$2" /dev/urandom >"$1"
}

# mktree DIR BSIZE FSIZE VERSION: the tree of the round-trip tests, with
# file sizes at the boundaries of this geometry.
mktree() {
	local d=$1 bs=$2 fs=$3 ver=$4 nindir s i sym
	mkdir -p "$d"
	nindir=$((bs / (ver == 1 ? 4 : 8)))

	# sizes at every boundary of the block map
	mkdir "$d/sizes"
	: >"$d/sizes/empty"
	for s in 1 $((fs - 1)) "$fs" $((fs + 1)) $((bs - 1)) "$bs" $((bs + 1)) \
	    $((12 * bs - 1)) $((12 * bs)) $((12 * bs + 1)); do
		bigfile "$d/sizes/s$s" "$s"
	done
	s=$(((12 + nindir) * bs))
	if [ "$s" -le $((16 * 1024 * 1024)) ]; then
		for s in $((s - 1)) "$s" $((s + 1)); do
			bigfile "$d/sizes/d$s" "$s"
		done
	fi

	# types, modes and owners
	mkdir "$d/types"
	echo hello >"$d/types/file"
	mkfifo "$d/types/fifo"
	mknod "$d/types/chr" c 4 5
	mknod "$d/types/blk" b 8 1
	mknod "$d/types/bigdev" c 240 65536
	ln "$d/types/file" "$d/types/hardlink"
	mkdir "$d/types/sub"
	ln "$d/types/file" "$d/types/sub/third link"
	echo suid >"$d/types/setuid"
	chmod 4755 "$d/types/setuid"
	echo sgid >"$d/types/setgid"
	chmod 2711 "$d/types/setgid"
	mkdir "$d/types/sticky"
	chmod 1777 "$d/types/sticky"
	echo none >"$d/types/nomode"
	chmod 0 "$d/types/nomode"
	echo owned >"$d/types/owned"
	chown 1234:5678 "$d/types/owned"
	echo big >"$d/types/bigid"
	chown 100000:4000000000 "$d/types/bigid"
	mkdir "$d/types/emptydir"
	chown 65534:65534 "$d/types/emptydir"
	touch -d '1985-07-13 12:00:00' "$d/types/file"
	touch -d '2037-12-31 23:59:59' "$d/types/owned"

	# symbolic links: short, at the edge of the inode, long, odd bytes
	mkdir "$d/links"
	ln -s file "$d/links/short"
	for i in 59 60 61 119 120 121 1023; do
		sym=$(printf "%${i}s" "" | tr ' ' x)
		ln -s "$sym" "$d/links/len$i"
	done
	ln -s "a target with spaces/and a	tab" "$d/links/spaced"
	ln -s ../types/file "$d/links/relative"

	# names
	mkdir "$d/names"
	echo a >"$d/names/with space"
	echo b >"$d/names/tab	inside"
	echo c >"$d/names/new
line"
	echo d >"$d/names/ünïcödé ✓ 日本"
	echo e >"$d/names/$(printf "%254s" "" | tr " " n)"
	echo f >"$d/names/back\\slash"

	# deep nesting
	s="$d/deep"
	for i in $(seq 1 40); do
		s="$s/level$i"
	done
	mkdir -p "$s"
	echo bottom >"$s/file"

	# a big directory
	mkdir "$d/many"
	(cd "$d/many" && seq -f 'entry%05g' 1 5000 | xargs touch)
}

# without INODE: dscan's lines on stdin without that inode, still a valid
# stream (the dumped map and the end count follow).  The FreeBSD
# fixture's inode 10 is 512 GiB of hole, a 1 GiB dump of its own.
without() {
	awk -v x="$1" '
	$1 == "b" && $2 <= x && x <= $3 {
		if ($2 < x) print "b", $2, x - 1
		if (x < $3) print "b", x + 1, $3
		next
	}
	$1 == "i" { skip = $2 == x }
	$1 != "i" && $1 != "u" && $1 != "b" && $1 != "end" && $1 != "dscan" && skip { next }
	$1 == "i" && skip { next }
	$1 == "end" { print "end", $2 - 1, $3; next }
	{ print }'
}

# freebsd_dump IMAGE DUMPFILE [dblkread options]: a dump of a FreeBSD
# fixture without its 512 GiB file.
freebsd_dump() {
	local img=$1 out=$2
	shift 2
	dscan -q "$img" | without 10 | dblkread "$@" >"$out"
}

# onterminal ANSWERS COMMAND: run COMMAND on a pseudo-terminal, answering
# each question with the next line of ANSWERS once it is asked; a line
# "mv A B" instead moves a volume away before the next answer, and a
# line "kill ..." sends a signal while the question waits.
onterminal() {
	local answers=$1 cmd=$2 n=0 line
	# Afresh: the questions of an earlier call, still in tty.out until
	# script truncates it, would be taken for this call's.
	rm -f "$BATS_TEST_TMPDIR/tty.in"
	: >"$BATS_TEST_TMPDIR/tty.out"
	mkfifo "$BATS_TEST_TMPDIR/tty.in"
	script -q -c "$cmd" /dev/null <"$BATS_TEST_TMPDIR/tty.in" \
	    >"$BATS_TEST_TMPDIR/tty.out" 2>&1 &
	local pid=$!
	exec 7>"$BATS_TEST_TMPDIR/tty.in"
	while IFS= read -r line; do
		# Wait for the next question before acting.
		for _ in $(seq 1 200); do
			[ "$(grep -o '("yes" or "no")' "$BATS_TEST_TMPDIR/tty.out" | wc -l)" -gt "$n" ] && break
			sleep 0.05
		done
		case $line in
		mv\ * | kill\ *)
			eval "$line"
			continue
			;;
		esac
		n=$((n + 1))
		echo "$line" >&7
	done <<<"$answers"
	exec 7>&-
	wait "$pid"
}
