#!/usr/bin/env bats
# ufsedit, the test tool that changes a UFS image in place as a running
# system would: the same changes made to a tree on the host and to an
# image of it must restore to the same tree, and the image must stay
# consistent (ufsedit -c runs fsck's checks).

load helper

setup() {
	UE=ufsedit
	T=$BATS_TEST_TMPDIR
	umask 022
}

# dumpimg IMAGE DUMPFILE: a level-0 dump of the image.
dumpimg() {
	{ dscan "$1" 2>"$T/dscan.err"; echo $? >"$T/dscan.st"; } |
	    dblkread >"$2"
	[ "$(cat "$T/dscan.st")" = 0 ] || { cat "$T/dscan.err" >&2; return 1; }
}

# desc DIR: the tree as fsdesc sees it, less what implicit changes
# stamp differently on the two sides (modification times, the
# permissions of symbolic links).
desc() {
	fsdesc -p s "$1" |
	    awk '{ $8 = "-"; if ($2 == "l") $3 = "-"; print }'
}

# roundtrip IMAGE WANT: restore a dump of the image and compare it with
# the host tree WANT.
roundtrip() {
	run -0 "$UE" -c "$1"
	dumpimg "$1" "$T/dump"
	restore_into "$T/dump" "$T/out"
	desc "$2" >"$T/want.desc"
	desc "$T/out" >"$T/got.desc"
	diff -u "$T/want.desc" "$T/got.desc"
}

# inos DUMPFILE: "path inode" for every name in a dump.
inos() {
	restore -tf "$1" 2>/dev/null | awk -F '\t' 'NF == 2 {
	    sub(/^ */, "", $1); print $2, $1 }' | sort
}

# dscanlines IMAGE INO: dscan's lines about one inode.
dscanlines() {
	dscan "$1" 2>/dev/null | awk -v ino="$2" '$2 == ino &&
	    ($1 == "i" || $1 == "d" || $1 == "l")'
}

# field IMAGE INO N: field N of the "i" line of an inode.
field() {
	dscanlines "$1" "$2" | awk -v n="$3" '$1 == "i" { print $n }'
}

# zero FILE OFFSET LENGTH: what punch does to the contents.
zero() {
	dd if=/dev/zero of="$1" bs="$3" count=1 seek="$2" oflag=seek_bytes \
	    conv=notrunc status=none
}

# ren OLD NEW: rename(2) itself (mv refuses some of what it allows).
ren() {
	perl -e 'rename($ARGV[0], $ARGV[1]) or die "rename: $!\n"' "$1" "$2"
}

