# dscan as an inventory tool: path names (-p), filters (-w) that still
# make dumps restore can read, and the summary (-s).

load helper

setup_file() {
	local d="$BATS_FILE_TMPDIR/src"
	mktree "$d" 8192 1024 2
	mkdir -p "$d/home/alice/mail" "$d/home/bob" "$d/home/carol"
	echo inbox >"$d/home/alice/mail/inbox"
	bigfile "$d/home/alice/photo" 200000
	echo plan >"$d/home/alice/plan"
	ln "$d/home/alice/plan" "$d/home/bob/alice's plan"
	echo notes >"$d/home/bob/notes"
	echo x >"$d/home/carol/$(printf 'latin1 caf\351 \377')"
	mkfifo "$d/home/carol/pipe"
	chown -R 1001:100 "$d/home/alice"
	chown -R 1002:200 "$d/home/bob"
	chown 1002:200 "$d/home/bob/alice's plan"
	chown 1001:100 "$d/home/bob/alice's plan"
	mkimage "$d" "$BATS_FILE_TMPDIR/img" 2 8192 1024
}

setup() {
	SRC="$BATS_FILE_TMPDIR/src"
	IMG="$BATS_FILE_TMPDIR/img"
}

# decoded_paths: the paths of the n lines of a stream on stdin, decoded,
# each followed by a NUL, sorted.
decoded_paths() {
	local p
	awk '$1 == "n" { print $3 }' | while IFS= read -r p; do
		printf '%b\0' "$p"
	done | sort -z
}

# age IMAGE: every inode of IMAGE changed last at 1500000000, named as
# -p names them (ufsedit takes the same escapes; "-" is the root).
age() {
	dscan -qp "$1" | awk '$1 == "n" {
	    print "utimes", ($3 == "/" ? "-" : substr($3, 2)), 1500000000, 1500000000 }' |
	    ufsedit -t 1500000000 "$1"
}

# kept STREAM: the inode numbers of the i lines of a stream file.
kept() {
	awk '$1 == "i" { print $2 }' "$1" | sort
}

@test "-p gives every name of every inode, and the names decode to exactly the tree's paths" {
	dscan -qp "$IMG" >"$BATS_TEST_TMPDIR/s"
	decoded_paths <"$BATS_TEST_TMPDIR/s" >"$BATS_TEST_TMPDIR/got"
	(cd "$SRC" && find . -mindepth 1 -printf '/%P\0' && printf '/\0') |
	    sort -z >"$BATS_TEST_TMPDIR/want"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	# about 5100 names: nothing was dropped for being odd
	[ "$(tr -cd '\0' <"$BATS_TEST_TMPDIR/got" | wc -c)" -gt 5100 ]
}

