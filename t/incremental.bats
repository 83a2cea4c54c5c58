# Incremental dumps: levels, selection, nodump, /etc/dumpdates, and
# restore -r chains that rebuild the file system exactly.  The image is
# changed in place between dumps with ufsedit, as a live system would
# change it, and the same changes are made to a host copy of the tree.

load helper

setup() {
	SRC="$BATS_TEST_TMPDIR/src"
	HOST="$BATS_TEST_TMPDIR/host"
	IMG="$BATS_TEST_TMPDIR/img"
	DD="$BATS_TEST_TMPDIR/dumpdates"
	mkdir -p "$SRC"/keep "$SRC"/mod "$SRC"/gone/dir "$SRC"/ren/sub \
	    "$SRC"/other "$SRC"/swap/d "$SRC"/links "$SRC"/deep/a/b/c
	echo keep >"$SRC/keep/a"
	bigfile "$SRC/keep/big" 300000
	echo content >"$SRC/mod/content"
	echo perm >"$SRC/mod/perm"
	echo owner >"$SRC/mod/owner"
	echo gone >"$SRC/gone/file"
	echo x >"$SRC/gone/dir/x"
	echo old >"$SRC/ren/old"
	echo move >"$SRC/ren/move"
	echo f >"$SRC/swap/f"
	echo target >"$SRC/links/t"
	ln "$SRC/links/t" "$SRC/links/extra"
	echo leaf >"$SRC/deep/a/b/c/leaf"
	cp -a "$SRC" "$HOST"
	mkimage "$SRC" "$IMG" 2 8192 1024
	age
}

# age: make every inode of the image older than any dump (makefs gives
# them the host's ctimes, which are now).
age() {
	(cd "$SRC" && find . -mindepth 1 | sed 's|^\./||; s|.*|utimes & 1500000000 1500000000|'
	    echo "utimes - 1500000000 1500000000") | ufsedit -t 1500000000 "$IMG"
}

# change SCRIPT: the same changes in the image (ufsedit commands) and on
# the host (the shell lines after "#host:" in the script).
change() {
	ufsedit "$IMG" <<<"$1"
	(cd "$HOST" && sed -n 's/^#host: //p' <<<"$1" | sh -e)
}

# dumpat LEVEL FILE [dump options]: a dump at LEVEL whose date is a new
# second, so that "changed since" is exact in the tests.
dumpat() {
	local level=$1 file=$2
	shift 2
	sleep 1
	run -0 dump "-${level}u" -D "$DD" -f "$file" "$@" "$IMG"
	sleep 1
}

# restore_r DIR DUMP...: restore -r each dump in order into DIR.
restore_r() {
	local dir=$1 d err="$BATS_TEST_TMPDIR/restore.err"
	shift
	mkdir -p "$dir"
	for d in "$@"; do
		(cd "$dir" && restore -rf "$d" </dev/null) >/dev/null 2>"$err" || {
			cat "$err" >&2
			return 1
		}
		if grep -Ev "$RESTORE_OK" "$err" >&2; then
			echo "restore -r $d complained (above)" >&2
			return 1
		fi
	done
}

same_as_host() {
	same_tree "$1" "$2" -p none -x restoresymtable
}

# listing DUMP: the paths restore -t finds on a dump, sorted.
listing() {
	restore -tf "$1" 2>/dev/null | sed -n 's/^ *[0-9][0-9]*	//p' | sort
}

CHANGES_A='write mod/content '"$BATS_TEST_TMPDIR"'/newcontent
chmod 4711 mod/perm
chown 1234 5678 mod/owner
write newfile '"$BATS_TEST_TMPDIR"'/newcontent
mkdir newdir
write newdir/inside '"$BATS_TEST_TMPDIR"'/newcontent
rm gone/file
rm gone/dir/x
rmdir gone/dir
rename ren/old ren/renamed
rename ren/move other/moved
link links/t links/added
rm links/extra
#host: cp "$BATS_TEST_TMPDIR/newcontent" mod/content
#host: chmod 4711 mod/perm
#host: chown 1234:5678 mod/owner
#host: cp "$BATS_TEST_TMPDIR/newcontent" newfile
#host: mkdir newdir && cp "$BATS_TEST_TMPDIR/newcontent" newdir/inside
#host: rm gone/file && rm -r gone/dir
#host: mv ren/old ren/renamed && mv ren/move other/moved
#host: ln links/t links/added && rm links/extra'

