#!/usr/bin/env bats
# ddate(8): lookups, updates and the -W/-w lists of /etc/dumpdates.
# shellcheck disable=SC2154 # run --separate-stderr sets $stderr

bats_require_minimum_version 1.5.0

setup() {
	DDATE="$BATS_TEST_DIRNAME/../bin/ddate"
	export TZ=UTC
	# A directory of its own: bats keeps files in $BATS_TEST_TMPDIR.
	W="$BATS_TEST_TMPDIR/w"
	mkdir "$W"
	D="$W/dumpdates"
}

# The file every lookup test reads: several levels of one device, in no
# particular order, and devices whose names share its prefix.
lookupfile() {
	cat >"$D" <<'EOF'
/dev/ada0p2 0 Sat Nov 14 06:00:00 2026
/dev/ada0p2 1 Sun Nov 22 06:00:00 2026
/dev/ada0p2 0 Sat Nov 21 06:00:00 2026
/dev/ada0p2 3 Mon Nov 23 06:00:00 2026
/dev/ada0p3 0 Tue Nov 24 06:00:00 2026
/dev/ada0p20 0 Wed Nov 25 06:00:00 2026
EOF
}

# bad CONTENT MESSAGE: the file is refused with MESSAGE and status 3.
bad() {
	printf '%b' "$1" >"$D"
	run -3 --separate-stderr "$DDATE" -D "$D" -l 1 /dev/ada0p2
	[ "$output" = "" ]
	[ "$stderr" = "ddate: $D: $2" ]
}

# The files in the scratch directory, one a line.
files() {
	(cd "$W" && ls -A)
}

