# The speed work of issue 16 changes how bytes move, never which: pages
# handed to the pipe (dblkread -S), file data spliced from the device
# into a pipe, long runs moved on by dtapewr -Z, the small runs dblkread
# copies out of the mapped device or reads through its read-ahead window,
# and the directory read-ahead of dscan.

load helper

# The tree, its image and its record stream are made once for the file
# (S); each test writes in its own directory (T).
setup_file() {
	local S=$BATS_FILE_TMPDIR d i
	# Many small files in a few directories, and files larger than
	# dblkread's output buffers (4 MiB) so that they rotate.
	mkdir -p "$S/tree/big"
	for d in $(seq 1 12); do
		mkdir "$S/tree/d$d"
		for i in $(seq 1 40); do
			head -c $(((d * 40 + i) * 97 % 8192 + 1)) /dev/urandom \
			    >"$S/tree/d$d/f$i"
		done
	done
	bigfile "$S/tree/big/a" 9000000
	bigfile "$S/tree/big/b" 7000001
	# A directory of more than 64 records, built in dblkread's buffer:
	# a long run never handed over with -S, moved on by dtapewr -Z.
	mkdir "$S/tree/many"
	(cd "$S/tree/many" && seq -f 'a-file-with-a-long-name-%05g' 1 2400 |
	    xargs touch)
	BATS_TEST_TMPDIR=$S mkimage "$S/tree" "$S/img" 2 32768 4096
	dscan -q -t 1700000000 "$S/img" >"$S/rec"
}

setup() {
	S=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
}

@test "dblkread -S writes the same bytes as without it, into a file, a pipe and a reader that takes 512 bytes at a time" {
	run -0 sh -c "dblkread <'$S/rec' >'$T/plain'"
	[ "$(stat -c %s "$T/plain")" -gt $((4 * 4194304)) ]
	run -0 sh -c "dblkread -S <'$S/rec' >'$T/file'"
	cmp "$T/plain" "$T/file"
	run -0 sh -c "dblkread -S <'$S/rec' | cat >'$T/cat'"
	cmp "$T/plain" "$T/cat"
	run -0 sh -c "dblkread -S <'$S/rec' | dd bs=512 status=none of='$T/slow'"
	cmp "$T/plain" "$T/slow"
	# And through dump (which gives dblkread -S) into a pipe: restore
	# gives the tree back.
	run -0 sh -c "dump -0 -f - '$S/img' 2>/dev/null | cat >'$T/d'"
	restore_into "$T/d" "$T/out"
	same_tree "$S/tree" "$T/out" -p s
}

@test "without -S, and into a file, dblkread only write(2)s; with -S into a pipe it hands pages over with vmsplice, but for long runs (Linux)" {
	local written lent
	need_strace
	need_linux_build
	run -0 sh -c "strace -qq -e trace=vmsplice,write -o '$T/plain.tr' dblkread <'$S/rec' | cat >/dev/null"
	run ! grep -q vmsplice "$T/plain.tr"
	grep -q '^write(1, ' "$T/plain.tr"
	run -0 strace -qq -e trace=vmsplice,write -o "$T/file.tr" \
	    sh -c "exec dblkread -S <'$S/rec' >'$T/file'"
	run ! grep -q vmsplice "$T/file.tr"
	grep -q '^write(1, ' "$T/file.tr"
	run -0 sh -c "strace -qq -e trace=vmsplice,write -o '$T/splice.tr' dblkread -S <'$S/rec' | cat >/dev/null"
	grep -q '^vmsplice(1, ' "$T/splice.tr"
	# The long runs that dtapewr -Z may move on are written, never
	# handed over: the big directory's (the files' are spliced from
	# the device), fewer bytes than are handed over.
	written=$(awk -F'= ' '/^write\(1, /{ s += $NF } END { print s + 0 }' "$T/splice.tr")
	lent=$(awk -F'= ' '/^vmsplice\(1, /{ s += $NF } END { print s + 0 }' "$T/splice.tr")
	[ "$written" -ge $((64 * 1024)) ]
	[ "$written" -lt "$lent" ]
	# dump gives dblkread -S: its stream to dtapewr goes by vmsplice
	# (on Linux: elsewhere by the hand-off, handoff.bats).
	run -0 strace -f -qq -e trace=vmsplice -o "$T/dump.tr" \
	    env -u DUMP_HANDOFF dump -0 -f "$T/d" "$S/img"
	grep -q 'vmsplice(1, ' "$T/dump.tr"
}

