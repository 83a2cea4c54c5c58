# Portability checks that can be made on Linux: the feature macros seen
# through stand-ins for the BSDs' headers, 64-bit offsets in a 32-bit
# build, a writer ring that needs no shm_open.

load helper

setup() {
	cd "$TOP" || return 1
	read -ra CPPFLAGS_WORDS < <(sed -n 's/^CPPFLAGS = //p' Makefile)
	[ "${#CPPFLAGS_WORDS[@]}" -gt 1 ]
	CC=${CC:-cc}
}

# asbsd OS FILE [flags]: FILE preprocessed as on OS, with the stand-in
# headers of t/tools/bsdhdr and the flags (the Makefile's if none), on
# one line without blanks: the preprocessor breaks lines and spaces
# them where macros were.
asbsd() {
	local os=$1 file=$2
	shift 2
	[ $# -gt 0 ] || set -- "${CPPFLAGS_WORDS[@]}"
	# shellcheck disable=SC2086 # CC may hold flags
	$CC -E "$@" -D"__${os}__" -It/tools/bsdhdr "$file" | grep -v '^#' | tr -d ' \t\n'
}

# bsdsyntax OS FILE [flags]: FILE compiles as on OS, with the Makefile's
# flags, the stand-in headers and the flags given, clean with -Werror
# (_DEFAULT_SOURCE: glibc warns of OpenBSD's _BSD_SOURCE without it; the
# stand-ins decide).
bsdsyntax() {
	local os=$1 file=$2
	shift 2
	# shellcheck disable=SC2086 # CC may hold flags
	$CC -fsyntax-only -std=c99 -Wall -Wextra -Werror "${CPPFLAGS_WORDS[@]}" \
	    -D_DEFAULT_SOURCE "$@" -D"__${os}__" -It/tools/bsdhdr "$file"
}

@test "the stand-in headers hide SIGINFO and MAP_ANON under _POSIX_C_SOURCE, as the BSDs do" {
	local os
	printf '#include <signal.h>\n#include <sys/mman.h>\nsig SIGINFO anon MAP_ANON\n' \
	    >"$BATS_TEST_TMPDIR/probe.c"
	for os in FreeBSD NetBSD OpenBSD DragonFly; do
		# without _POSIX_C_SOURCE: visible, as on a BSD
		run -0 asbsd "$os" "$BATS_TEST_TMPDIR/probe.c" -I.
		[[ "$output" == *"sig29anon0x20"* ]]
		# with the Makefile's flags alone: hidden
		run -0 asbsd "$os" "$BATS_TEST_TMPDIR/probe.c"
		[[ "$output" == *"sigSIGINFOanonMAP_ANON"* ]]
	done
	# FreeBSD and DragonFly show SA_RESTART and SA_SIGINFO only to
	# X/Open (__XSI_VISIBLE), which __BSD_VISIBLE does not set
	printf '#include <signal.h>\nrestart SA_RESTART info SA_SIGINFO\n' \
	    >"$BATS_TEST_TMPDIR/xsi.c"
	for os in FreeBSD DragonFly; do
		run -0 asbsd "$os" "$BATS_TEST_TMPDIR/xsi.c" "${CPPFLAGS_WORDS[@]}" \
		    -D_DEFAULT_SOURCE -D__BSD_VISIBLE=1
		[[ "$output" == *"restartSA_RESTARTinfoSA_SIGINFO"* ]]
		run -0 asbsd "$os" "$BATS_TEST_TMPDIR/xsi.c" "${CPPFLAGS_WORDS[@]}" \
		    -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700
		[[ "$output" =~ restart(0x)?[0-9a-f]+info(0x)?[0-9a-f]+$ ]]
	done
}

@test "dtapewr keeps SIGINFO (^T progress) and its ring MAP_ANON under each BSD's feature rules" {
	local os f
	for os in FreeBSD NetBSD OpenBSD DragonFly; do
		# (among the signals the master's loop catches)
		run -0 asbsd "$os" tapewr/loop.c
		[[ "$output" == *"caught[]={"*"{29,1},"*"};"* ]]
		run -0 asbsd "$os" tapewr/ring.c
		[[ "$output" == *"signal(29,"* ]]
		# and it compiles there (loop.c's SA_RESTART FreeBSD and
		# DragonFly show only to X/Open)
		for f in tapewr/ring.c tapewr/loop.c; do
			run -0 bsdsyntax "$os" "$f"
		done
	done
}

@test "the files with Linux-only parts (splice, vmsplice) compile without them, as on each BSD" {
	local os f
	for os in FreeBSD NetBSD OpenBSD DragonFly; do
		# no splice(2) there: relay.c's moves are compiled out
		run -0 asbsd "$os" tapewr/relay.c "${CPPFLAGS_WORDS[@]}" -U__linux__
		[[ "$output" != *"splice("* ]]
		for f in tapewr/relay.c blkread/obuf.c lib/xio.c; do
			run -0 bsdsyntax "$os" "$f" -U__linux__
		done
	done
}

@test "dblkread's map of the device (mmap, a SIGBUS handler with SA_SIGINFO, sigsetjmp, posix_madvise) needs nothing of Linux: it compiles under each BSD's rules" {
	local os
	for os in FreeBSD NetBSD OpenBSD DragonFly; do
		# nothing of Linux; SA_SIGINFO and sa_sigaction, which FreeBSD
		# and DragonFly show only to X/Open, come by way of feature.h
		run -0 bsdsyntax "$os" blkread/readahead.c -U__linux__
	done
	run ! grep -q '__linux__' blkread/readahead.c
}

@test "the hand-off (lib/handoff.c) needs nothing of Linux: it compiles under each BSD's rules, with its atomics, and a 32-bit build links without libatomic" {
	local os
	for os in FreeBSD NetBSD OpenBSD DragonFly; do
		run -0 bsdsyntax "$os" lib/handoff.c -U__linux__
		# built in, not the fallback to the pipe
		run -0 asbsd "$os" lib/handoff.c "${CPPFLAGS_WORDS[@]}" \
		    -D_DEFAULT_SOURCE -U__linux__
		[[ "$output" == *"__atomic_load_n("* ]]
		[[ "$output" == *"__atomic_store_n("* ]]
	done
	run ! grep -q '__linux__' lib/handoff.c
	printf 'int main(void) { return 0; }\n' >"$BATS_TEST_TMPDIR/any.c"
	$CC -m32 -o "$BATS_TEST_TMPDIR/any" "$BATS_TEST_TMPDIR/any.c" 2>/dev/null ||
	    skip "$CC cannot build 32-bit programs here (Debian: apt-get install gcc-multilib; musl-gcc never can)"
	# the reader and the writer linked whole, with no library but libc
	printf '#include "handoff.h"\nint main(void) { struct handoff h; return ho_create(&h, 3, 1, 4, 4096) + (int)ho_read(&h, 0, 0); }\n' \
	    >"$BATS_TEST_TMPDIR/ho.c"
	# shellcheck disable=SC2086 # CC may hold flags
	run -0 $CC -m32 -std=c99 -Wall -Wextra -Werror "${CPPFLAGS_WORDS[@]}" \
	    -o "$BATS_TEST_TMPDIR/ho" "$BATS_TEST_TMPDIR/ho.c" lib/handoff.c lib/xio.c
}

@test "off_t is 64 bits in a 32-bit build" {
	# a whole program: musl-gcc -m32 compiles against 64-bit headers
	# but has no 32-bit library to link with
	printf 'int main(void) { return 0; }\n' >"$BATS_TEST_TMPDIR/any.c"
	$CC -m32 -o "$BATS_TEST_TMPDIR/any" "$BATS_TEST_TMPDIR/any.c" 2>/dev/null ||
	    skip "$CC cannot build 32-bit programs here (Debian: apt-get install gcc-multilib; musl-gcc never can)"
	printf '#include <sys/types.h>\ntypedef char off_t_is_64[sizeof(off_t) == 8 ? 1 : -1];\n' \
	    >"$BATS_TEST_TMPDIR/off.c"
	# shellcheck disable=SC2086 # CC may hold flags
	run -0 $CC -m32 "${CPPFLAGS_WORDS[@]}" -c -o "$BATS_TEST_TMPDIR/off.o" "$BATS_TEST_TMPDIR/off.c"
}

@test "the writer ring uses no named shared memory" {
	# The objects, not the program: a sanitizer's runtime linked into
	# the program defines mmap itself.
	run -0 nm -u tapewr/ring.o
	[[ "$output" == *mmap* ]]
	run -0 nm -u tapewr/*.o lib/libdump.a
	[[ "$output" != *shm_open* ]]
}

@test "the BSDs' code path, built without __linux__, runs whole: no splice, vmsplice or pipe resizing, the same dump byte for byte through 64 KiB pipes, and it restores, from a raw disk too" {
	local T=$BATS_TEST_TMPDIR P=$BATS_TEST_TMPDIR/port b f
	need_strace
	CC=$CC t/tools/bsdbuild "$P"
	# Built without them: no object calls splice or vmsplice, where the
	# Linux build's do.
	run -0 nm -u "$P"/*/*.o
	[[ "$output" != *splice* ]]
	if linux_build; then
		run -0 nm -u "$TOP/blkread/obuf.o" "$TOP/tapewr/relay.o"
		[[ "$output" == *vmsplice* && "$output" == *" splice"* ]]
	fi

	mktree "$T/src" 32768 4096 2
	bigfile "$T/src/big" $((6 * 1024 * 1024 + 1234))
	mkdir "$T/src/small"
	for f in $(seq 1 200); do
		bigfile "$T/src/small/f$f" $((f * 97))
	done
	mkimage "$T/src" "$T/img" 2 32768 4096

	# The same stream, the stages in pipes, each build: into a pipe
	# (where the Linux build moves runs on with splice) and a file.
	for b in linux port; do
		f=$TOP/bin
		[ "$b" = port ] && f=$P/bin
		run -0 strace -f -qq -e trace=splice,vmsplice,fcntl -o "$T/$b.tr" sh -c "
		    '$f/dscan' -l0 -t 1700000000 '$T/img' 2>/dev/null |
		    '$f/dblkread' -S | '$f/dtapewr' -Z -f - 2>/dev/null | cat >'$T/$b.pipe'"
		run -0 sh -c "'$f/dscan' -l0 -t 1700000000 '$T/img' 2>/dev/null |
		    '$f/dblkread' -S | '$f/dtapewr' -Z -f '$T/$b.file' 2>/dev/null"
	done
	# The portable build made none of those calls; the Linux one did
	# (unless the programs under test are built as on a BSD too).
	if linux_build; then
		run -0 grep -cE 'splice\(|F_SETPIPE_SZ' "$T/linux.tr"
	fi
	run -1 grep -E 'splice\(|F_SETPIPE_SZ' "$T/port.tr"
	cmp "$T/linux.pipe" "$T/port.pipe"
	cmp "$T/linux.file" "$T/port.file"
	cmp "$T/port.pipe" "$T/port.file"
	restore_into "$T/port.pipe" "$T/out1"
	same_tree "$T/src" "$T/out1" -p s

	# The portable bin/dump, on the image and on it as a raw disk
	# (whole sectors, no map: the shim works in glibc programs only,
	# so a musl build leaves this part out).
	run -0 "$P/bin/dump" -0 -b 64 -f "$T/p.dump" "$T/img"
	restore_into "$T/p.dump" "$T/out2"
	same_tree "$T/src" "$T/out2" -p s
	if ldd "$P/bin/dblkread" 2>/dev/null | grep -q 'libc\.so\.6'; then
		need_sectorshim
		run -0 --separate-stderr shimmed 512 "$T/img" \
		    env SECTOR_MAPLOG="$T/maps" sh -c '"$1" -0 -f - "$2" >"$3"' \
		    sh "$P/bin/dump" "$T/img" "$T/raw.dump"
		[[ "$stderr" != *sectorshim:* ]]
		# (dblkread asked once to map it, was refused, and read)
		[ "$(wc -l <"$T/maps")" -eq 1 ]
		restore_into "$T/raw.dump" "$T/out3"
		same_tree "$T/src" "$T/out3" -p s
	fi
}