@test "the lookup takes the newest date among lower levels of the same device" {
	lookupfile
	run -0 "$DDATE" -D "$D" -l 1 /dev/ada0p2
	[ "$output" = "1795240800 Sat Nov 21 06:00:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 2 /dev/ada0p2
	[ "$output" = "1795327200 Sun Nov 22 06:00:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 3 /dev/ada0p2
	[ "$output" = "1795327200 Sun Nov 22 06:00:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 9 /dev/ada0p2
	[ "$output" = "1795413600 Mon Nov 23 06:00:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 1 /dev/ada0p3
	[ "$output" = "1795500000 Tue Nov 24 06:00:00 2026" ]
}

@test "a level 0 dump, or a device without lower levels, starts from the epoch" {
	lookupfile
	run -0 --separate-stderr "$DDATE" -D "$D" -l 0 /dev/ada0p2
	[ "$output" = "0 the epoch" ]
	[ "$stderr" = "" ]
	run -0 "$DDATE" -D "$D" -l 5 /dev/ada0p
	[ "$output" = "0 the epoch" ]
	run -0 "$DDATE" -D "$D" -l 5 /dev/ada0p4
	[ "$output" = "0 the epoch" ]
}

@test "a missing file means no previous dumps, with a warning, and is not created" {
	run -0 --separate-stderr "$DDATE" -D "$D" -l 3 /dev/ada0p2
	[ "$output" = "0 the epoch" ]
	[ "$stderr" = "ddate: $D: no such file: no previous dumps" ]
	[ "$(files)" = "" ]
}

@test "the lookup prints dates in local time" {
	lookupfile
	TZ=EST5 run -0 "$DDATE" -D "$D" -l 2 /dev/ada0p2
	[ "$output" = "1795345200 Sun Nov 22 06:00:00 2026" ]
}

@test "the column layouts of FreeBSD, NetBSD, OpenBSD, DragonFly and Linux all read" {
	{
		printf '%-53s %d %s\n' /dev/ada0p2 0 'Sat Nov 21 06:00:00 2026'
		printf '%-16s %c %s\n' /dev/wd0a 0 'Sun Nov 22 06:00:00 2026'
		printf '%-18s %c %s\n' /dev/sd0a 0 'Mon Nov 23 06:00:00 2026'
		printf '%-32s %c %s\n' /dev/da0s1a 0 'Tue Nov 24 06:00:00 2026'
		printf '%s %d %s\n' /dev/sda1 0 'Wed Nov 25 06:00:00 2026 +0100'
		printf '%s %d %s\n' /dev/sda2 0 'Sat Nov 21 06:00:00 2026 -0130'
		printf '%s %d %s\n' /dev/sda3 0 'Sat Nov 21 06:00:00 2026 +0000'
		printf '\t/dev/tab\t0\tSun\tNov\t 1\t6:0:0\t2026\t \n'
		printf '/dev/last 0 Sat Nov 21 06:00:00 2026'
	} >"$D"
	run -0 "$DDATE" -D "$D" -l 1 /dev/ada0p2
	[ "$output" = "1795240800 Sat Nov 21 06:00:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 1 /dev/wd0a
	[ "$output" = "1795327200 Sun Nov 22 06:00:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 1 /dev/sd0a
	[ "$output" = "1795413600 Mon Nov 23 06:00:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 1 /dev/da0s1a
	[ "$output" = "1795500000 Tue Nov 24 06:00:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 1 /dev/sda1
	[ "$output" = "1795582800 Wed Nov 25 05:00:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 1 /dev/sda2
	[ "$output" = "1795246200 Sat Nov 21 07:30:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 1 /dev/sda3
	[ "$output" = "1795240800 Sat Nov 21 06:00:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 1 /dev/tab
	[ "$output" = "1793512800 Sun Nov  1 06:00:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 1 /dev/last
	[ "$output" = "1795240800 Sat Nov 21 06:00:00 2026" ]
}

@test "a date with an offset is read in that offset, one without in local time" {
	printf '%s\n' '/dev/a 0 Sat Nov 21 06:00:00 2026' \
	    '/dev/b 0 Sat Nov 21 06:00:00 2026 +0000' >"$D"
	TZ=EST5 run -0 "$DDATE" -D "$D" -l 1 /dev/a
	[ "$output" = "1795258800 Sat Nov 21 06:00:00 2026" ]
	TZ=EST5 run -0 "$DDATE" -D "$D" -l 1 /dev/b
	[ "$output" = "1795240800 Sat Nov 21 01:00:00 2026" ]
}

@test "an update replaces the line of the same device and level, in place" {
	{
		printf '%-53s %d %s\n' /dev/ada0p2 0 'Sat Nov 21 06:00:00 2026'
		printf '%-18s %c %s\n' /dev/ada0p2 1 'Sun Nov 22 06:00:00 2026'
		printf '%s %d %s\n' /dev/sda1 0 'Wed Nov 25 06:00:00 2026 +0100'
		printf '%-32s %c %s\n' /dev/ada0p3 1 'Tue Nov 24 06:00:00 2026'
	} >"$D"
	run -0 --separate-stderr "$DDATE" -D "$D" -u -l 1 -t 1700000000 \
	    /dev/ada0p2
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ "$(cat "$D")" = "/dev/ada0p2      0 Sat Nov 21 06:00:00 2026
/dev/ada0p2      1 Tue Nov 14 22:13:20 2023
/dev/sda1        0 Wed Nov 25 05:00:00 2026
/dev/ada0p3      1 Tue Nov 24 06:00:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 2 /dev/ada0p2
	[ "$output" = "1795240800 Sat Nov 21 06:00:00 2026" ]
}

@test "an update appends a line for a new device or a new level" {
	printf '%s\n' '/dev/ada0p2 0 Sat Nov 21 06:00:00 2026' >"$D"
	run -0 "$DDATE" -D "$D" -u -l 2 -t 1795327200 /dev/ada0p2
	run -0 "$DDATE" -D "$D" -u -l 0 -t 1795413600 /dev/a-device-name-longer-than-16
	[ "$(cat "$D")" = "/dev/ada0p2      0 Sat Nov 21 06:00:00 2026
/dev/ada0p2      2 Sun Nov 22 06:00:00 2026
/dev/a-device-name-longer-than-16 0 Mon Nov 23 06:00:00 2026" ]
	run -0 "$DDATE" -D "$D" -l 1 /dev/a-device-name-longer-than-16
	[ "$output" = "1795413600 Mon Nov 23 06:00:00 2026" ]
}

@test "an update writes local time and the epoch as the date 0" {
	TZ=EST5 run -0 "$DDATE" -D "$D" -u -l 0 -t 0 /dev/a
	TZ=EST5 run -0 "$DDATE" -D "$D" -u -l 1 -t 1795240800 /dev/a
	[ "$(cat "$D")" = "/dev/a           0 Wed Dec 31 19:00:00 1969
/dev/a           1 Sat Nov 21 01:00:00 2026" ]
	TZ=EST5 run -0 "$DDATE" -D "$D" -l 1 /dev/a
	[ "$output" = "0 the epoch" ]
	TZ=EST5 run -0 "$DDATE" -D "$D" -l 2 /dev/a
	[ "$output" = "1795240800 Sat Nov 21 01:00:00 2026" ]
}

@test "an update creates a missing file with mode 0644 and leaves no other file" {
	(umask 077 && "$DDATE" -D "$D" -u -l 0 -t 1795240800 /dev/ada0p2)
	[ "$(cat "$D")" = "/dev/ada0p2      0 Sat Nov 21 06:00:00 2026" ]
	[ "$(stat -c %a "$D")" = 644 ]
	[ "$(files)" = "dumpdates" ]
}

@test "an update keeps the mode of the file" {
	printf '%s\n' '/dev/ada0p2 0 Sat Nov 21 06:00:00 2026' >"$D"
	chmod 0664 "$D"
	run -0 "$DDATE" -D "$D" -u -l 1 -t 1795327200 /dev/ada0p2
	[ "$(stat -c %a "$D")" = 664 ]
}

@test "an update through a symbolic link replaces the target, not the link" {
	mkdir "$W/var"
	printf '%s\n' '/dev/a 0 Sat Nov 21 06:00:00 2026' \
	    >"$W/var/dd"
	ln -s var/dd "$D"
	run -0 "$DDATE" -D "$D" -u -l 1 -t 1795327200 /dev/a
	[ -L "$D" ]
	[ "$(cat "$W/var/dd")" = "/dev/a           0 Sat Nov 21 06:00:00 2026
/dev/a           1 Sun Nov 22 06:00:00 2026" ]
	[ "$(files)" = "dumpdates
var" ]
	[ "$(cd "$W/var" && ls -A)" = "dd" ]
}

@test "a malformed line is reported with the file and line number, exit 3" {
	bad '/dev/a 0 Sat Nov 21 06:00:00 2026\n/dev/b x Sat Nov 21 06:00:00 2026\n' \
	    'line 2: level "x" is not a digit from 0 to 9'
	bad '/dev/a 10 Sat Nov 21 06:00:00 2026\n' \
	    'line 1: level "10" is not a digit from 0 to 9'
	bad '/dev/a -1 Sat Nov 21 06:00:00 2026\n' \
	    'line 1: level "-1" is not a digit from 0 to 9'
	bad '/dev/a 0 Sat Nov 21 06:00:00 2026\n\n' 'line 2: empty line'
	bad '/dev/a\n' 'line 1: no level after the name'
	bad '/dev/a 0  \n' 'line 1: no date after the level'
	bad '/dev/a 0 Sat Nov 31 06:00:00 2026\n' \
	    'line 1: date "Sat Nov 31 06:00:00 2026" is not a ctime(3) date from 1970 to 9999'
	bad '/dev/a 0 Sat Nov 21 06:00:00 2026 CET\n' \
	    'line 1: date "Sat Nov 21 06:00:00 2026 CET" is not a ctime(3) date from 1970 to 9999'
	bad '/dev/a 0 Sat Nov 21 06:00:00 2026 +01\n' \
	    'line 1: date "Sat Nov 21 06:00:00 2026 +01" is not a ctime(3) date from 1970 to 9999'
	bad '/dev/a 0 2026-11-21 06:00:00\n' \
	    'line 1: date "2026-11-21 06:00:00" is not a ctime(3) date from 1970 to 9999'
	bad '/dev/a 0 Wed Dec 31 23:59:59 1969\n' \
	    'line 1: date "Wed Dec 31 23:59:59 1969" is not a ctime(3) date from 1970 to 9999'
	bad '/dev/a 0 Sat Nov 21 06:00:00 2026\0\n' 'line 1: holds a NUL byte'
}

@test "a line of 4095 bytes reads and one of 4096 is refused" {
	printf '/dev/a%4062s 0 Sat Nov 21 06:00:00 2026\n' '' >"$D"
	[ "$(head -1 "$D" | wc -c)" = 4096 ]
	run -0 "$DDATE" -D "$D" -l 1 /dev/a
	[ "$output" = "1795240800 Sat Nov 21 06:00:00 2026" ]
	printf '/dev/a 0 Sat Nov 21 06:00:00 2026\n/dev/a%4063s 0 Sat Nov 21 06:00:00 2026\n' '' >"$D"
	run -3 --separate-stderr "$DDATE" -D "$D" -l 1 /dev/a
	[ "$stderr" = "ddate: $D: line 2: longer than 4095 bytes" ]
}

@test "an update does not touch a malformed file" {
	printf '%s\n' '/dev/a 0 Sat Nov 21 06:00:00 2026' \
	    '/dev/b 0 Sat Nov 21 06:00' >"$D"
	cp "$D" "$W/before"
	run -3 --separate-stderr "$DDATE" -D "$D" -u -l 1 -t 1795327200 /dev/a
	[ "$stderr" = "ddate: $D: line 2: date \"Sat Nov 21 06:00\" is not a ctime(3) date from 1970 to 9999" ]
	cmp "$D" "$W/before"
	[ "$(files)" = "before
dumpdates" ]
}

@test "an update that cannot create the file fails with status 4" {
	run -4 --separate-stderr "$DDATE" -D "$W/no/dd" -u -l 1 \
	    -t 1795327200 /dev/a
	[ "$stderr" = "ddate: $W/no/dd: No such file or directory" ]
}

@test "a lookup that cannot write its answer fails with status 4" {
	[ -w /dev/full ] || skip "no /dev/full to make a write fail"
	lookupfile
	run -4 --separate-stderr sh -c '"$1" -D "$2" -l 1 /dev/ada0p2 >/dev/full' sh "$DDATE" "$D"
	[ "$stderr" = "ddate: standard output: No space left on device" ]
}

@test "30 updates at the same moment all get their lines" {
	local i pids=() want
	printf '%s\n' '/dev/keep 0 Sat Nov 21 06:00:00 2026' >"$D"
	for i in $(seq 0 29); do
		"$DDATE" -D "$D" -u -l $((i % 10)) -t $((1795240800 + 3600 * i)) \
		    /dev/d$((i / 10)) &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	[ "$(head -1 "$D")" = "/dev/keep        0 Sat Nov 21 06:00:00 2026" ]
	want=$(for i in $(seq 0 29); do
		printf '%-16s %d %s\n' /dev/d$((i / 10)) $((i % 10)) \
		    "$(date -d @$((1795240800 + 3600 * i)) '+%a %b %e %T %Y')"
	done | sort)
	[ "$(tail -n +2 "$D" | sort)" = "$want" ]
	[ "$(wc -l <"$D")" = 31 ]
	[ "$(files)" = "dumpdates" ]
}

@test "an update killed at any instant leaves the old or the new file, whole" {
	local i t old="$W/old" new="$W/x/new"
	local dev pid nold=0 nnew=0
	mkdir "$W/x"
	# Big enough that an update takes several milliseconds.
	seq 1 20000 | sed 's|.*|/dev/d& 0 Sat Nov 21 06:00:00 2026|' >"$D"
	cp "$D" "$old"
	for i in $(seq 1 40); do
		t=$((1795240800 + i))
		dev=/dev/d$((RANDOM % 20000))
		cp "$old" "$new"
		"$DDATE" -D "$new" -u -l 1 -t $t $dev
		"$DDATE" -D "$D" -u -l 1 -t $t $dev &
		pid=$!
		sleep "0.0$((RANDOM % 40 / 10))$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" || true
		if cmp -s "$D" "$old"; then
			nold=$((nold + 1))
		elif cmp -s "$D" "$new"; then
			nnew=$((nnew + 1))
			cp "$D" "$old"
		else
			echo "iteration $i: neither the old file nor the new" >&2
			false
		fi
		case "$(files)" in
		"dumpdates
old
x" | "dumpdates
dumpdates.tmp
old
x") ;;
		*) echo "iteration $i: stray files: $(files)" >&2; false ;;
		esac
	done
	echo "$nold kept the old file, $nnew got the new one" >&2
	run -0 "$DDATE" -D "$D" -u -l 2 -t 1795240800 /dev/d1
	[ "$(files)" = "dumpdates
old
x" ]
}

@test "-W lists the newest dump of each name and marks those due" {
	local now d2 d3 d4 dz du
	now=$(date +%s)
	d2=$((now - 2 * 86400)) d3=$((now - 3600)) d4=$((now - 100 * 86400))
	dz=$((now - 10 * 86400)) du=$((now - 10 * 86400))
	cat >"$W/fstab" <<'EOF'
# Device	Mountpoint	FStype	Options	Dump	Pass#
/dev/ada0p2	/	ufs	rw	1	1
/dev/ada0p3	/usr	ufs	rw	2	2
  # an indented comment

/dev/ada0p4	/var	ufs	rw	0	2
/dev/ada0p5	/home	ufs	rw
EOF
	{
		echo "/usr 3 $(date -d @$du '+%a %b %e %T %Y')"
		echo "/dev/ada0p2 0 $(date -d @$((now - 3 * 86400)) '+%a %b %e %T %Y')"
		echo "/dev/ada0p2 1 $(date -d @$d2 '+%a %b %e %T %Y')"
		echo "/dev/ada0p3 0 $(date -d @$d3 '+%a %b %e %T %Y')"
		echo "/dev/ada0p4 0 $(date -d @$d4 '+%a %b %e %T %Y')"
		echo "/dev/ada0p5 0 $(date -d @$d4 '+%a %b %e %T %Y')"
		echo "/dev/zz 2 $(date -d @$dz '+%a %b %e %T %Y')"
	} >"$D"
	run -0 --separate-stderr "$DDATE" -D "$D" -f "$W/fstab" -W
	[ "$stderr" = "" ]
	[ "$output" = "Last dump(s) done (Dump '>' file systems):
> /dev/ada0p2	(     /) Last dump: Level 1, Date $(date -d @$d2 '+%a %b %e %H:%M')
  /dev/ada0p3	(  /usr) Last dump: Level 0, Date $(date -d @$d3 '+%a %b %e %H:%M')
  /dev/ada0p4	(  /var) Last dump: Level 0, Date $(date -d @$d4 '+%a %b %e %H:%M')
  /dev/ada0p5	( /home) Last dump: Level 0, Date $(date -d @$d4 '+%a %b %e %H:%M')
   /dev/zz	(      ) Last dump: Level 2, Date $(date -d @$dz '+%a %b %e %H:%M')
>     /usr	(  /usr) Last dump: Level 3, Date $(date -d @$du '+%a %b %e %H:%M')" ]
	run -0 --separate-stderr "$DDATE" -D "$D" -f "$W/fstab" -w
	[ "$stderr" = "" ]
	[ "$output" = "Dump these file systems:
  /dev/ada0p2	(     /) Last dump: Level 1, Date $(date -d @$d2 '+%a %b %e %H:%M')
      /usr	(  /usr) Last dump: Level 3, Date $(date -d @$du '+%a %b %e %H:%M')" ]
}

@test "-w counts the days from the midnight before the last dump" {
	local midnight
	midnight=$(date -d 'today 00:00' +%s)
	printf '/dev/a\t/a\tufs\trw\t1\t1\n/dev/b\t/b\tufs\trw\t2\t1\n' \
	    >"$W/fstab"
	# Both dumped in the last minute of yesterday: a day has passed since
	# its midnight (not since the dump), two have not.
	{
		echo "/dev/a 0 $(date -d @$((midnight - 60)) '+%a %b %e %T %Y')"
		echo "/dev/b 0 $(date -d @$((midnight - 60)) '+%a %b %e %T %Y')"
	} >"$D"
	run -0 "$DDATE" -D "$D" -f "$W/fstab" -w
	[ "$output" = "Dump these file systems:
    /dev/a	(    /a) Last dump: Level 0, Date $(date -d @$((midnight - 60)) '+%a %b %e %H:%M')" ]
}

@test "-W without a dumpdates file prints only the header" {
	run -0 --separate-stderr "$DDATE" -D "$D" -f /dev/null -W
	[ "$output" = "Last dump(s) done (Dump '>' file systems):" ]
	[ "$stderr" = "ddate: $D: no such file: no previous dumps" ]
}

@test "-W reports unusable fstab lines and a missing fstab, and goes on" {
	printf '%s\n' '/dev/a 0 Sat Nov 21 06:00:00 2026' >"$D"
	printf '/dev/a /a ufs rw x 1\n/dev/b\n' >"$W/fstab"
	run -0 --separate-stderr "$DDATE" -D "$D" -f "$W/fstab" -W
	[ "$output" = "Last dump(s) done (Dump '>' file systems):
    /dev/a	(      ) Last dump: Level 0, Date Sat Nov 21 06:00" ]
	[ "$stderr" = "ddate: $W/fstab: line 1: dump frequency \"x\" is not a number from 0 to 100000; skipped
ddate: $W/fstab: line 2: no mount point; skipped" ]
	run -0 --separate-stderr "$DDATE" -D "$D" -f "$W/none" -W
	[ "$stderr" = "ddate: $W/none: No such file or directory" ]
}

@test "-W on a malformed dumpdates file exits 3" {
	printf '%s\n' '/dev/a 0 Sat Nov 21 06:00:00 2026' '/dev/b' >"$D"
	run -3 --separate-stderr "$DDATE" -D "$D" -f /dev/null -W
	[ "$output" = "" ]
	[ "$stderr" = "ddate: $D: line 2: no level after the name" ]
}

@test "options that do not go together print the synopsis and exit 1" {
	local usage="usage: ddate [-D file] -l level special
       ddate [-D file] -u -l level -t seconds special
       ddate [-D file] [-f fstab] -W | -w"
	for args in "" "/dev/a" "-l 1" "-l 1 /dev/a /dev/b" "-u -l 1 /dev/a" \
	    "-t 5 -l 1 /dev/a" "-u -t 5 /dev/a" "-f /etc/fstab -l 1 /dev/a" \
	    "-W -w" "-W /dev/a" "-w -l 1" "-W -u"; do
		# shellcheck disable=SC2086
		run -1 --separate-stderr "$DDATE" -D "$D" $args
		[ "$output" = "" ]
		[ "$stderr" = "$usage" ]
	done
	run -1 --separate-stderr "$DDATE" -x
	[ "${stderr#*$'\n'}" = "$usage" ]
	[ "$(files)" = "" ]
}

@test "-l and -t are range-checked" {
	run -1 --separate-stderr "$DDATE" -D "$D" -l 10 /dev/a
	[ "$stderr" = 'ddate: -l: "10" is not a number from 0 to 9' ]
	run -1 --separate-stderr "$DDATE" -D "$D" -u -l 1 -t -1 /dev/a
	[ "$stderr" = 'ddate: -t: "-1" is not a number from 0 to 253402214399' ]
	run -1 --separate-stderr "$DDATE" -D "$D" -u -l 1 -t 253402214400 /dev/a
	[ "$stderr" = 'ddate: -t: "253402214400" is not a number from 0 to 253402214399' ]
	TZ=XXX-14 run -0 "$DDATE" -D "$D" -u -l 1 -t 253402214399 /dev/a
	TZ=XXX-14 run -0 "$DDATE" -D "$D" -l 2 /dev/a
	[ "$output" = "253402214399 Fri Dec 31 13:59:59 9999" ]
}

@test "an update refuses a name that the file cannot hold" {
	run -1 --separate-stderr "$DDATE" -D "$D" -u -l 1 -t 5 '/dev/a b'
	[ "$stderr" = "ddate: /dev/a b: the name must be 1 to 1024 bytes without blanks or newlines" ]
	run -1 --separate-stderr "$DDATE" -D "$D" -u -l 1 -t 5 ''
	[ "$stderr" = "ddate: : the name must be 1 to 1024 bytes without blanks or newlines" ]
	[ "$(files)" = "" ]
}

# The operator's setup of the BSDs: a dumpdates file of group "operator"
# (here gid 4242), mode 0664, in a directory only root can write, and a
# user of that group (uid 4343) who runs the update.  setpriv(1) is
# util-linux; the directory is made outside bats' own 0700 scratch space
# so that the user can reach it.
operator_setup() {
	command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"
	[ "$(id -u)" = 0 ] || skip "needs root to take another uid"
	OPDIR=$(mktemp -d "${TMPDIR:-/tmp}/ddate-op.XXXXXX")
	chmod 755 "$OPDIR"
	OD="$OPDIR/dumpdates"
}

teardown() {
	[ -z "${OPDIR:-}" ] || rm -rf "$OPDIR"
}

# as_operator COMMAND...: COMMAND as uid 4343 with group 4242 only.
as_operator() {
	setpriv --reuid=4343 --regid=4343 --groups=4242 "$@"
}

# entries FILE: its lines with blanks squeezed, sorted, duplicates gone.
entries() {
	tr -s ' \t' '  ' <"$1" | sed 's/ $//' | sort -u
}

@test "a group member updates a file in a directory it cannot write: in place, owner and mode kept" {
	operator_setup
	printf '%s\n' '/dev/a 0 Sun Nov 1 06:00:00 2026' \
	    '/dev/b           1 Sat Nov 21 07:00:00 2026' >"$OD"
	chown 0:4242 "$OD"
	chmod 664 "$OD"
	ino=$(stat -c %i "$OD")
	# A new level: appended.
	run -0 --separate-stderr as_operator "$DDATE" -D "$OD" -u -l 1 -t 1795327200 /dev/a
	[ "$stderr" = "" ]
	[ "$(cat "$OD")" = "/dev/a 0 Sun Nov 1 06:00:00 2026
/dev/b           1 Sat Nov 21 07:00:00 2026
/dev/a           1 Sun Nov 22 06:00:00 2026" ]
	# The same level again: its line overwritten, the same length.
	run -0 as_operator "$DDATE" -D "$OD" -u -l 1 -t 1795413600 /dev/b
	[ "$(sed -n 2p "$OD")" = "/dev/b           1 Mon Nov 23 06:00:00 2026" ]
	# A line too short for the new one (a date without the blank before
	# a one-digit day): a new line, and the newer date wins.
	run -0 as_operator "$DDATE" -D "$OD" -u -l 0 -t 1795413600 /dev/a
	[ "$(wc -l <"$OD")" = 4 ]
	run -0 "$DDATE" -D "$OD" -l 1 /dev/a
	[ "$output" = "1795413600 Mon Nov 23 06:00:00 2026" ]
	[ "$(stat -c '%i %u %g %a' "$OD")" = "$ino 0 4242 664" ]
	[ "$(cd "$OPDIR" && ls -A)" = "dumpdates" ]
	# Without the group the file cannot be written: status 4, untouched.
	cp "$OD" "$OPDIR/../before.$$"
	run -4 --separate-stderr setpriv --reuid=4343 --regid=4343 --clear-groups \
	    "$DDATE" -D "$OD" -u -l 2 -t 1795413600 /dev/a
	[ "$stderr" = "ddate: $OD: Permission denied" ]
	cmp "$OD" "$OPDIR/../before.$$"
	rm -f "$OPDIR/../before.$$"
}

@test "an update in place never writes across a page: the last line is stretched to the boundary" {
	operator_setup
	local size
	# 113 lines end 23 bytes before the first page boundary; the new
	# line takes 44.
	seq 1 113 | sed 's|.*|/dev/d& 0 Sat Nov 21 06:00:00 2026|' >"$OD"
	size=$(stat -c %s "$OD")
	[ "$size" = 4073 ]
	chown 0:4242 "$OD"
	chmod 664 "$OD"
	run -0 as_operator "$DDATE" -D "$OD" -u -l 1 -t 1795327200 /dev/new
	[ "$(stat -c %s "$OD")" = $((4096 + 44)) ]
	[ "$(tail -c 44 "$OD")" = "/dev/new         1 Sun Nov 22 06:00:00 2026" ]
	[ "$(head -c 4096 "$OD" | tail -n 1)" = "/dev/d113 0 Sat Nov 21 06:00:00 2026$(printf '%23s' '')" ]
	run -0 "$DDATE" -D "$OD" -l 1 /dev/d113
	[ "$output" = "1795240800 Sat Nov 21 06:00:00 2026" ]
	# And a line that is the last one without its newline.
	printf '/dev/x 0 Sat Nov 21 06:00:00 2026' >"$OD"
	run -0 as_operator "$DDATE" -D "$OD" -u -l 1 -t 1795327200 /dev/x
	[ "$(cat "$OD")" = "/dev/x 0 Sat Nov 21 06:00:00 2026
/dev/x           1 Sun Nov 22 06:00:00 2026" ]
}

@test "an update in place killed at any instant leaves the old entry or the new, in a file every reader takes" {
	operator_setup
	local i t dev pid was nold=0 nnew=0
	seq 1 20000 | sed 's|.*|/dev/d& 0 Sat Nov 21 06:00:00 2026|' >"$OD"
	chown 0:4242 "$OD"
	chmod 664 "$OD"
	for i in $(seq 1 40); do
		t=$((1795240800 + 86400 + i))
		dev=/dev/d$((RANDOM % 20000 + 1))
		entries "$OD" >"$OPDIR/../old.$$"
		was=$("$DDATE" -D "$OD" -l 2 "$dev")
		# Not through the function: $! must be ddate's own pid.
		setpriv --reuid=4343 --regid=4343 --groups=4242 \
		    "$DDATE" -D "$OD" -u -l 1 -t $t "$dev" &
		pid=$!
		sleep "0.0$((RANDOM % 40 / 10))$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" || true
		run -0 "$DDATE" -D "$OD" -l 2 "$dev"
		if [ "$output" = "$was" ]; then
			nold=$((nold + 1))
			entries "$OD" | cmp -s - "$OPDIR/../old.$$" || {
				echo "iteration $i: the old entry, but other lines changed" >&2
				entries "$OD" | diff - "$OPDIR/../old.$$" | head >&2
				false
			}
		elif [ "${output%% *}" = "$t" ]; then
			nnew=$((nnew + 1))
			entries "$OD" | grep -v "^$dev 1 " |
			    cmp -s - <(grep -v "^$dev 1 " "$OPDIR/../old.$$") || {
				echo "iteration $i: the new entry, but other lines changed" >&2
				false
			}
		else
			echo "iteration $i: $dev reads \"$output\", neither \"$was\" nor $t" >&2
			false
		fi
		run -0 "$DDATE" -D "$OD" -W
		[ "$(cd "$OPDIR" && ls -A)" = "dumpdates" ]
	done
	rm -f "$OPDIR/../old.$$"
	echo "$nold kept the old entry, $nnew got the new one" >&2
}

# bigfile LINES: a dumpdates file of LINES lines over 100 devices and
# every level, its dates spread over a year (with ties), in $D; and in
# $W/want the newest line below each level of /dev/da7 and /dev/da42 as
# "device level seconds", worked out by awk from the seconds.
bigfile() {
	awk -v n="$1" -v want="$W/want" 'BEGIN {
		for (i = 0; i < n; i++) {
			dev = "/dev/da" (i % 100)
			lev = int(i / 100) * 3 % 10
			# whole minutes, so that dates repeat
			t = 1767225600 + int(i * 7919 % 31536000 / 60) * 60
			printf "%-16s %d %s\n", dev, lev,
			    strftime("%a %b %e %H:%M:%S %Y", t)
			for (l = lev + 1; l <= 9; l++)
				if (t > best[dev, l])
					best[dev, l] = t
			if (t > last[dev]) {
				last[dev] = t
				lastlev[dev] = lev
			}
		}
		for (l = 1; l <= 9; l++)
			printf "/dev/da7 %d %d\n/dev/da42 %d %d\n", l,
			    best["/dev/da7", l], l, best["/dev/da42", l] >want
		printf "/dev/da7 %d %d\n/dev/da42 %d %d\n", lastlev["/dev/da7"],
		    last["/dev/da7"], lastlev["/dev/da42"], last["/dev/da42"] \
		    >(want "last")
	}' >"$D"
}

# peakkb COMMAND...: the peak resident memory of COMMAND in KB.
peakkb() {
	/usr/bin/time -f %M -o "$W/kb" "$@" >/dev/null
	cat "$W/kb"
}

@test "a lookup in a dumpdates file of a million lines finds what the whole file says" {
	local dev l t
	bigfile 1000000
	while read -r dev l t; do
		run -0 --separate-stderr "$DDATE" -D "$D" -l "$l" "$dev"
		if [ "$t" = 0 ]; then
			[ "$output" = "0 the epoch" ]
		else
			[ "$output" = "$t $(date -u -d "@$t" '+%a %b %e %H:%M:%S %Y')" ]
		fi
	done <"$W/want"
}

@test "-W on a dumpdates file of a million lines lists the newest line of each name" {
	local dev l t
	bigfile 1000000
	: >"$W/fstab"
	run -0 --separate-stderr "$DDATE" -D "$D" -f "$W/fstab" -W
	[ "${#lines[@]}" = 101 ]
	while read -r dev l t; do
		printf '  %8s\t(      ) Last dump: Level %d, Date %s\n' "$dev" "$l" \
		    "$(date -u -d "@$t" '+%a %b %e %H:%M')" >"$W/line"
		grep -qxF -f "$W/line" <<<"$output"
	done <"$W/wantlast"
}

@test "a lookup keeps to the same memory in a dumpdates file of ten lines or of a million" {
	local small big
	[ -x /usr/bin/time ] || skip "/usr/bin/time (Debian package time) is not installed"
	bigfile 10
	small=$(peakkb "$DDATE" -D "$D" -l 9 /dev/da7)
	bigfile 1000000
	big=$(peakkb "$DDATE" -D "$D" -l 9 /dev/da7)
	echo "ddate: $small KB on 10 lines, $big KB on a million" >&2
	[ "$big" -lt $((small + 2048)) ]
	# and -W, which keeps a line a name
	: >"$W/fstab"
	bigfile 10
	small=$(peakkb "$DDATE" -D "$D" -f "$W/fstab" -W)
	bigfile 1000000
	big=$(peakkb "$DDATE" -D "$D" -f "$W/fstab" -W)
	echo "ddate -W: $small KB on 10 lines, $big KB on a million" >&2
	[ "$big" -lt $((small + 2048)) ]
	# dscan's lookup of its -l level too
	gzip -dc "${FIXTURES:-$BATS_TEST_DIRNAME/../../shared/fixtures}/freebsd-ufs2-le.img.gz" >"$W/img"
	bigfile 10
	small=$(peakkb "$BATS_TEST_DIRNAME/../bin/dscan" -q -l 1 -D "$D" "$W/img")
	bigfile 1000000
	big=$(peakkb "$BATS_TEST_DIRNAME/../bin/dscan" -q -l 1 -D "$D" "$W/img")
	echo "dscan: $small KB on 10 lines, $big KB on a million" >&2
	[ "$big" -lt $((small + 2048)) ]
}

@test "a bad line for another device, far down a large file, still fails the lookup" {
	bigfile 200000
	printf '/dev/other 3 Wed Dec 31 23:59:59 1969\n' >>"$D"
	run -3 --separate-stderr "$DDATE" -D "$D" -l 1 /dev/da7
	[ "$stderr" = "ddate: $D: line 200001: date \"Wed Dec 31 23:59:59 1969\" is not a ctime(3) date from 1970 to 9999" ]
	# the first second of 1970 is a good date, the 32nd of a month not
	sed -i '$d' "$D"
	printf '/dev/other 3 Thu Jan  1 00:00:00 1970\n' >>"$D"
	run -0 "$DDATE" -D "$D" -l 1 /dev/da7
	printf '/dev/other 3 Sat Nov 32 06:00:00 2026\n' >>"$D"
	run -3 --separate-stderr "$DDATE" -D "$D" -l 1 /dev/da7
	[ "$stderr" = "ddate: $D: line 200002: date \"Sat Nov 32 06:00:00 2026\" is not a ctime(3) date from 1970 to 9999" ]
}

@test "the hour clocks go back reads as its earlier time, whatever lines come before" {
	local before
	export TZ=CET-1CEST,M3.5.0,M10.5.0/3
	for before in "Sat Jul 11 12:00:00 2026" "Sat Jan 10 12:00:00 2026" "Sun Oct 25 01:30:00 2026" "Sun Oct 25 03:30:00 2026"; do
		printf '/dev/other 0 %s\n/dev/ada0 0 Sun Oct 25 02:30:00 2026\n' "$before" >"$D"
		run -0 "$DDATE" -D "$D" -l 1 /dev/ada0
		[ "$output" = "1792888200 Sun Oct 25 02:30:00 2026" ]
		# the hour they skip: the earlier reading too, 00:30 UTC
		printf '/dev/other 0 %s\n/dev/ada0 0 Sun Mar 29 02:30:00 2026\n' "$before" >"$D"
		run -0 "$DDATE" -D "$D" -l 1 /dev/ada0
		[ "$output" = "1774744200 Sun Mar 29 01:30:00 2026" ]
	done
}