CHANGES_B='rm swap/f
mkdir swap/f
write swap/f/now-a-dir '"$BATS_TEST_TMPDIR"'/newcontent
rmdir swap/d
write swap/d '"$BATS_TEST_TMPDIR"'/newcontent
symlink ../keep/a newdir/link
write deep/a/b/c/leaf '"$BATS_TEST_TMPDIR"'/newcontent
#host: rm swap/f && mkdir swap/f && cp "$BATS_TEST_TMPDIR/newcontent" swap/f/now-a-dir
#host: rmdir swap/d && cp "$BATS_TEST_TMPDIR/newcontent" swap/d
#host: ln -s ../keep/a newdir/link
#host: cp "$BATS_TEST_TMPDIR/newcontent" deep/a/b/c/leaf'

CHANGES_C='rename newdir other/newdir
rm other/moved
mkfifo other/fifo
write keep/a '"$BATS_TEST_TMPDIR"'/newcontent
#host: mv newdir other/newdir && rm other/moved && mkfifo other/fifo
#host: cp "$BATS_TEST_TMPDIR/newcontent" keep/a'

@test "levels 0, 1, 2 and 1 again restore with restore -r into exactly the trees they saw" {
	echo "new contents" >"$BATS_TEST_TMPDIR/newcontent"
	dumpat 0 "$BATS_TEST_TMPDIR/d0"
	change "$CHANGES_A"
	dumpat 1 "$BATS_TEST_TMPDIR/d1"
	change "$CHANGES_B"
	dumpat 2 "$BATS_TEST_TMPDIR/d2"
	cp -a "$HOST" "$BATS_TEST_TMPDIR/after-b"
	change "$CHANGES_C"
	dumpat 1 "$BATS_TEST_TMPDIR/d3"

	restore_r "$BATS_TEST_TMPDIR/r012" "$BATS_TEST_TMPDIR/d0" \
	    "$BATS_TEST_TMPDIR/d1" "$BATS_TEST_TMPDIR/d2"
	same_as_host "$BATS_TEST_TMPDIR/after-b" "$BATS_TEST_TMPDIR/r012"
	restore_r "$BATS_TEST_TMPDIR/r01" "$BATS_TEST_TMPDIR/d0" \
	    "$BATS_TEST_TMPDIR/d3"
	same_as_host "$HOST" "$BATS_TEST_TMPDIR/r01"
	# Times too: the chain gives what a level 0 of the final image gives.
	run -0 dump -0 -f "$BATS_TEST_TMPDIR/final" "$IMG"
	restore_into "$BATS_TEST_TMPDIR/final" "$BATS_TEST_TMPDIR/rfinal"
	same_tree "$BATS_TEST_TMPDIR/rfinal" "$BATS_TEST_TMPDIR/r01" -p s -x restoresymtable
}

