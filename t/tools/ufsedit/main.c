/*
 * ufsedit: apply a script of changes to a UFS1 or UFS2 image in place,
 * the way a live system would make them, so that inode numbers persist
 * between dumps and incremental dumps can be tested.  Test tool only.
 *
 *	ufsedit [-t seconds] image < script
 *	ufsedit -c image
 *
 * One command a line, fields separated by blanks; blank lines and lines
 * starting with '#' are skipped.  PATHs are relative to the root, with
 * the \ooo escapes of dscan(5) ("-" alone is the empty path, the root);
 * HOSTFILE and TARGET take the same escapes.  Symbolic links are never
 * followed: commands act on the link itself.
 *
 *	write PATH HOSTFILE	create, or replace the contents (same inode)
 *	pwrite PATH OFFSET HOSTFILE	overwrite in place, extending
 *	truncate PATH SIZE	shrink or extend (the new end reads as zeros)
 *	punch PATH OFFSET LENGTH	free whole blocks in the range, zero
 *				the rest of it; the last block stays
 *	mkdir PATH, rmdir PATH, rm PATH, link EXISTING NEWPATH
 *	rename OLD NEW		rename(2), replacing a file or empty directory
 *	symlink TARGET PATH, mkfifo PATH, mknod PATH c|b RDEV
 *	chmod OCTALMODE PATH, chown UID GID PATH
 *	utimes PATH ATIME MTIME	seconds[.fraction]
 *	chflags HEXFLAGS PATH
 *	badlink TARGET|#INODE NEWPATH	damage: an entry naming TARGET (a
 *				directory or the root too) or inode number
 *				INODE as it is, no link count changed
 *	badunlink PATH		damage: the entry PATH taken out, even of a
 *				directory, no link count changed
 *
 * Every change stamps ctime, and mtime where POSIX says so, with the
 * clock: -t seconds, or the time of day.  New inodes are owned by uid 0
 * with the group of their directory (BSD semantics) and mode 0644 (0755
 * for directories and links).  The first failing command stops the run
 * with "ufsedit: line N: ..." and is undone; those before it stay.
 *
 * -c changes nothing: it checks the image as fsck_ffs's passes would
 * (block maps, directories, link counts, cylinder group maps, counts and
 * check-hashes) and reports what is inconsistent.
 */
#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"
#include "num.h"
#include "ufsedit.h"

/* Exit statuses. */
#define UE_OK		0	/* every command applied; or the check passed */
#define UE_FAIL		1	/* a command failed, the image is unusable,
				   or the check found problems */
#define UE_USAGE	2

#define MAXFIELDS	8

static void
usage(void)
{
	fprintf(stderr, "usage: ufsedit [-t seconds] image < script\n"
	    "       ufsedit -c image\n");
	exit(UE_USAGE);
}

/* Split line at blanks; returns the number of fields, or -1: too many. */
static int
split(char *line, char **av)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return n;
		if (n == MAXFIELDS)
			return -1;
		av[n++] = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
}

static int
runscript(struct ed *ed, FILE *in)
{
	char *line = NULL, *av[MAXFIELDS];
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	int ac, r = 0;

	while (r == 0 && (len = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if ((ac = split(line, av)) == 0 || av[0][0] == '#')
			continue;
		ed->err[0] = '\0';
		if (ac < 0) {
			warnmsg("line %lu: more than %d fields", lineno,
			    MAXFIELDS);
			r = -1;
		} else if (run_command(ed, av, ac) != 0 || commit(ed) != 0) {
			rollback(ed);
			warnmsg("line %lu: %s%s%s: %s", lineno, av[0],
			    ac > 1 ? " " : "", ac > 1 ? av[1] : "", ed->err);
			r = -1;
		}
	}
	if (r == 0 && ferror(in)) {
		warnmsg("reading the script:");
		r = -1;
	}
	free(line);
	return r;
}

int
main(int argc, char *argv[])
{
	static struct ed ed;
	long long t = 0;
	int ch, cflag = 0, tflag = 0, r;

	progname_set(argv[0]);
	while ((ch = getopt(argc, argv, "ct:")) != -1) {
		switch (ch) {
		case 'c':
			cflag = 1;
			break;
		case 't':
			t = numarg(optarg, "-t", 0, INT64_MAX);
			tflag = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1 || (cflag && tflag))
		usage();
	ed.now = tflag ? (int64_t)t : (int64_t)time(NULL);
	if (dev_open(&ed, argv[0], cflag) != 0) {
		if (ed.err[0] != '\0')
			warnmsg("%s", ed.err);
		dev_close(&ed);
		return UE_FAIL;
	}
	if (!ed.fs.ufs2 && ed.now > INT32_MAX) {
		warnmsg("-t: %lld is beyond the 32-bit times of UFS1",
		    (long long)ed.now);
		dev_close(&ed);
		return UE_FAIL;
	}
	r = cflag ? check_fs(&ed) : runscript(&ed, stdin);
	dev_close(&ed);
	return r == 0 ? UE_OK : UE_FAIL;
}
