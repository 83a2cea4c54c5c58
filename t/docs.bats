# The manual pages: they format cleanly, their SYNOPSIS is what the
# programs print, their options and exit statuses are the programs', and
# the awk examples of dscan(1) work on a real file system.

load helper

# The program of each page, and its table of exit statuses (file and
# prefix of the names).
PAGES='dscan scan/dscan.1 scan/dscan.h DS_
dblkread blkread/dblkread.1 blkread/dblkread.c BR_
dtapewr tapewr/dtapewr.1 tapewr/dtapewr.h TW_
ddate ddate/ddate.8 ddate/ddate.c DT_
dump bin/dump.8 bin/dump X_'

# render PAGE: the page as a terminal shows it, without bold or
# underlining, and with lines long enough that nothing is broken.
render() {
	groff -mdoc -Tascii -P-c -P-b -P-o -P-u -rLL=1000n "$TOP/$1"
}

# section NAME: the body of section NAME of a rendered page on stdin.
section() {
	awk -v name="$1" '/^[A-Z]/ { on = $0 == name; next } on'
}

# words: stdin as one line, blanks and newlines collapsed.
words() {
	tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'
}

# synopsis_is_usage PROGRAM PAGE: the usage message PROGRAM prints for a
# bad option is, word for word, the SYNOPSIS of PAGE.
synopsis_is_usage() {
	local usage synopsis
	run -1 --separate-stderr "$1" -z
	usage=$(sed -n '/^usage:/,$p' <<<"$stderr" | sed '1s/^usage://' | words)
	synopsis=$(render "$2" | section SYNOPSIS | words)
	[ -n "$usage" ] && [ -n "$synopsis" ]
	if [ "$usage" != "$synopsis" ]; then
		printf 'usage:    %s\nSYNOPSIS: %s\n' "$usage" "$synopsis" >&2
		return 1
	fi
}

@test "every man page in the tree passes groff -mdoc -ww -z without a word" {
	local page out bad=0 n=0
	cd "$TOP"
	while IFS= read -r page; do
		n=$((n + 1))
		out=$(groff -mdoc -ww -z "$page" 2>&1)
		if [ -n "$out" ]; then
			printf '%s:\n%s\n' "$page" "$out" >&2
			bad=1
		fi
	done < <(find . -path ./.git -prune -o -path ./t -prune -o \
	    -type f -name '*.[1-9]' -print | sort)
	[ "$n" -ge 6 ]
	[ "$bad" = 0 ]
}

@test "every page of a program has NAME, SYNOPSIS, DESCRIPTION, EXIT STATUS, EXAMPLES and SEE ALSO" {
	local prog page rest s bad=0
	while read -r prog page rest; do
		for s in NAME SYNOPSIS DESCRIPTION 'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
			grep -qx "\.Sh $s" "$TOP/$page" || {
				echo "$page has no $s section" >&2
				bad=1
			}
		done
	done <<<"$PAGES"
	[ "$bad" = 0 ]
}

@test "dscan prints the SYNOPSIS of dscan(1) as its usage, word for word" {
	synopsis_is_usage dscan scan/dscan.1
}

@test "dblkread prints the SYNOPSIS of dblkread(1) as its usage, word for word" {
	synopsis_is_usage dblkread blkread/dblkread.1
}

@test "dtapewr prints the SYNOPSIS of dtapewr(1) as its usage, word for word" {
	synopsis_is_usage dtapewr tapewr/dtapewr.1
}

@test "ddate prints the SYNOPSIS of ddate(8) as its usage, word for word" {
	synopsis_is_usage ddate ddate/ddate.8
}

@test "dump prints the SYNOPSIS of dump(8) as its usage, word for word" {
	synopsis_is_usage dump bin/dump.8
}

