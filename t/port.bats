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
}

@test "dtapewr keeps SIGINFO (^T progress) and its ring MAP_ANON under each BSD's feature rules" {
	local os
	for os in FreeBSD NetBSD OpenBSD DragonFly; do
		# (among the signals the master's loop catches)
		run -0 asbsd "$os" tapewr/loop.c
		[[ "$output" == *"caught[]={"*"{29,1},"*"};"* ]]
		run -0 asbsd "$os" tapewr/ring.c
		[[ "$output" == *"signal(29,"* ]]
		# and it compiles there (_DEFAULT_SOURCE: glibc warns of
		# OpenBSD's _BSD_SOURCE without it; the stand-ins decide)
		# shellcheck disable=SC2086 # CC may hold flags
		run -0 $CC -fsyntax-only -std=c99 -Wall -Wextra -Werror \
		    "${CPPFLAGS_WORDS[@]}" -D_DEFAULT_SOURCE -D"__${os}__" \
		    -It/tools/bsdhdr tapewr/ring.c
	done
}

@test "the files with Linux-only parts (splice, vmsplice) compile without them, as on each BSD" {
	local os f
	for os in FreeBSD NetBSD OpenBSD DragonFly; do
		# no splice(2) there: relay.c's moves are compiled out
		run -0 asbsd "$os" tapewr/relay.c "${CPPFLAGS_WORDS[@]}" -U__linux__
		[[ "$output" != *"splice("* ]]
		for f in tapewr/relay.c blkread/obuf.c lib/xio.c; do
			# shellcheck disable=SC2086 # CC may hold flags
			run -0 $CC -fsyntax-only -std=c99 -Wall -Wextra -Werror \
			    "${CPPFLAGS_WORDS[@]}" -D_DEFAULT_SOURCE -U__linux__ \
			    -D"__${os}__" -It/tools/bsdhdr "$f"
		done
	done
}

@test "dblkread's map of the device (mmap, a SIGBUS handler with SA_SIGINFO, sigsetjmp, posix_madvise) needs nothing beyond POSIX: it compiles under each BSD's rules" {
	local os
	for os in FreeBSD NetBSD OpenBSD DragonFly; do
		# the Makefile's flags alone: no _DEFAULT_SOURCE, nothing of
		# Linux; readahead.c includes no feature.h
		# shellcheck disable=SC2086 # CC may hold flags
		run -0 $CC -fsyntax-only -std=c99 -Wall -Wextra -Werror \
		    "${CPPFLAGS_WORDS[@]}" -U__linux__ -D"__${os}__" \
		    -It/tools/bsdhdr blkread/readahead.c
	done
	! grep -q 'feature\.h\|__linux__' blkread/readahead.c
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