# every VERSION BSIZE FSIZE [makefs options]: every command, applied to
# an image with ufsedit and to a copy of its tree with shell commands.
every() {
	local ver=$1 bs=$2 fs=$3 src=$T/src w=$T/want img=$T/img long
	shift 3
	mkdir -p "$src/dir/sub" "$src/empty" "$T/data"
	head -c 3000 /dev/urandom >"$src/keep"
	head -c 100 /dev/urandom >"$src/small"
	head -c $((3 * bs + 100)) /dev/urandom >"$src/mid"
	head -c $((13 * bs + 5)) /dev/urandom >"$src/big"
	echo a >"$src/dir/a"
	echo b >"$src/dir/b"
	echo c >"$src/dir/sub/c"
	echo old >"$src/old"
	echo linked >"$src/hl1"
	ln "$src/hl1" "$src/dir/hl2"
	ln -s keep "$src/sym"
	head -c 5000 /dev/urandom >"$T/data/d1"
	head -c $((2 * bs + 17)) /dev/urandom >"$T/data/d2"
	head -c 700 /dev/urandom >"$T/data/d3"
	mkimage "$src" "$img" "$ver" "$bs" "$fs" -s 32m "$@"
	cp -a "$src" "$w"
	long=$(printf '%200s' '' | tr ' ' L)

	cat >"$T/script" <<-EOF
	# contents
	write small $T/data/d1
	write new $T/data/d2
	write dir/with\\040space $T/data/d3
	pwrite mid 100 $T/data/d3
	pwrite small 9000 $T/data/d3
	truncate big 5000
	truncate new 40000
	punch mid $bs $((2 * bs))
	# names
	mkdir newdir
	mkdir newdir/inner
	mkdir emptytarget
	rmdir empty
	rm old
	link keep newdir/keeplink
	rename dir/a dir/a2
	rename dir/b newdir/b
	rename dir/sub newdir/sub
	rename small dir/a2
	rename hl1 dir/hl2
	rename newdir/inner emptytarget
	symlink target\\040x short
	symlink $long long
	mkfifo fifo
	mknod cdev c $((5 << 8 | 3))
	mknod bdev b $((8 << 8 | 1))
	# attributes
	chmod 4755 keep
	chmod 1777 newdir
	chown 1234 5678 dir/a2
	utimes new 1000000000 1234567890
	chflags 0x1 mid
	EOF
	run -0 "$UE" -t 1600000000 "$img" <"$T/script"

	cat "$T/data/d1" >"$w/small"
	cat "$T/data/d2" >"$w/new"
	cat "$T/data/d3" >"$w/dir/with space"
	dd if="$T/data/d3" of="$w/mid" bs=1M seek=100 oflag=seek_bytes \
	    conv=notrunc status=none
	dd if="$T/data/d3" of="$w/small" bs=1M seek=9000 oflag=seek_bytes \
	    conv=notrunc status=none
	truncate -s 5000 "$w/big"
	truncate -s 40000 "$w/new"
	zero "$w/mid" "$bs" $((2 * bs))
	mkdir "$w/newdir" "$w/newdir/inner" "$w/emptytarget"
	rmdir "$w/empty"
	rm "$w/old"
	ln "$w/keep" "$w/newdir/keeplink"
	ren "$w/dir/a" "$w/dir/a2"
	ren "$w/dir/b" "$w/newdir/b"
	ren "$w/dir/sub" "$w/newdir/sub"
	ren "$w/small" "$w/dir/a2"
	ren "$w/hl1" "$w/dir/hl2"
	ren "$w/newdir/inner" "$w/emptytarget"
	ln -s "target x" "$w/short"
	ln -s "$long" "$w/long"
	mkfifo -m 644 "$w/fifo"
	mknod -m 644 "$w/cdev" c 5 3
	mknod -m 644 "$w/bdev" b 8 1
	chmod 4755 "$w/keep"
	chmod 1777 "$w/newdir"
	chown 1234:5678 "$w/dir/a2"
	touch -a -d @1000000000 "$w/new"
	touch -m -d @1234567890 "$w/new"

	roundtrip "$img" "$w"
	[ "$(stat -c %Y "$T/out/new")" = 1234567890 ]
	ino=$(inos "$T/dump" | awk '$1 == "./mid" { print $2 }')
	[ "$(field "$img" "$ino" 14)" = 0x1 ]
}

@test "UFS1 4096/512: every command gives the same tree as on the host" {
	every 1 4096 512
}

@test "UFS2 4096/512 big-endian: every command gives the same tree" {
	every 2 4096 512 -B be
}

@test "UFS1 8192/1024 big-endian: every command gives the same tree" {
	every 1 8192 1024 -B be
}

@test "UFS2 16384/2048: every command gives the same tree as on the host" {
	every 2 16384 2048
}

@test "UFS1 32768/4096: every command gives the same tree as on the host" {
	every 1 32768 4096
}

@test "UFS2 32768/4096: every command gives the same tree as on the host" {
	every 2 32768 4096
}

