# bin/dump: the classic command line over the pipeline.

load helper

setup() {
	need_fixture dissect-ufs2-le.img.gz
	IMG=$(fixture dissect-ufs2-le.img.gz)
}

@test "dump -0 -f file special writes a dump restore reads" {
	run -0 sh -c "dump -0 -f '$BATS_TEST_TMPDIR/d' '$IMG' 2>&1"
	[ "${lines[0]}" = "  DUMP: Dumping $IMG to $BATS_TEST_TMPDIR/d" ]
	[ "${lines[-1]}" = "  DUMP: DUMP IS DONE" ]
	restore_into "$BATS_TEST_TMPDIR/d" "$BATS_TEST_TMPDIR/out"
	[ "$(cat "$BATS_TEST_TMPDIR/out/test_file")" = "test contents" ]
}

@test "the old bundled form dump 0f file special works, with more letters" {
	run -0 dump 0f "$BATS_TEST_TMPDIR/d" "$IMG"
	run -0 dumpinfo "$BATS_TEST_TMPDIR/d"
	[[ "${lines[0]}" == "tape vol=1 "*" level=0 label=none "* ]]
	run -0 dump 0bNf 32 "a label" "$BATS_TEST_TMPDIR/d2" "$IMG"
	run -0 dumpinfo "$BATS_TEST_TMPDIR/d2"
	[[ "${lines[0]}" == "tape vol=1 "*" label=a label "* ]]
	[ $(($(stat -c %s "$BATS_TEST_TMPDIR/d2") % 32768)) -eq 0 ]
}

@test "-f - sends the dump to stdout" {
	run -0 sh -c "dump -0 -f - '$IMG' 2>/dev/null | restore -tf - 2>/dev/null"
	[[ "$output" == *"./test_dir/test_file_2"* ]]
}

@test "without -f the dump goes to \$TAPE" {
	TAPE="$BATS_TEST_TMPDIR/tape" run -0 dump -0 "$IMG"
	run -0 dumpinfo "$BATS_TEST_TMPDIR/tape"
}

@test "a file system that cannot be read is a bad start: exit 1, dscan's line, nothing written" {
	head -c 300000 /dev/zero >"$BATS_TEST_TMPDIR/zero"
	run -1 sh -c "dump -0 -f '$BATS_TEST_TMPDIR/d' '$BATS_TEST_TMPDIR/zero' 2>&1"
	[ "${lines[1]}" = "dscan: $BATS_TEST_TMPDIR/zero: not a UFS1 or UFS2 file system: no superblock at byte 65536, 8192, 0 or 262144" ]
	[ "${#lines[@]}" = 2 ]
	[ ! -e "$BATS_TEST_TMPDIR/d" ]
}

@test "a damaged file system fails the dump even though the stream is complete" {
	need_fixture freebsd-ufs2-le.img.gz
	local img
	img=$(fixture freebsd-ufs2-le.img.gz)
	printf '\355\361' | dd of="$img" bs=1 seek=$((40 * 4096 + 5 * 256)) conv=notrunc 2>/dev/null
	run -3 sh -c "dump -0 -f '$BATS_TEST_TMPDIR/d' '$img' 2>&1"
	[[ "$output" == *"  DUMP: The dump failed: dscan (exit status 2) dblkread (exit status 2)"* ]]
	[[ "$output" == *"  DUMP: $BATS_TEST_TMPDIR/d holds a complete dump, but the damaged parts named above are left out or zeros"* ]]
	[[ "$output" != *"does not hold"* ]]
}

# fakestages DSCAN DBLKREAD DTAPEWR DDATE: run a copy of the script,
# with -u, beside stand-ins for its programs that exit with these
# statuses; its last lines in $output.
fakestages() {
	local f="$BATS_TEST_TMPDIR/fake" p shell=${DUMP_SH:-sh}
	mkdir -p "$f"
	cp "$TOP/bin/dump" "$f/dump"
	for p in "dscan $1" "dblkread $2" "dtapewr $3" "ddate $4"; do
		printf '#!/bin/sh\nexit %s\n' "${p#* }" >"$f/${p% *}"
		chmod +x "$f/${p% *}"
	done
	# shellcheck disable=SC2086 # DUMP_SH may be a command and its arguments
	run $shell "$f/dump" -0u -D "$BATS_TEST_TMPDIR/dd" -f "$BATS_TEST_TMPDIR/d" "$IMG"
	[ "$status" = 3 ]
	output=$(printf '%s\n' "${lines[@]:1}")
}