@test "every letter of each program's getopt string has an entry in its page's list of options" {
	local prog page src rest letters c bad=0
	while read -r prog page src rest; do
		case $src in
		bin/dump)
			letters=$(sed -n 's/^while getopts "\([^"]*\)".*/\1/p' "$TOP/$src") ;;
		*)
			letters=$(grep -ho 'getopt(argc, argv, "[^"]*")' "$TOP/${src%/*}"/*.c |
			    sed 's/.*"\(.*\)")/\1/') ;;
		esac
		letters=$(tr -d ':' <<<"$letters")
		[ -n "$letters" ]
		for c in $(fold -w1 <<<"$letters"); do
			case $c in
			[0-9])	grep -q '^\.It Fl 0 Ns \\&\.\.\. Ns Fl 9$' "$TOP/$page" ;;
			*)	grep -Eq "^\.It Fl $c( |$)" "$TOP/$page" ;;
			esac || {
				echo "$page: no entry for -$c of $prog" >&2
				bad=1
			}
		done
	done <<<"$PAGES"
	[ "$bad" = 0 ]
}

@test "each page's EXIT STATUS lists exactly the exit statuses its program defines" {
	local prog page src prefix code doc bad=0
	while read -r prog page src prefix; do
		if [ "$src" = bin/dump ]; then
			code=$(sed -n "s/^${prefix}[A-Z]*=\([0-9]*\).*/\1/p" "$TOP/$src")
		else
			code=$(sed -n "s/^#define[[:space:]]*${prefix}[A-Z]*[[:space:]]*\([0-9]*\).*/\1/p" \
			    "$TOP/$src")
		fi
		code=$(sort -n <<<"$code" | words)
		doc=$(sed -n '/^\.Sh EXIT STATUS$/,/^\.Sh /p' "$TOP/$page" |
		    sed -n 's/^\.It \([0-9][0-9]*\)$/\1/p' | sort -n | words)
		if [ -z "$code" ] || [ "$code" != "$doc" ]; then
			echo "$prog: the code defines '$code', $page lists '$doc'" >&2
			bad=1
		fi
	done <<<"$PAGES"
	[ "$bad" = 0 ]
}

@test "the awk examples of dscan(1), typed as the page shows them, give the expected lines on the FreeBSD fixture" {
	need_fixture freebsd-ufs2-le.img.gz
	local img dd n cmd
	local -a ex want
	img=$(fixture freebsd-ufs2-le.img.gz)
	dd="$BATS_TEST_TMPDIR/dumpdates"
	# A user who left, a hard link with a blank in its name, made before
	# the last level 0 dump; the fixture's newest inodes are from after.
	ufsedit -t 1722785997 "$img" <<-'EOF'
	chown 1001 1001 file1
	chown 1001 1001 dir1/dir2/dir3/file2
	link file1 dir1/old\040notes
	EOF
	ddate -D "$dd" -u -l 0 -t 1722785999 "$img"
	# Each example is a literal line "$ dscan ... | awk ..." of EXAMPLES.
	mapfile -t ex < <(render scan/dscan.1 | section EXAMPLES |
	    sed -n 's/^ *\$ \(dscan .*| *awk .*\)$/\1/p')
	want=(
		# the ten largest files, with paths
		'549890457600 /sparse3
134643712 /sparse
134615040 /sparse2
1048576 /file3
23 /file1
23 /dir1/old\040notes
12 /dir1/dir2/dir3/file2
0 /xattrs3
0 /xattrs2
0 /xattrs'
		# changed since the last level 0
		'/xattrs2
/xattrs3'
		# everything uid 1001 owns
		'/file1
/dir1/old\040notes
/dir1/dir2/dir3/file2'
		# bytes by type
		'd 2560
f 550160764963
l 1043'
		# runs of data per regular file, most first
		'3 5
2 9
2 8
1 513
1 4
1 10'
		# changed since 1722785999
		'2
12
13'
		# holes
		'8 0 134578176
9 0 134578176
10 0 549890392064'
		# extended-attribute areas
		'11 32
12 65512
13 64016'
		# which inode holds fragment 600
		'9 d 134610944'
		# the paths of an inode list
		'/xattrs2
/dir1/dir2/dir3/file2'
	)
	[ "${#ex[@]}" -eq "${#want[@]}" ] || {
		echo "dscan.1 has ${#ex[@]} awk examples, the test knows ${#want[@]}" >&2
		false
	}
	# Not "i": bats's run changes a variable of that name.
	for n in "${!ex[@]}"; do
		[[ "${ex[n]}" == "dscan "*" /dev/ada0p2 "* ]]
		cmd=${ex[n]/ \/dev\/ada0p2 / \'$img\' }
		run -0 sh -c "${cmd/#dscan /dscan -D \'$dd\' }"
		if [ "$output" != "${want[n]}" ]; then
			printf 'example %d: %s\nwant:\n%s\ngot:\n%s\n' "$((n + 1))" \
			    "${ex[n]}" "${want[n]}" "$output" >&2
			false
		fi
	done
}