@test "inode numbers survive edits; new names get new numbers" {
	mkdir -p "$T/src/d"
	echo one >"$T/src/untouched"
	echo two >"$T/src/rewritten"
	echo three >"$T/src/d/moved"
	echo data >"$T/data"
	mkimage "$T/src" "$T/img" 2 8192 1024 -s 16m
	dumpimg "$T/img" "$T/dump0"
	inos "$T/dump0" >"$T/before"
	printf '%s\n' "write rewritten $T/data" "rename d/moved moved" \
	    "write added $T/data" "chmod 600 untouched" |
	    "$UE" "$T/img"
	dumpimg "$T/img" "$T/dump1"
	inos "$T/dump1" >"$T/after"
	before() { awk -v p="$1" '$1 == p { print $2 }' "$T/before"; }
	after() { awk -v p="$1" '$1 == p { print $2 }' "$T/after"; }
	[ "$(after ./untouched)" = "$(before ./untouched)" ]
	[ "$(after ./rewritten)" = "$(before ./rewritten)" ]
	[ "$(after ./moved)" = "$(before ./d/moved)" ]
	[ -n "$(after ./added)" ]
	[ -z "$(awk -v i="$(after ./added)" '$2 == i' "$T/before")" ]
}

@test "changes stamp ctime and mtime with the clock as the kernel does" {
	mkdir -p "$T/src/d"
	echo f >"$T/src/d/f"
	echo g >"$T/src/g"
	echo h >"$T/src/h"
	echo data >"$T/data"
	mkimage "$T/src" "$T/img" 2 8192 1024 -s 16m
	dumpimg "$T/img" "$T/dump"
	ino() { inos "$T/dump" | awk -v p="$1" '$1 == p { print $2 }'; }
	printf '%s\n' "rm d/f" "chmod 600 g" "write h $T/data" |
	    "$UE" -t 1900000000 "$T/img"
	t=1900000000.000000000
	[ "$(field "$T/img" "$(ino ./d)" 11)" = $t ]
	[ "$(field "$T/img" "$(ino ./d)" 12)" = $t ]
	[ "$(field "$T/img" "$(ino ./g)" 11)" != $t ]
	[ "$(field "$T/img" "$(ino ./g)" 12)" = $t ]
	[ "$(field "$T/img" "$(ino ./h)" 11)" = $t ]
	[ "$(field "$T/img" "$(ino ./h)" 12)" = $t ]
	[ "$(field "$T/img" "$(ino .)" 11)" != $t ]
	[ "$(field "$T/img" "$(ino .)" 12)" != $t ]
}

@test "a removed file's inode leaves dscan's listing; a linked one stays" {
	mkdir "$T/src"
	echo gone >"$T/src/gone"
	echo kept >"$T/src/kept"
	ln "$T/src/kept" "$T/src/kept2"
	mkimage "$T/src" "$T/img" 1 8192 1024 -s 16m
	dumpimg "$T/img" "$T/dump"
	gone=$(inos "$T/dump" | awk '$1 == "./gone" { print $2 }')
	kept=$(inos "$T/dump" | awk '$1 == "./kept" { print $2 }')
	[ "$(field "$T/img" "$kept" 5)" = 2 ]
	printf 'rm gone\nrm kept2\n' | "$UE" "$T/img"
	run -0 dscanlines "$T/img" "$gone"
	[ "$output" = "" ]
	[ "$(field "$T/img" "$kept" 5)" = 1 ]
	run -0 "$UE" -c "$T/img"
}

@test "a freed inode number is reused with a new generation" {
	mkdir "$T/src"
	echo x >"$T/src/x"
	echo data >"$T/data"
	mkimage "$T/src" "$T/img" 2 8192 1024 -s 16m
	printf '%s\n' "write a $T/data" | "$UE" -t 1600000000 "$T/img"
	dumpimg "$T/img" "$T/dump"
	ino=$(inos "$T/dump" | awk '$1 == "./a" { print $2 }')
	gen=$(field "$T/img" "$ino" 15)
	printf '%s\n' "rm a" "mkdir b" | "$UE" -t 1600000100 "$T/img"
	[ "$(field "$T/img" "$ino" 3)" = d ]
	[ "$(field "$T/img" "$ino" 15)" != "$gen" ]
	[ "$(field "$T/img" "$ino" 12)" = 1600000100.000000000 ]
}