@test "a failed dump names the stage that caused it, by the exit statuses the programs share" {
	local d="$BATS_TEST_TMPDIR/d"
	fakestages 0 141 4 0
	[ "$output" = "  DUMP: The dump failed: dblkread (killed by signal 13) dtapewr (exit status 4)
  DUMP: dtapewr could not write its output
  DUMP: $d does not hold a complete, faithful dump" ]
	fakestages 137 3 3 0
	[ "$output" = "  DUMP: The dump failed: dscan (killed by signal 9) dblkread (exit status 3) dtapewr (exit status 3)
  DUMP: dscan was killed by signal 9
  DUMP: $d does not hold a complete, faithful dump" ]
	fakestages 141 4 3 0
	[ "${lines[2]}" = "  DUMP: dblkread could not write the dump stream, ran out of memory or gave up on an unreadable device" ]
	fakestages 0 3 0 0
	[ "${lines[2]}" = "  DUMP: dblkread read a malformed or cut-short input" ]
	fakestages 141 141 5 0
	[ "${lines[2]}" = "  DUMP: dtapewr was ended by the operator" ]
	fakestages 4 3 3 0
	[ "${lines[2]}" = "  DUMP: dscan could not write its stream" ]
	fakestages 0 2 0 0
	[ "$output" = "  DUMP: The dump failed: dblkread (exit status 2)
  DUMP: $d holds a complete dump, but the damaged parts named above are left out or zeros" ]
	fakestages 0 0 0 3
	[ "$output" = "  DUMP: The dump is complete, but $BATS_TEST_TMPDIR/dd has a malformed line and was not updated" ]
	fakestages 0 0 0 4
	[ "$output" = "  DUMP: The dump is complete, but $BATS_TEST_TMPDIR/dd was not updated" ]
}

@test "bad usage prints the synopsis and exits 1" {
	run -1 dump -0
	[[ "$output" == "usage: dump "* ]]
	run -1 dump 0f
	[ "$output" = "dump: key letter f needs an argument" ]
}

@test "the front script is POSIX sh that shellcheck passes" {
	run -0 shellcheck -s sh "$TOP/bin/dump"
}

@test "the bundled form takes u and D: dump 0uDf dumpdates file special" {
	run -0 dump 0uDf "$BATS_TEST_TMPDIR/dd" "$BATS_TEST_TMPDIR/d" "$IMG"
	run -0 cat "$BATS_TEST_TMPDIR/dd"
	[[ "$output" =~ ^"$IMG"\ +0\ [A-Z][a-z][a-z]\ [A-Z][a-z][a-z]\ [\ 0-9][0-9]\ [0-9:]{8}\ [0-9]{4}$ ]]
}

@test "dump -M -B writes volumes that restore -M reads back" {
	need_fixture freebsd-ufs2-le.img.gz
	local img
	img=$(fixture freebsd-ufs2-le.img.gz)
	dscan -q "$img" | without 10 >"$BATS_TEST_TMPDIR/rec"
	run -0 sh -c "dblkread <'$BATS_TEST_TMPDIR/rec' | dtapewr -M -B 300 -f '$BATS_TEST_TMPDIR/v' 2>&1"
	[[ "$output" == *"tape blocks on "*" volumes"* ]]
	# The same through the front script, with a small file system.
	run -0 dump -0 -M -B 10 -f "$BATS_TEST_TMPDIR/w" "$IMG"
	[ -e "$BATS_TEST_TMPDIR/w002" ]
	restore_into "$BATS_TEST_TMPDIR/w" "$BATS_TEST_TMPDIR/out" -M -b 1
	[ "$(cat "$BATS_TEST_TMPDIR/out/test_file")" = "test contents" ]
}

@test "make install puts the programs, the script and the pages under DESTDIR and PREFIX" {
	run -0 make -C "$TOP" install DESTDIR="$BATS_TEST_TMPDIR/stage" PREFIX=/opt/dump
	for f in sbin/dscan sbin/dblkread sbin/dtapewr sbin/ddate sbin/dump \
	    share/man/man1/dscan.1 share/man/man5/dscan.5 share/man/man5/dumptape.5 \
	    share/man/man8/dump.8; do
		[ -e "$BATS_TEST_TMPDIR/stage/opt/dump/$f" ]
	done
	[ -x "$BATS_TEST_TMPDIR/stage/opt/dump/sbin/dump" ]
}