@test "each incremental holds the changed inodes and the directories that lead to them" {
	echo "new contents" >"$BATS_TEST_TMPDIR/newcontent"
	dumpat 0 "$BATS_TEST_TMPDIR/d0"
	change "$CHANGES_A"
	dumpat 1 "$BATS_TEST_TMPDIR/d1"
	change "$CHANGES_B"
	dumpat 2 "$BATS_TEST_TMPDIR/d2"
	run -0 listing "$BATS_TEST_TMPDIR/d1"
	[ "$output" = ".
./gone
./links
./links/added
./links/t
./mod
./mod/content
./mod/owner
./mod/perm
./newdir
./newdir/inside
./newfile
./other
./other/moved
./ren
./ren/renamed" ]
	# Level 2: only what B changed, and the way to it.
	run -0 listing "$BATS_TEST_TMPDIR/d2"
	[ "$output" = ".
./deep
./deep/a
./deep/a/b
./deep/a/b/c
./deep/a/b/c/leaf
./newdir
./newdir/link
./swap
./swap/d
./swap/f
./swap/f/now-a-dir" ]
}

@test "the used-inode map tells restore what is gone; the dumped map what is on the tape" {
	echo "new contents" >"$BATS_TEST_TMPDIR/newcontent"
	dumpat 0 "$BATS_TEST_TMPDIR/d0"
	run -0 dumpinfo -m "$BATS_TEST_TMPDIR/d0"
	used0=$(grep '^map clri' <<<"$output")
	[ "$used0" = "$(grep '^map bits' <<<"$output" | sed 's/bits/clri/')" ]
	change "$CHANGES_A"
	dumpat 1 "$BATS_TEST_TMPDIR/d1"
	run -0 --separate-stderr dscan -q "$IMG"
	want_used=$(awk '$1 == "u" { printf "%s%s", sep, ($2 == $3 ? $2 : $2 "-" $3); sep = "," }' <<<"$output")
	run -0 dumpinfo -m "$BATS_TEST_TMPDIR/d1"
	[ "$(grep '^map clri' <<<"$output")" = "map clri $want_used" ]
	# The dumped map is exactly the inodes that have headers on the tape.
	bits=$(grep '^map bits' <<<"$output")
	awk '$1 == "inode" { print $2 }' <<<"$output" | sort -n >"$BATS_TEST_TMPDIR/ontape"
	awk -v m="${bits#map bits }" 'BEGIN { n = split(m, r, ",")
	    for (i = 1; i <= n; i++) { k = split(r[i], ab, "-")
	        for (j = ab[1]; j <= (k == 2 ? ab[2] : ab[1]); j++) print j } }' |
	    sort -n >"$BATS_TEST_TMPDIR/inmap"
	diff "$BATS_TEST_TMPDIR/inmap" "$BATS_TEST_TMPDIR/ontape"
}

@test "a level 5 after a level 3 picks up everything since the level 3" {
	echo "new contents" >"$BATS_TEST_TMPDIR/newcontent"
	dumpat 0 "$BATS_TEST_TMPDIR/d0"
	change "$CHANGES_A"
	dumpat 3 "$BATS_TEST_TMPDIR/d3"
	change "$CHANGES_B"
	dumpat 5 "$BATS_TEST_TMPDIR/d5"
	run -0 listing "$BATS_TEST_TMPDIR/d5"
	[ "$output" = ".
./deep
./deep/a
./deep/a/b
./deep/a/b/c
./deep/a/b/c/leaf
./newdir
./newdir/link
./swap
./swap/d
./swap/f
./swap/f/now-a-dir" ]
	run -0 dumpinfo "$BATS_TEST_TMPDIR/d5"
	local date3
	date3=$(dumpinfo "$BATS_TEST_TMPDIR/d3" | sed -n '1s/.* date=\([0-9]*\) .*/\1/p')
	[[ "${lines[0]}" == *" ddate=$date3 level=5 "* ]]
	restore_r "$BATS_TEST_TMPDIR/r" "$BATS_TEST_TMPDIR/d0" \
	    "$BATS_TEST_TMPDIR/d3" "$BATS_TEST_TMPDIR/d5"
	same_as_host "$HOST" "$BATS_TEST_TMPDIR/r"
}

@test "nodump files and trees are left out at and above -h, kept below it" {
	echo "new contents" >"$BATS_TEST_TMPDIR/newcontent"
	change 'chflags 0x1 keep/a
chflags 0x1 deep/a
write deep/a/b/c/leaf '"$BATS_TEST_TMPDIR"'/newcontent
write keep/a '"$BATS_TEST_TMPDIR"'/newcontent'
	# -h 0: nodump honoured at level 0: keep/a, deep/a and all below go.
	dumpat 0 "$BATS_TEST_TMPDIR/h0" -h 0
	run -0 listing "$BATS_TEST_TMPDIR/h0"
	[[ "$output" != *"./keep/a"* ]]
	[[ "$output" != *"./deep/a"* ]]
	[[ "$output" == *"./deep"* ]]
	[[ "$output" == *"./keep/big"* ]]
	dumpat 0 "$BATS_TEST_TMPDIR/d0"
	# Level 0 with the default -h 1: nodump is not honoured.
	run -0 listing "$BATS_TEST_TMPDIR/d0"
	[[ "$output" == *"./deep/a/b/c/leaf"* ]]
	[[ "$output" == *"./keep/a"* ]]
	# Level 1, default -h 1: the changed nodump file and the changed file
	# under the nodump directory are both left out.
	change 'write keep/a '"$BATS_TEST_TMPDIR"'/newcontent
write deep/a/b/c/leaf '"$BATS_TEST_TMPDIR"'/newcontent
write keep/other '"$BATS_TEST_TMPDIR"'/newcontent'
	dumpat 1 "$BATS_TEST_TMPDIR/d1"
	run -0 listing "$BATS_TEST_TMPDIR/d1"
	[ "$output" = ".
./keep
./keep/other" ]
	# -h 2: at level 1 nodump is not honoured yet.
	dumpat 1 "$BATS_TEST_TMPDIR/d1h2" -h 2
	run -0 listing "$BATS_TEST_TMPDIR/d1h2"
	[ "$output" = ".
./deep
./deep/a
./deep/a/b
./deep/a/b/c
./deep/a/b/c/leaf
./keep
./keep/a
./keep/other" ]
}

@test "dumpdates gets the dump's own date, level and device, and only with -u" {
	dumpat 0 "$BATS_TEST_TMPDIR/d0"
	run -0 dumpinfo "$BATS_TEST_TMPDIR/d0"
	date0=$(sed -n '1s/.* date=\([0-9]*\) .*/\1/p' <<<"$output")
	run -0 ddate -D "$DD" -l 1 "$IMG"
	[ "${output%% *}" = "$date0" ]
	run -0 dump -1 -D "$DD" -f "$BATS_TEST_TMPDIR/d1" "$IMG"
	[ "$(wc -l <"$DD")" -eq 1 ]
	run -0 dumpinfo "$BATS_TEST_TMPDIR/d1"
	[[ "${lines[0]}" == *" ddate=$date0 level=1 "* ]]
}

@test "-T dumps everything changed since the date given, and refuses -u" {
	change 'write keep/a '"$BATS_TEST_TMPDIR"'/src/mod/perm'
	# The image's inodes are of 2017; the change is of now.
	run -0 dump -1 -T "Mon Jan  1 00:00:00 2024" -f "$BATS_TEST_TMPDIR/t" "$IMG"
	run -0 listing "$BATS_TEST_TMPDIR/t"
	[ "$output" = ".
./keep
./keep/a" ]
	run -1 dump -1u -T "Mon Jan  1 00:00:00 2024" -f "$BATS_TEST_TMPDIR/t" "$IMG"
	[[ "$output" == *"-T and -u cannot be used together"* ]]
}

@test "-S prints the estimate and writes nothing" {
	run -0 --separate-stderr dump -0S -f "$BATS_TEST_TMPDIR/nothing" "$IMG"
	[[ "$output" =~ ^[0-9]+$ ]]
	[ ! -e "$BATS_TEST_TMPDIR/nothing" ]
	[[ "$stderr" == *"DUMP: estimated $((output / 1024)) tape blocks"* ]]
	# The estimate is close to what the dump then writes.
	run -0 dump -0 -b 1 -f "$BATS_TEST_TMPDIR/real" "$IMG"
	real=$(($(stat -c %s "$BATS_TEST_TMPDIR/real") / 1024))
	est=$(dump -0S "$IMG" 2>/dev/null)
	[ $((est / 1024)) -ge $((real * 9 / 10)) ] && [ $((est / 1024)) -le $((real * 11 / 10 + 10)) ]
}

@test "a stage killed in the middle leaves dumpdates as it was" {
	local stage pid
	# Big enough that every stage is still at work when the FIFO stalls:
	# dscan's lines alone fill several pipes, and the 80 MB of data
	# more than dblkread's hand-off and dtapewr's ring hold (20 MB).
	mkdir "$SRC/many"
	# (Not aged: only dumpdates is looked at here, and ufsedit looks up
	# each of 20000 names in one directory, slowly under ASan.)
	(cd "$SRC/many" &&
	    head -c $((20000 * 4096)) /dev/zero | split -a 5 -d -b 4096 - f)
	mkimage "$SRC" "$IMG" 2 8192 1024
	dumpat 0 "$BATS_TEST_TMPDIR/d0"
	cp "$DD" "$BATS_TEST_TMPDIR/before"
	for stage in dscan dblkread dtapewr dump; do
		rm -f "$BATS_TEST_TMPDIR/fifo"
		mkfifo "$BATS_TEST_TMPDIR/fifo"
		# The dump stalls on the FIFO until it is read.  In a process
		# group of its own: the stages are found there, by no name
		# another dump on the machine could have.
		# (Its temporary directory in the test's own: a dump killed
		# with SIGKILL cannot remove it.)
		in_group env TMPDIR="$BATS_TEST_TMPDIR" \
		    dump -0u -D "$DD" -f "$BATS_TEST_TMPDIR/fifo" "$IMG" \
		    >"$BATS_TEST_TMPDIR/out" 2>&1
		pid=$PGID
		exec 5<"$BATS_TEST_TMPDIR/fifo"
		wait_until 60 all_stages "$PGID"
		[ "$stage" = dump ] || pid=$(in_group_pid "$PGID" "$stage")
		kill -9 "$pid"
		cat <&5 >/dev/null
		exec 5<&-
		if wait "$PGID"; then
			echo "dump survived the kill of $stage:" >&2
			cat "$BATS_TEST_TMPDIR/out" >&2
			false
		fi
		cmp "$DD" "$BATS_TEST_TMPDIR/before"
	done
}
