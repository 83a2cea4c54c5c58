#!/usr/bin/env bats
# The fuzz harnesses of t/fuzz/ as regression tests: built with $(CC) and
# the plain driver ("make fuzzcheck"), each runs clean over every seed of
# its corpus and every reproducer kept in t/fuzz/regress/<harness>/.
# shellcheck disable=SC2154 # run --separate-stderr sets $stderr

load helper

HARNESSES="superblock inode dir lines stream dumpdates handoff"

setup_file() {
	make -C "$TOP" fuzzcheck >"$BATS_FILE_TMPDIR/make.out" 2>&1 || {
		cat "$BATS_FILE_TMPDIR/make.out" >&2
		return 1
	}
}

# runharness HARNESS DIR: run HARNESS over every file in DIR, each in at
# most 30 seconds; on a failure show which input it was and what the
# harness said.  Damaged inputs make the code under test complain a lot:
# only the last input's name and the end of stderr are kept.
runharness() {
	run bash -c 'set -o pipefail
	    "$1" -v -t 30 "$2" 2>&1 >/dev/null | awk "
		/^driver: / { input = \$0 }
		{ last[NR % 20] = \$0 }
		END { print \"last input: \" input
		    for (i = NR > 20 ? NR - 19 : 1; i <= NR; i++)
			print last[i % 20] }"' sh \
	    "$TOP/t/fuzz/bin/$1-check" "$2"
	if [ "$status" -ne 0 ]; then
		echo "$1-check exited $status; the end of its stderr:" >&2
		printf '%s\n' "$output" >&2
		return 1
	fi
}

# corpus HARNESS: the harness passes over its seeds, and there are some.
corpus() {
	local n
	n=$(find "$TOP/t/fuzz/corpus/$1" -type f | wc -l)
	[ "$n" -ge 1 ]
	runharness "$1" "$TOP/t/fuzz/corpus/$1"
}

@test "every harness has a -check binary and a seed corpus" {
	local h
	for h in $HARNESSES; do
		[ -x "$TOP/t/fuzz/bin/$h-check" ]
		[ -d "$TOP/t/fuzz/corpus/$h" ]
	done
}

@test "the superblock search and cylinder-group reader pass over their seeds" {
	corpus superblock
}

@test "the inode decoder and block-map walker pass over their seeds" {
	corpus inode
}

@test "the directory block reader passes over its seeds" {
	corpus dir
}

@test "the dscan stream reader passes over its seeds and round-trips them" {
	corpus lines
}

@test "the dump stream's checking reader passes over its seeds" {
	corpus stream
}

@test "the dumpdates reader and date parser pass over their seeds" {
	corpus dumpdates
}

@test "the hand-off's reader passes over its seeds" {
	corpus handoff
}

@test "every reproducer kept in regress/ runs clean under its harness" {
	local d h n=0
	for d in "$TOP"/t/fuzz/regress/*/; do
		h=$(basename "$d")
		# A directory named after no harness would never run.
		[[ " $HARNESSES " == *" $h "* ]] || {
			echo "regress/$h: no such harness" >&2
			return 1
		}
		n=$((n + $(find "$d" -type f | wc -l)))
		runharness "$h" "$d"
	done
	# The fixed bugs are still here to be tested.
	[ "$n" -ge 2 ]
}

@test "no reproducer is kept as a bug still open (crash-*)" {
	run find "$TOP/t/fuzz/regress" -name 'crash-*'
	[ -z "$output" ] || { echo "open: $output"; false; }
}

@test "the driver runs a named file as well as a directory, and refuses a missing one" {
	local f
	f=$(find "$TOP/t/fuzz/corpus/dumpdates" -type f | sort | head -n 1)
	run -0 --separate-stderr "$TOP/t/fuzz/bin/dumpdates-check" -v "$f"
	[[ "$stderr" == *"driver: $f ("* ]]
	run -2 --separate-stderr "$TOP/t/fuzz/bin/dumpdates-check" \
	    "$BATS_TEST_TMPDIR/none"
	[ "$stderr" = "driver: $BATS_TEST_TMPDIR/none: No such file or directory" ]
}