@test "into a pipe dblkread splices large runs of file data from the device (Linux): the same bytes as into a file, UFS1 and UFS2, fragments of 512 to 8192 bytes" {
	need_strace
	need_linux_build
	local g ver bs fs opt spliced
	mkdir -p "$T/src"
	# tails that are not whole fragments, nor whole 1 KiB records
	bigfile "$T/src/a" 3145729
	bigfile "$T/src/b" 66049
	bigfile "$T/src/c" 65535
	bigfile "$T/src/d" 700001
	echo small >"$T/src/e"
	for g in "1 4096 512" "1 8192 1024" "2 16384 2048" "2 65536 8192"; do
		read -r ver bs fs <<<"$g"
		rm -f "$T/img" "$T/rec"
		mkimage "$T/src" "$T/img" "$ver" "$bs" "$fs"
		dscan -q -t 1700000000 "$T/img" >"$T/rec"
		run -0 strace -qq -e trace=splice -o "$T/file.tr" \
		    sh -c "exec dblkread <'$T/rec' >'$T/want'"
		run ! grep -q '^splice(' "$T/file.tr"
		for opt in "" -S; do
			run -0 sh -c "strace -qq -e trace=splice -o '$T/pipe.tr' dblkread $opt <'$T/rec' | dd bs=512 status=none of='$T/got'"
			cmp "$T/want" "$T/got" || { echo "UFS$ver $bs/$fs dblkread $opt" >&2; return 1; }
			# most of the 3.8 MB of data went by splice
			spliced=$(awk -F' = ' '/^splice\(/ { n += $NF } END { print n + 0 }' "$T/pipe.tr")
			[ "$spliced" -gt 3000000 ] || { echo "UFS$ver $bs/$fs: $spliced bytes spliced" >&2; return 1; }
		done
	done
	restore_into "$T/got" "$T/out"
	same_tree "$T/src" "$T/out" -p s
}

# device_calls CALL TRACE: "length offset" of each CALL (pread64 or
# mmap) of the image in an strace TRACE, through the descriptor it was
# first opened on (open or openat, as the C library likes).
device_calls() {
	awk -v img="\"$S/img\"" -v call="$1" '
	fd == "" && /^open(at)?\(/ && index($0, img) && !/O_DIRECT/ {
		fd = $NF; next
	}
	fd == "" { next }
	call == "pread64" && index($0, "pread64(" fd ", ") == 1 {
		sub(/\) += .*/, ""); n = split($0, f, ", "); print f[n - 1], f[n]
	}
	call == "mmap" && /^mmap\(/ && index($0, ", " fd ", ") {
		sub(/\) += .*/, ""); n = split($0, f, ", ")
		if (f[n - 1] == fd) print f[2], f[n]
	}' "$2"
}

@test "dblkread copies small runs out of a few mapped stretches of the device, whole pages, reads none of them, and the dump restores (Linux)" {
	need_strace
	local runs maps
	runs=$(awk '$1 == "d" && $4 != 0' "$S/rec" | wc -l)
	[ "$runs" -gt 400 ]
	run -0 sh -c "strace -qq -e trace=open,openat,pread64,mmap -o '$T/r.tr' dblkread <'$S/rec' >'$T/d'"
	device_calls mmap "$T/r.tr" >"$T/maps"
	maps=$(wc -l <"$T/maps")
	[ "$maps" -gt 0 ]
	[ "$maps" -lt $((runs / 4)) ] || { echo "$maps maps for $runs runs" >&2; return 1; }
	# read-only, shared (the page cache's own pages), at page offsets
	grep -q 'PROT_READ, MAP_SHARED' "$T/r.tr"
	run -0 awk '$2 % 4096' "$T/maps"
	[ -z "$output" ]
	# the reads left are the superblock's (8192 bytes where makefs puts
	# UFS2's) and the large runs' (128 KiB or more, their last fragment
	# read by itself when only part of it is the file's)
	device_calls pread64 "$T/r.tr" >"$T/reads"
	run -0 awk '$1 < 131072 && !($1 == 8192 && $2 == 8192) &&
	    $2 != end { print } { end = $1 + $2 }' "$T/reads"
	[ -z "$output" ]
	restore_into "$T/d" "$T/out"
	same_tree "$S/tree" "$T/out" -p s
}