@test "punched blocks become hole runs; the last block stays allocated" {
	local bs=8192
	mkdir "$T/src"
	head -c $((20 * bs)) /dev/urandom >"$T/src/f"
	cp "$T/src/f" "$T/want"
	mkimage "$T/src" "$T/img" 2 "$bs" 1024 -s 16m
	dumpimg "$T/img" "$T/dump"
	ino=$(inos "$T/dump" | awk '$1 == "./f" { print $2 }')
	blocks=$(field "$T/img" "$ino" 9)
	printf '%s\n' "punch f $((2 * bs + 100)) $((4 * bs))" \
	    "punch f $((15 * bs)) $((10 * bs))" | "$UE" "$T/img"
	zero "$T/want" $((2 * bs + 100)) $((4 * bs))
	zero "$T/want" $((15 * bs)) $((5 * bs))
	run -0 dscanlines "$T/img" "$ino"
	holes=$(printf '%s\n' "$output" | awk '$1 == "d" && $4 == "-" {
	    print $3, $5 }')
	[ "$holes" = "$((3 * bs)) $((3 * bs))
$((15 * bs)) $((4 * bs))" ]
	# 3 + 4 blocks freed, in 512-byte units
	[ "$(field "$T/img" "$ino" 9)" = $((blocks - 7 * bs / 512)) ]
	run -0 "$UE" -c "$T/img"
	dumpimg "$T/img" "$T/dump"
	restore_into "$T/dump" "$T/out"
	cmp "$T/want" "$T/out/f"
}

@test "a small file ends in fragments; growing it moves to whole blocks" {
	mkdir "$T/src"
	echo x >"$T/src/x"
	head -c 8193 /dev/urandom >"$T/d1"
	head -c 30000 /dev/urandom >"$T/d2"
	mkimage "$T/src" "$T/img" 1 8192 1024 -s 16m
	printf '%s\n' "write f $T/d1" | "$UE" "$T/img"
	dumpimg "$T/img" "$T/dump"
	ino=$(inos "$T/dump" | awk '$1 == "./f" { print $2 }')
	# one block and one fragment: 9 KiB in 512-byte units
	[ "$(field "$T/img" "$ino" 9)" = 18 ]
	printf '%s\n' "pwrite f 8193 $T/d2" | "$UE" "$T/img"
	# 38193 bytes: four blocks and a tail of six fragments
	[ "$(field "$T/img" "$ino" 9)" = $((4 * 16 + 6 * 2)) ]
	run -0 "$UE" -c "$T/img"
	cat "$T/d1" "$T/d2" >"$T/want"
	dumpimg "$T/img" "$T/dump"
	restore_into "$T/dump" "$T/out"
	cmp "$T/want" "$T/out/f"
}

@test "files of tens of MB go through double indirect blocks" {
	mkdir "$T/src"
	echo x >"$T/src/x"
	head -c 25000000 /dev/urandom >"$T/big"
	head -c 100000 /dev/urandom >"$T/patch"
	cp "$T/big" "$T/want"
	mkimage "$T/src" "$T/img" 2 4096 512 -s 64m
	printf '%s\n' "write big $T/big" "pwrite big 20000000 $T/patch" \
	    "punch big 3000000 9000000" "truncate big 22222222" |
	    "$UE" "$T/img"
	dd if="$T/patch" of="$T/want" bs=1M seek=20000000 oflag=seek_bytes \
	    conv=notrunc status=none
	zero "$T/want" 3000000 9000000
	truncate -s 22222222 "$T/want"
	run -0 "$UE" -c "$T/img"
	dumpimg "$T/img" "$T/dump"
	restore_into "$T/dump" "$T/out"
	cmp "$T/want" "$T/out/big"
	printf 'truncate big 3000\n' | "$UE" "$T/img"
	run -0 "$UE" -c "$T/img"
}

@test "symbolic links shorter than fs_maxsymlinklen live in the inode" {
	mkdir "$T/src"
	echo x >"$T/src/x"
	mkimage "$T/src" "$T/img" 1 8192 1024 -s 16m
	t59=$(printf '%59s' '' | tr ' ' s)
	t60=$(printf '%60s' '' | tr ' ' l)
	printf '%s\n' "symlink $t59 short" "symlink $t60 long" |
	    "$UE" "$T/img"
	run -0 dscan "$T/img"
	[[ "$output" == *"
l "*" $t59"* ]]
	[[ "$output" != *"$t60"* ]]
	run -0 "$UE" -c "$T/img"
	dumpimg "$T/img" "$T/dump"
	restore_into "$T/dump" "$T/out"
	[ "$(readlink "$T/out/short")" = "$t59" ]
	[ "$(readlink "$T/out/long")" = "$t60" ]
}

@test "directories grow in 512-byte chunks and keep them when emptied" {
	mkdir "$T/src"
	mkdir "$T/src/d"
	mkimage "$T/src" "$T/img" 2 8192 1024 -s 16m
	: >"$T/empty"
	for i in $(seq 1 60); do
		echo "write d/$(printf '%040d' "$i") $T/empty"
	done | "$UE" "$T/img"
	dumpimg "$T/img" "$T/dump"
	ino=$(inos "$T/dump" | awk '$1 == "./d" { print $2 }')
	# "." and ".." and 60 entries of 52 bytes, nine to a chunk: seven
	# chunks, in four fragments
	[ "$(field "$T/img" "$ino" 8)" = 3584 ]
	[ "$(field "$T/img" "$ino" 9)" = 8 ]
	for i in $(seq 1 60); do
		echo "rm d/$(printf '%040d' "$i")"
	done | "$UE" "$T/img"
	run -0 "$UE" -c "$T/img"
	[ "$(field "$T/img" "$ino" 8)" = 3584 ]
	printf 'rmdir d\n' | "$UE" "$T/img"
	run -0 "$UE" -c "$T/img"
}

@test "UFS2 inode blocks past cg_initediblk are initialised on demand" {
	mkdir "$T/src"
	echo x >"$T/src/x"
	mkimage "$T/src" "$T/img" 2 8192 1024 -s 16m -o density=2048
	for i in $(seq 1 300); do echo "mkfifo p$i"; done | "$UE" "$T/img"
	run -0 "$UE" -c "$T/img"
	run -0 dscan "$T/img"
	[ "$(printf '%s\n' "$output" | grep -c '^i .* p ')" = 300 ]
}

@test "rename moves directories, fixes .. and refuses a move below itself" {
	mkdir -p "$T/src/a/b" "$T/src/c"
	mkimage "$T/src" "$T/img" 2 8192 1024 -s 16m
	run -1 "$UE" "$T/img" <<-EOF
	rename a c/a
	rename c/a/b b
	rename c c/a/c
	EOF
	[ "$output" = "ufsedit: line 3: rename c: cannot move a directory below itself" ]
	run -0 "$UE" -c "$T/img"
	mkdir -p "$T/want/c/a" "$T/want/b"
	roundtrip "$T/img" "$T/want"
}

@test "a failing command stops the script and changes nothing" {
	mkdir -p "$T/src/d"
	echo x >"$T/src/d/x"
	mkimage "$T/src" "$T/img" 1 8192 1024 -s 16m
	run -1 "$UE" "$T/img" <<-EOF
	mkdir e
	mkdir e/f
	rmdir d
	mkdir never
	EOF
	[ "$output" = "ufsedit: line 3: rmdir d: directory not empty" ]
	cp "$T/img" "$T/before"
	run -1 "$UE" "$T/img" <<<"mkdir e/f"
	[ "$output" = "ufsedit: line 1: mkdir e/f: file exists" ]
	cmp "$T/before" "$T/img"
	run -0 dscan "$T/img"
	[ "$(printf '%s\n' "$output" | grep -c '^i .* d ')" = 4 ]
}

@test "running out of space undoes the whole command" {
	mkdir "$T/src"
	echo x >"$T/src/x"
	head -c 3000000 /dev/urandom >"$T/big"
	mkimage "$T/src" "$T/img" 2 4096 512 -s 2m
	cp "$T/img" "$T/before"
	run -1 "$UE" "$T/img" <<<"write big $T/big"
	[[ "$output" == "ufsedit: line 1: write big: $T/img: file system full: no room for "*" fragments" ]]
	cmp "$T/before" "$T/img"
}

@test "bad lines are reported with their line numbers" {
	mkdir "$T/src"
	echo x >"$T/src/x"
	mkimage "$T/src" "$T/img" 2 8192 1024 -s 16m
	run -1 "$UE" "$T/img" <<<"frob x"
	[ "$output" = "ufsedit: line 1: frob x: unknown command" ]
	run -1 "$UE" "$T/img" <<<"chmod 644"
	[ "$output" = "ufsedit: line 1: chmod 644: usage: chmod OCTALMODE PATH" ]
	run -1 "$UE" "$T/img" <<<"chmod 9 x"
	[ "$output" = "ufsedit: line 1: chmod 9: mode: \"9\" is not an octal number" ]
	run -1 "$UE" "$T/img" <<<"rm a\\9"
	[ "$output" = "ufsedit: line 1: rm a\\9: a\\9: bad \\ooo escape" ]
	run -1 "$UE" "$T/img" <<<"rm nothing/x"
	[ "$output" = "ufsedit: line 1: rm nothing/x: nothing: no such directory" ]
	run -1 "$UE" "$T/img" <<<"rm x/y"
	[ "$output" = "ufsedit: line 1: rm x/y: x: not a directory" ]
	run -1 "$UE" "$T/img" <<<"rmdir -"
	[ "$output" = "ufsedit: line 1: rmdir -: cannot remove the root directory" ]
	run -0 "$UE" "$T/img" <<<"# a comment"
}

@test "chflags and utimes show in dscan's listing" {
	mkdir "$T/src"
	echo x >"$T/src/x"
	mkimage "$T/src" "$T/img" 2 8192 1024 -s 16m
	printf '%s\n' "chflags 0x1 x" "utimes x 1.5 2.000000025" |
	    "$UE" -t 1700000000 "$T/img"
	dumpimg "$T/img" "$T/dump"
	ino=$(inos "$T/dump" | awk '$1 == "./x" { print $2 }')
	run -0 dscanlines "$T/img" "$ino"
	[ "$(printf '%s\n' "$output" | awk '$1 == "i" { print $10, $11, $12, $14 }')" = \
	    "1.500000000 2.000000025 1700000000.000000000 0x1" ]
}

@test "a FreeBSD big-endian image with check-hashes stays consistent" {
	need_fixture freebsd-ufs2-be.img.gz
	img=$(fixture freebsd-ufs2-be.img.gz)
	echo new >"$T/data"
	printf '%s\n' "write file1 $T/data" "rm dir1/dir2/dir3/file2" \
	    "mkdir dir1/new" "rename file3 dir1/new/file3" \
	    "truncate dir1/new/file3 5000" | "$UE" "$img"
	run -0 "$UE" -c "$img"
	dumpimg "$img" "$T/dump"
	# (only these: restore cannot set the fixture's symbolic links'
	# nanosecond times)
	restore_into "$T/dump" "$T/out" ./file1 ./dir1
	cmp "$T/data" "$T/out/file1"
	[ "$(stat -c %s "$T/out/dir1/new/file3")" = 5000 ]
}