@test "-p escapes blanks, tabs, newlines, backslashes and bytes that are not UTF-8, so a path is one field" {
	dscan -qp "$IMG" >"$BATS_TEST_TMPDIR/s"
	# every n line has three fields and names the inode just above it
	awk '$1 == "i" { ino = $2 }
	    $1 == "n" && (NF != 3 || $2 != ino || $3 !~ /^\//) { print; bad = 1 }
	    END { exit bad }' "$BATS_TEST_TMPDIR/s"
	grep -qx 'n [0-9]* /names/with\\040space' "$BATS_TEST_TMPDIR/s"
	grep -qx 'n [0-9]* /names/tab\\011inside' "$BATS_TEST_TMPDIR/s"
	grep -qx 'n [0-9]* /names/new\\012line' "$BATS_TEST_TMPDIR/s"
	grep -qx 'n [0-9]* /names/back\\134slash' "$BATS_TEST_TMPDIR/s"
	grep -qx 'n [0-9]* /names/ünïcödé\\040✓\\040日本' "$BATS_TEST_TMPDIR/s"
	grep -qx 'n [0-9]* /home/carol/latin1\\040caf\\351\\040\\377' \
	    "$BATS_TEST_TMPDIR/s"
	grep -qx "n [0-9]* /home/bob/alice's\\\\040plan" "$BATS_TEST_TMPDIR/s"
	grep -qx 'n 2 /' "$BATS_TEST_TMPDIR/s"
}

# groups: lines of blank-separated names on stdin, each line's names
# sorted, then the lines sorted: the same groups compare equal.
groups() {
	local line
	while read -r line; do
		tr ' ' '\n' <<<"$line" | sort | paste -sd ' '
	done | sort
}

@test "-p: the names that share an inode in the stream are exactly the tree's hard links" {
	local want got
	# fsdesc numbers hard-link groups; the stream groups by inode.
	want=$(fsdesc "$SRC" | awk '$NF ~ /^L/ { g[$NF] = g[$NF] " /" $1 }
	    END { for (k in g) print g[k] }' | groups)
	got=$(dscan -qp "$IMG" | awk '$1 == "i" { t = $3 }
	    $1 == "n" && t != "d" { n[$2]++; g[$2] = g[$2] " " $3 }
	    END { for (k in g) if (n[k] > 1) print g[k] }' | groups)
	[ "$want" = "$got" ]
	[ "$(wc -l <<<"$got")" = 2 ]
	grep -qxF "/home/alice/plan /home/bob/alice's\\040plan" <<<"$got"
	grep -qxF '/types/file /types/hardlink /types/sub/third\040link' <<<"$got"
}

@test "-p changes nothing in the dump: dblkread writes the same bytes with and without names" {
	dscan -q -t 1800000000 "$IMG" | dblkread >"$BATS_TEST_TMPDIR/plain"
	dscan -qp -t 1800000000 "$IMG" | dblkread >"$BATS_TEST_TMPDIR/named"
	cmp "$BATS_TEST_TMPDIR/plain" "$BATS_TEST_TMPDIR/named"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/plain")" -gt 1000000 ]
}

@test "-w path= dumps one subtree, its directories on the way and nothing else, and restore -x gives it back" {
	local out="$BATS_TEST_TMPDIR/out"
	dscan -q -w path=/home/alice "$IMG" >"$BATS_TEST_TMPDIR/s"
	dblkread <"$BATS_TEST_TMPDIR/s" | dtapewr -f "$BATS_TEST_TMPDIR/d"
	restore_into "$BATS_TEST_TMPDIR/d" "$out"
	# alice's tree, and bob's hard link to her plan (one inode, two names)
	same_tree "$SRC/home/alice" "$out/home/alice" -p s
	[ "$(cd "$out" && find . | sort | tr '\n' ' ')" = \
	    ". ./home ./home/alice ./home/alice/mail ./home/alice/mail/inbox ./home/alice/photo ./home/alice/plan ./home/bob ./home/bob/alice's plan " ]
	[ "$(stat -c %i "$out/home/alice/plan")" = \
	    "$(stat -c %i "$out/home/bob/alice's plan")" ]
	# the header counts what is left
	[ "$(sed -n '1s/.* inodes=\([0-9]*\) .*/\1/p' "$BATS_TEST_TMPDIR/s")" = \
	    "$(grep -c '^i ' "$BATS_TEST_TMPDIR/s")" ]
	grep -q '^end 8 0$' "$BATS_TEST_TMPDIR/s"
}

@test "-w path= takes a path as -p writes it, escapes included, and several are alternatives" {
	local out="$BATS_TEST_TMPDIR/out"
	dscan -q -w 'path=/names/with\040space' -w 'path=/home/carol' "$IMG" |
	    dblkread | dtapewr -f "$BATS_TEST_TMPDIR/d"
	restore_into "$BATS_TEST_TMPDIR/d" "$out"
	same_tree "$SRC/home/carol" "$out/home/carol" -p s
	cmp "$SRC/names/with space" "$out/names/with space"
	[ "$(ls -A "$out/names")" = "with space" ]
	[ "$(ls -A "$out")" = "$(printf 'home\nnames')" ]
}

@test "-w path= of a directory given with a trailing slash, and of the root" {
	dscan -q -w path=/home/bob/ "$IMG" >"$BATS_TEST_TMPDIR/a"
	dscan -q -w path=/home/bob "$IMG" >"$BATS_TEST_TMPDIR/b"
	[ "$(kept "$BATS_TEST_TMPDIR/a")" = "$(kept "$BATS_TEST_TMPDIR/b")" ]
	dscan -q -w path=/ "$IMG" | grep -v '^dscan' >"$BATS_TEST_TMPDIR/a"
	dscan -q "$IMG" | grep -v '^dscan' >"$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
}

# check_filter CRITERION AWK-CONDITION: -w CRITERION keeps exactly the
# inodes of the full stream's i lines ($2 inode, $3 type, $6 uid, $7
# gid, $8 size, $11 mtime, $12 ctime) for which the condition holds, and
# the directories on the way to them; the result restores.
check_filter() {
	local crit=$1 cond=$2 full="$BATS_TEST_TMPDIR/full" s="$BATS_TEST_TMPDIR/s"
	local want extra out="$BATS_TEST_TMPDIR/out"
	dscan -qp "$IMG" >"$full"
	dscan -qp -w "$crit" "$IMG" >"$s"
	want=$(awk "\$1 == \"i\" && ($cond) { print \$2 }" "$full" | sort)
	[ -n "$want" ]
	# everything wanted is kept
	comm -23 <(echo "$want") <(kept "$s") >"$BATS_TEST_TMPDIR/missing"
	[ ! -s "$BATS_TEST_TMPDIR/missing" ] || {
		echo "-w $crit left out:" >&2
		cat "$BATS_TEST_TMPDIR/missing" >&2
		false
	}
	# and anything else kept is a directory above a name of what is wanted
	extra=$(comm -13 <(echo "$want") <(kept "$s"))
	awk -v want="$(echo $want)" -v extra="$(echo $extra)" '
	    BEGIN { split(want, w, " "); for (k in w) W[w[k]] = 1
		    split(extra, e, " "); for (k in e) E[e[k]] = 1 }
	    $1 == "i" { ino = $2; t = $3 }
	    $1 == "n" && (ino in E) { if (t != "d") bad = 1; dir[$3] = ino }
	    $1 == "n" && (ino in W) { path[$3] = 1 }
	    END {
		for (d in dir) {
			ok = d == "/"
			for (p in path) if (index(p, d "/") == 1) ok = 1
			if (!ok) { print "kept for nothing: " d; bad = 1 }
		}
		exit bad
	    }' "$full"
	# the header and the end line agree with the i lines
	[ "$(sed -n '1s/.* inodes=\([0-9]*\) .*/\1/p' "$s")" = "$(grep -c '^i ' "$s")" ]
	dblkread <"$s" | dtapewr -f "$BATS_TEST_TMPDIR/d"
	rm -rf "$out"
	restore_into "$BATS_TEST_TMPDIR/d" "$out"
}

@test "-w type= keeps the inodes of those types" {
	check_filter type=p '$3 == "p"'
	check_filter type=lc '$3 == "l" || $3 == "c"'
}

@test "-w size compares with <, <=, >, >= and =, with k, M, G and T" {
	check_filter 'size>100k' '$8 > 102400'
	check_filter 'size>=8192' '$8 >= 8192'
	check_filter 'size<2' '$8 < 2'
	check_filter 'size<=1k' '$8 <= 1024'
	check_filter 'size=8193' '$8 == 8193'
	check_filter 'size>1M' '$8 > 1048576'
}

@test "-w uid= and gid= keep an owner's inodes, and combine with type=" {
	check_filter uid=1001 '$6 == 1001'
	check_filter gid=200 '$7 == 200'
	dscan -q -w uid=1001 -w type=f "$IMG" | awk '$1 == "i" && $3 != "d" &&
	    ($6 != 1001 || $3 != "f") { bad = 1 } END { exit bad }'
}

@test "-w ino= takes numbers, ranges and @file, and restores those files at their paths" {
	local a b c list="$BATS_TEST_TMPDIR/list" out="$BATS_TEST_TMPDIR/out"
	dscan -qp "$IMG" >"$BATS_TEST_TMPDIR/all"
	a=$(awk '$1 == "i" { i = $2 } $1 == "n" && $3 == "/home/alice/photo" { print i }' "$BATS_TEST_TMPDIR/all")
	b=$(awk '$1 == "i" { i = $2 } $1 == "n" && $3 == "/names/with\\040space" { print i }' "$BATS_TEST_TMPDIR/all")
	c=$(awk '$1 == "i" { i = $2 } $1 == "n" && $3 == "/types/owned" { print i }' "$BATS_TEST_TMPDIR/all")
	[ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ]
	check_filter "ino=$a,$b" "\$2 == $a || \$2 == $b"
	check_filter "ino=$((a - 3))-$((a + 3))" "\$2 >= $((a - 3)) && \$2 <= $((a + 3))"
	printf '%s\n%s %s\n' "$a" "$b" "$c" >"$list"
	rm -rf "$out"
	dscan -q -w "ino=@$list" "$IMG" | dblkread | dtapewr -f "$BATS_TEST_TMPDIR/d"
	restore_into "$BATS_TEST_TMPDIR/d" "$out"
	cmp "$SRC/home/alice/photo" "$out/home/alice/photo"
	cmp "$SRC/names/with space" "$out/names/with space"
	cmp "$SRC/types/owned" "$out/types/owned"
	[ "$(cd "$out" && find . -type f | wc -l)" = 3 ]
}

@test "-w ino=@file reads an item at a time: a number across the 4 KiB of a line read in pieces stays whole, a NUL byte is refused" {
	local a b n list="$BATS_TEST_TMPDIR/list"
	dscan -qp "$IMG" >"$BATS_TEST_TMPDIR/all"
	a=$(awk '$1 == "i" { i = $2 } $1 == "n" && $3 == "/home/alice/photo" { print i }' "$BATS_TEST_TMPDIR/all")
	b=$(awk '$1 == "i" { i = $2 } $1 == "n" && $3 == "/types/owned" { print i }' "$BATS_TEST_TMPDIR/all")
	[ "${#a}" -ge 2 ] && [ -n "$b" ]
	# one line: b, then blanks up to byte 4094, where a begins, so that
	# a line read into 4096 bytes would end inside a
	{ printf '%s,' "$b"; printf '%*s' $((4094 - ${#b} - 1)) ''; printf '%s\n' "$a"; } >"$list"
	n=$(head -c 4094 "$list" | wc -c)
	[ "$n" = 4094 ] && [ "$(head -c 4095 "$list" | tail -c 1)" = "${a:0:1}" ]
	check_filter "ino=@$list" "\$2 == $a || \$2 == $b"
	printf '%s\0%s\n' "$b" "$a" >"$list"
	run -1 --separate-stderr dscan -q -w "ino=@$list" "$IMG"
	[ -z "$output" ]
	[ "$stderr" = "dscan: -w ino=@$list: \"$b\\0...\" is not an inode or a range of inodes" ]
}

@test "-w newer= takes seconds, a ctime date and level:N from the dumpdates file" {
	local img="$BATS_TEST_TMPDIR/img" dd="$BATS_TEST_TMPDIR/dumpdates"
	cp "$IMG" "$img"
	# everything old, then two changes at known times
	age "$img"
	echo "chmod 0600 home/bob/notes" | ufsedit -t 1600000000 "$img"
	echo "chmod 0600 home/alice/photo" | ufsedit -t 1700000000 "$img"
	IMG=$img
	check_filter newer=1600000000 'int($12) >= 1600000000 || int($11) >= 1600000000'
	check_filter newer=1600000001 'int($12) >= 1600000001 || int($11) >= 1600000001'
	TZ=UTC0 check_filter 'newer=Sun Sep 13 12:26:40 2020 +0000' \
	    'int($12) >= 1600000000 || int($11) >= 1600000000'
	ddate -D "$dd" -u -l 0 -t 1550000000 "$img"
	ddate -D "$dd" -u -l 1 -t 1650000000 "$img"
	dscan -q -D "$dd" -w newer=level:0 "$img" | grep -c '^i .* f ' | grep -qx 2
	dscan -q -D "$dd" -w newer=level:1 "$img" | grep -c '^i .* f ' | grep -qx 1
	dscan -q -D "$dd" -w newer=level:5 "$img" | grep -c '^i .* f ' | grep -qx 1
	# no dump at that level: everything, and a warning
	IMG="$BATS_FILE_TMPDIR/img"
	run -0 --separate-stderr dscan -q -D "$dd" -w newer=level:0 "$IMG"
	[[ "$stderr" == *"has no dump of $IMG at level 0 or lower; everything is newer"* ]]
}

@test "-w criteria that make no sense are refused, each with a message naming it" {
	local crit
	for crit in 'size<abc' 'size>1X' 'size<0' 'colour=red' 'path=relative' \
	    'path=/no/such' 'ino=0' 'ino=5-3' 'ino=99999999' 'type=x' 'type=' \
	    'newer=yesterday' 'newer=level:12' 'uid=-1' 'gid=x' 'nothing'; do
		run -1 --separate-stderr dscan -q -w "$crit" "$IMG"
		[ -z "$output" ] || { echo "$crit: wrote a stream" >&2; false; }
		[[ "$stderr" == "dscan: "*"${crit%%[<>=]*}"* ]] || {
			echo "$crit: $stderr" >&2
			false
		}
	done
	run -1 --separate-stderr dscan -q -w 'ino=@/no/such/file' "$IMG"
	[[ "$stderr" == *"-w ino=@/no/such/file: No such file or directory"* ]]
	run -1 --separate-stderr dscan -S -s "$IMG"
	[[ "$stderr" == *usage:* ]]
}

@test "-s counts inodes and bytes by type and owner as the tree has them, and names the largest file" {
	local dirs files links fifos out
	run -0 --separate-stderr dscan -s "$IMG"
	[ -z "$stderr" ]
	out=$output
	# inodes, not names (one name holds a newline)
	dirs=$(find "$SRC" -type d -printf '%i\n' | wc -l)
	files=$(find "$SRC" -type f -printf '%i\n' | sort -u | wc -l)
	links=$(find "$SRC" -type l -printf '%i\n' | wc -l)
	fifos=$(find "$SRC" -type p -printf '%i\n' | wc -l)
	grep -Eq "^  directories +$dirs " <<<"$out"
	grep -Eq "^  files +$files " <<<"$out"
	grep -Eq "^  symbolic links +$links " <<<"$out"
	grep -Eq "^  FIFOs +$fifos " <<<"$out"
	grep -Eq "^  character devices +2 +0 " <<<"$out"
	grep -Eq "^  block devices +1 +0 " <<<"$out"
	# uid 1001: alice's two directories and three files, one of them
	# also named in bob's directory
	grep -Eq "^  1001 +5 +$((2 * 512 + 6 + 200000 + 5))$" <<<"$out"
	sed -n '/^largest files/,/^$/p' <<<"$out" | sed -n 2p |
	    grep -Eq '^ +[0-9]+  inode [0-9]+  /sizes/d'
	sed -n '/^runs of data/{n;p}' <<<"$out" | grep -Eq '^  1: [0-9]+   2-3:'
	grep -q '^most fragmented (runs)$' <<<"$out"
	grep -q '^newest (last modified)$' <<<"$out"
	grep -q '^oldest (last modified)$' <<<"$out"
}

@test "-s estimates each level as dscan -S -l would, with pass II and nodump, from the dumpdates file" {
	local img="$BATS_TEST_TMPDIR/img" dd="$BATS_TEST_TMPDIR/dumpdates" l s
	cp "$IMG" "$img"
	age "$img"
	ufsedit -t 1600000000 "$img" <<-'EOF'
	chmod 0600 home/bob/notes
	chmod 0600 deep/level1/level2/level3/level4/level5/level6/level7/level8/level9/level10/level11/level12/level13/level14/level15/level16/level17/level18/level19/level20/level21/level22/level23/level24/level25/level26/level27/level28/level29/level30/level31/level32/level33/level34/level35/level36/level37/level38/level39/level40/file
	chflags 0x1 home/alice
	chflags 0x1 sizes/s8192
	EOF
	echo "chmod 0600 home/alice/mail/inbox" | ufsedit -t 1700000000 "$img"
	ddate -D "$dd" -u -l 0 -t 1550000000 "$img"
	ddate -D "$dd" -u -l 3 -t 1650000000 "$img"
	for s in "" "-h 0" "-h 5"; do
		# shellcheck disable=SC2086
		run -0 dscan -s -D "$dd" $s "$img"
		for l in 0 1 2 3 4 5 6 7 8 9; do
			# shellcheck disable=SC2086
			want=$(dscan -qS -D "$dd" $s -l "$l" "$img")
			got=$(awk -v l="$l" '$1 == "level" && $2 == l { print $3 }' <<<"$output")
			[ "$want" = "$got" ] || {
				echo "$s level $l: dscan -S says $want, -s says $got" >&2
				false
			}
		done
	done
	# and the levels differ: the test means something
	[ "$(awk '$1 == "level" { print $3 }' <<<"$output" | sort -u | wc -l)" -ge 3 ]
	grep -q '^  level 4 .* (level 3)$' <<<"$output"
	grep -q '^  level 3 .* (level 0)$' <<<"$output"
	grep -q '^  level 0 .* since the epoch$' <<<"$output"
}

@test "-s with -w reports on what the criteria select" {
	run -0 dscan -s -w path=/home/alice "$IMG"
	grep -Eq "^  files +3 +$((6 + 200000 + 5)) " <<<"$output"
	grep -Eq "^  directories +2 +1024 " <<<"$output"
	run ! grep -q "^  FIFOs" <<<"$output"
}

@test "-p names 20000 files, 1000 to a directory" {
	local d="$BATS_TEST_TMPDIR/wide" img="$BATS_TEST_TMPDIR/wimg" n
	mkdir -p "$d"
	for n in $(seq 1 20); do
		mkdir "$d/dir$n"
		(cd "$d/dir$n" && seq -f "f%g" 1 1000 | xargs touch)
	done
	mkimage "$d" "$img" 2 8192 1024
	dscan -qp "$img" >"$BATS_TEST_TMPDIR/s"
	[ "$(grep -c '^n ' "$BATS_TEST_TMPDIR/s")" = 20021 ]
	grep -qx 'n [0-9]* /dir17/f999' "$BATS_TEST_TMPDIR/s"
}

# repoint IMAGE DIR NAME INODE: the entry NAME of directory DIR (a path
# as -p writes it) names INODE from now on: damage made by hand.
repoint() {
	local img=$1 dir=$2 name=$3 ino=$4 s frag fsize rel off
	s=$(dscan -qp "$img" 2>/dev/null) || [ $? = 2 ]
	fsize=$(sed -n '1s/.* fsize=\([0-9]*\) .*/\1/p' <<<"$s")
	frag=$(awk -v p="$dir" '$1 == "i" { i = $2 } $1 == "n" && $3 == p { d = i }
	    $1 == "d" && $2 == d && $3 == 0 { print $4; exit }' <<<"$s")
	[ -n "$frag" ] && [ -n "$fsize" ]
	off=$((frag * fsize))
	# the name follows the entry's inode (4), length (2), type and namlen
	rel=$(dd if="$img" bs=512 skip=$((off / 512)) count=1 2>/dev/null |
	    grep -obaF "$name" | head -1 | cut -d: -f1)
	[ -n "$rel" ]
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((ino & 255)) \
	    $((ino >> 8 & 255)) $((ino >> 16 & 255)) $((ino >> 24)))" |
	    dd of="$img" bs=1 seek=$((off + rel - 8)) conv=notrunc 2>/dev/null
}

# ino_of STREAM PATH
ino_of() {
	awk -v p="$2" '$1 == "i" { i = $2 } $1 == "n" && $3 == p { print i }' "$1"
}

@test "-p on directories that loop, or that nothing names, reports each lost path as damage and ends" {
	local d="$BATS_TEST_TMPDIR/t" img="$BATS_TEST_TMPDIR/img" x y s
	s="$BATS_TEST_TMPDIR/s"
	mkdir -p "$d/top/xdir/ydir" "$d/orphan" "$d/keep"
	echo 1 >"$d/top/xdir/fileinx"
	echo 2 >"$d/orphan/fileino"
	echo 3 >"$d/keep/kept"
	mkimage "$d" "$img" 2 8192 1024
	dscan -qp "$img" >"$s"
	x=$(ino_of "$s" /top/xdir)
	y=$(ino_of "$s" /top/xdir/ydir)
	# xdir named only by itself (as "ydir"); ydir named as "xdir" in top
	repoint "$img" /top/xdir ydir "$x"
	repoint "$img" /top xdir "$y"
	# orphan's entry in the root names keep's file instead
	repoint "$img" / orphan "$(ino_of "$s" /keep/kept)"
	run -2 --separate-stderr dscan -qp "$img"
	[[ "$stderr" == *"inode $(ino_of "$s" /top/xdir/fileinx): its path by directory $x does not reach the root"* ]]
	[[ "$stderr" == *"inode $(ino_of "$s" /orphan/fileino): its path by directory $(ino_of "$s" /orphan) does not reach the root"* ]]
	grep -qx "n $(ino_of "$s" /keep/kept) /keep/kept" <<<"$output"
	grep -qx "n $y /top/xdir" <<<"$output"
	[[ "$output" == *$'\nend '* ]]
	# the summary and the filters end too
	run -2 dscan -s "$img"
	run -0 dscan -q -w path=/keep "$img"
}