@test "dblkread catches only the faults of its own copies out of the map: SIGSEGV or SIGBUS sent with kill still ends it by that signal" {
	local sig num pid st w
	mkfifo "$T/in"
	for sig in SEGV BUS; do
		num=$(kill -l "$sig")
		# no core file; a sanitizer build leaves the two signals alone,
		# as a plain build does, instead of reporting them itself
		(ulimit -c 0; ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0:handle_sigbus=0" \
		    exec dblkread <"$T/in" >/dev/null 2>"$T/err") &
		pid=$!
		# the stream's first lines, the rest held back: dblkread has
		# the device open, its handler set, and waits for more
		exec {w}>"$T/in"
		head -n 3 "$S/rec" >&"$w"
		wait_until 10 catches "$pid" "$num"
		kill -s "$sig" "$pid"
		st=0
		wait "$pid" || st=$?
		exec {w}>&-
		[ "$st" = $((128 + num)) ] || { echo "$sig: exit $st" >&2; cat "$T/err" >&2; return 1; }
	done
}

@test "where the device cannot be mapped (a raw disk), dblkread reads nearby small runs in a few large reads, whole fragments each, the same bytes" {
	need_strace
	need_sectorshim
	local runs reads
	runs=$(awk '$1 == "d" && $4 != 0' "$S/rec" | wc -l)
	dblkread <"$S/rec" >"$T/want"
	run -0 shimmed 512 "$S/img" env SECTOR_MAPLOG="$T/maplog" sh -c \
	    "strace -qq -e trace=open,openat,pread64 -o '$T/r.tr' dblkread <'$S/rec' >'$T/d'"
	# the map was asked for, once, and refused
	[ "$(wc -l <"$T/maplog")" = 1 ]
	device_calls pread64 "$T/r.tr" >"$T/reads"
	reads=$(wc -l <"$T/reads")
	[ "$reads" -gt 0 ]
	[ "$reads" -lt $((runs / 4)) ] || { echo "$reads reads for $runs runs" >&2; return 1; }
	# every one a multiple of 4096 bytes at a multiple of 4096
	run -0 awk '$1 % 4096 || $2 % 4096' "$T/reads"
	[ -z "$output" ]
	cmp "$T/want" "$T/d"
}

@test "dscan announces the directory blocks it will read with POSIX_FADV_WILLNEED (Linux), the stream unchanged" {
	need_strace
	run -0 sh -c "strace -qq -e trace=fadvise64 -o '$T/f.tr' dscan -q -t 1700000000 '$S/img' >'$T/rec2'"
	grep -q 'POSIX_FADV_WILLNEED' "$T/f.tr"
	cmp "$S/rec" "$T/rec2"
}

@test "dtapewr reads into its ring: the same volumes whatever pieces the input comes in, with -B splits and end of media" {
	local obs b vol
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
	run -0 sh -c "dblkread <'$S/rec' >'$T/in'"
	# The stream is several times the ring (6 MiB at -b 10): windows
	# meet the ring's end and busy slots many times.
	[ "$(stat -c %s "$T/in")" -gt $((12 * 1048576)) ]
	for b in 10 64; do
		# what dtapewr makes of the stream read from a file, whole
		run -0 sh -c "dtapewr -b $b -f - <'$T/in' >'$T/want$b'"
		run -0 dtapewr -b $b -B 3000 -M -f "$T/wantvol$b." <"$T/in"
		EOM_AT="$T/wanteom$b.001:5000000" EOM_STYLE=short \
		    LD_PRELOAD="$TOP/t/tools/bin/eomshim.so" \
		    run -0 dtapewr -b $b -M -f "$T/wanteom$b." <"$T/in"
		[ -s "$T/wanteom$b.002" ]
		# and from a pipe in pieces that cut records anywhere
		for obs in 1023 4097 1048577; do
			run -0 sh -c "dd if='$T/in' bs=$obs status=none | dtapewr -b $b -f - >'$T/got'"
			cmp "$T/want$b" "$T/got"
			rm -f "$T"/gotvol.*
			run -0 sh -c "dd if='$T/in' bs=$obs status=none | dtapewr -b $b -B 3000 -M -f '$T/gotvol.'"
			for vol in "$T"/wantvol$b.*; do
				cmp "$vol" "$T/gotvol.${vol##*.}"
			done
			rm -f "$T"/goteom.*
			run -0 sh -c "dd if='$T/in' bs=$obs status=none | EOM_AT='$T/goteom.001:5000000' EOM_STYLE=short LD_PRELOAD='$TOP/t/tools/bin/eomshim.so' dtapewr -b $b -M -f '$T/goteom.'"
			for vol in "$T"/wanteom$b.*; do
				cmp "$vol" "$T/goteom.${vol##*.}"
			done
		done
	done
	mkdir "$T/out"
	(cd "$T/out" && restore -xaoM -f "$T/wanteom10." </dev/null) >/dev/null 2>&1
	same_tree "$S/tree" "$T/out" -p s
}

@test "dtapewr -Z into a pipe: the same bytes as without it at every block size, into a slow reader too, as dump runs it" {
	local b
	run -0 sh -c "dblkread -S <'$S/rec' >'$T/in'"
	for b in 1 7 10 64 100; do
		run -0 sh -c "dtapewr -b $b -f - <'$T/in' 2>'$T/ref.err' >'$T/ref.$b'"
		run -0 sh -c "cat '$T/in' | dtapewr -Z -b $b -f - 2>'$T/z.err' | cat >'$T/z.$b'"
		cmp "$T/ref.$b" "$T/z.$b"
		# the same count of tape blocks in the closing lines
		grep '^  DUMP: [0-9]* tape blocks$' "$T/z.err"
		[ "$(grep 'tape blocks' "$T/ref.err")" = "$(grep 'tape blocks' "$T/z.err")" ]
	done
	run -0 sh -c "cat '$T/in' | dtapewr -Z -f - 2>/dev/null | dd bs=512 status=none of='$T/slow'"
	cmp "$T/ref.10" "$T/slow"
	# dblkread -S before it, as dump runs them, into a reader that
	# lags: pages dblkread lent and used again would show here.
	run -0 sh -c "dblkread -S <'$S/rec' | dtapewr -Z -f - 2>/dev/null | dd bs=512 status=none of='$T/pipe'"
	cmp "$T/ref.10" "$T/pipe"
	run -0 sh -c "dump -0 -f - '$S/img' 2>/dev/null | dd bs=512 status=none of='$T/d'"
	restore_into "$T/d" "$T/out"
	same_tree "$S/tree" "$T/out" -p s
}

@test "dtapewr -Z moves the long runs from its input pipe with splice, not into a file, and dump gives it (Linux)" {
	need_strace
	need_linux_build
	run -0 sh -c "dblkread -S <'$S/rec' >'$T/in'"
	run -0 sh -c "cat '$T/in' | strace -qq -e trace=splice -o '$T/pipe.tr' dtapewr -Z -f - 2>/dev/null | cat >/dev/null"
	grep -q '^splice(0, NULL, 1, NULL, [0-9]*, SPLICE_F_MOVE|SPLICE_F_NONBLOCK) = [0-9]' "$T/pipe.tr"
	run -0 sh -c "cat '$T/in' | strace -qq -e trace=splice -o '$T/file.tr' dtapewr -Z -f '$T/file' 2>/dev/null"
	run ! grep -q '^splice(0, ' "$T/file.tr"
	run -0 sh -c "cat '$T/in' | strace -qq -e trace=splice -o '$T/noz.tr' dtapewr -f - 2>/dev/null | cat >/dev/null"
	run ! grep -q '^splice(0, ' "$T/noz.tr"
	# (as dump runs on Linux: no hand-off)
	run -0 sh -c "strace -f -qq -e trace=splice -o '$T/dump.tr' env -u DUMP_HANDOFF dump -0 -f - '$S/img' 2>/dev/null | cat >/dev/null"
	grep -q 'splice(0, NULL, 1, NULL, ' "$T/dump.tr"
}

@test "dtapewr -Z: a reader gone, a stream cut inside a run, a stop signal: each ends it as without -Z" {
	local len pid rc=0 p w blk
	run -0 sh -c "dblkread -S <'$S/rec' >'$T/in'"
	len=$(stat -c %s "$T/in")
	run -4 bash -c "set -o pipefail; cat '$T/in' | dtapewr -Z -f - 2>'$T/err' | head -c 3000000 >/dev/null"
	grep -q '^dtapewr: standard output: write error at block [0-9]*: Broken pipe$' "$T/err"
	# counted in blocks of the output, the moved ones too: at least
	# as far as the reader took
	blk=$(sed -n 's/^dtapewr: standard output: write error at block \([0-9]*\):.*/\1/p' "$T/err")
	[ $(((blk + 1) * 10240)) -ge 3000000 ]
	# gone in the headers of the empty files at the end, after the big
	# files moved on: the ring's writer meets it
	run -4 bash -c "set -o pipefail; cat '$T/in' | dtapewr -Z -f - 2>'$T/err' | head -c $((len - 1048576)) >/dev/null"
	blk=$(sed -n 's/^dtapewr: standard output: write error at block \([0-9]*\):.*/\1/p' "$T/err")
	echo "stream of $len bytes, read $((len - 1048576)):" >&2
	cat "$T/err" >&2
	[ $(((blk + 1) * 10240)) -ge $((len - 1048576)) ]
	# Cut in the middle of the 9 MB file, inside one of its runs.
	run -3 bash -c "set -o pipefail; head -c $((len / 2)) '$T/in' | dtapewr -Z -f - 2>'$T/err' | cat >/dev/null"
	grep -q '^dtapewr: stdin: input ends ' "$T/err"
	# A reader that reads nothing: dtapewr stalls, and SIGTERM stops it.
	mkfifo "$T/fifo"
	exec 8<>"$T/fifo"
	cat "$T/in" | dtapewr -Z -f "$T/fifo" 2>"$T/err" &
	pid=$!
	until [ "$(pgrep -P "$pid" | wc -l)" -eq 3 ]; do
		kill -0 "$pid"
	done
	w=$(pgrep -P "$pid")
	kill -TERM "$pid"
	wait "$pid" || rc=$?
	exec 8<&-
	cat "$T/err" >&2
	[ "$rc" = 143 ]
	for p in $w; do
		run ! kill -0 "$p"
	done
}

