/*
 * dscan: read a UFS1 or UFS2 file system and write, on stdout, the
 * stream of dscan(5): which inodes a dump holds, their attributes, and
 * where their data lies on the device.
 */
#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dscan.h"
#include "dumpdates.h"
#include "msg.h"
#include "num.h"
#include "stream.h"
#include "xio.h"

static void
usage(void)
{
	fprintf(stderr, "usage: dscan [-pqSs] [-D dumpdates] [-h level] "
	    "[-L label] [-l level] [-N name]\n"
	    "             [-T date] [-t date] [-w criterion] [-z bytes] "
	    "special\n");
	exit(DS_STARTUP);
}

static const char *
showdate(int64_t t, char *buf, size_t size)
{
	if (t == 0 || dd_fmtdate(buf, size, (time_t)t) != 0)
		return "the epoch";
	return buf;
}

/*
 * The date the dump starts from: -T, or the newest dump of a lower level
 * in the dumpdates file, or the epoch.
 */
static void
setddate(struct scan *s, const char *special, const char *tdate,
    const char *ddpath)
{
	struct dumpdates dd;
	const struct ddent *prev;
	time_t t;
	int r;

	s->ddate = 0;
	s->lastlevel = -1;
	if (tdate != NULL) {
		if (dd_parsedate(tdate, &t) != 0)
			die(DS_STARTUP, "-T: \"%s\" is not a date like \"Sun "
			    "Nov 15 09:00:00 2026\" (ctime(3))", tdate);
		s->ddate = (int64_t)t;
		return;
	}
	if (s->level == 0)
		return;
	r = dd_readname(&dd, ddpath, special);
	if (r == DD_NOFILE) {
		warnmsg("%s: no such file; dumping everything since the "
		    "epoch", ddpath);
		return;
	}
	if (r != DD_OK)
		exit(DS_STARTUP);
	prev = dd_lookup(&dd, special, s->level);
	if (prev != NULL) {
		s->ddate = (int64_t)prev->date;
		s->lastlevel = prev->level;
	}
	dd_free(&dd);
}

/*
 * After pass II, with the names if they were read: the summary (what
 * 's'), the estimate (what 'S') or the stream.  Returns the exit status.
 */
static int
finish(struct scan *s, struct names *nm, const char *special,
    const char *ddpath, int what)
{
	if (what == 's') {
		scan_checktree(s);
		if (scan_summary(s, nm, stdout, special, ddpath) != 0) {
			warnmsg("writing the summary:");
			return DS_OUTPUT;
		}
		return s->errors > 0 ? DS_DAMAGED : DS_OK;
	}
	if (s->filter != NULL)
		filter_apply(s, nm);
	scan_checktree(s);
	dumpnote("estimated %llu tape blocks (%llu inodes).",
	    (unsigned long long)(s->estimate + scan_overhead(s)),
	    (unsigned long long)s->ninodes);
	if (what == 'S') {
		printf("%llu\n",
		    (unsigned long long)(s->estimate + scan_overhead(s)));
		if (fflush(stdout) != 0) {
			warnmsg("writing the estimate:");
			return DS_OUTPUT;
		}
		return s->errors > 0 ? DS_DAMAGED : DS_OK;
	}
	dumpnote("dumping (Pass III) [directories]");
	if (scan_emit(s) != 0) {
		warnmsg("writing the stream:");
		return DS_OUTPUT;
	}
	if (s->errors > 0) {
		warnmsg("%s: %lu error%s; the stream is complete but damaged "
		    "parts were left out or zeroed", special, s->errors,
		    s->errors == 1 ? "" : "s");
		return DS_DAMAGED;
	}
	return DS_OK;
}

int
main(int argc, char *argv[])
{
	static struct scan s;
	static char outbuf[1 << 16];
	const char *tdate = NULL, *ddpath = DD_PATH;
	char when[DD_DATELEN];
	struct names *nm = NULL;
	int ch, rc, sflag = 0, pflag = 0, summary = 0;

	progname_set(argv[0]);
	bigpipe(STDOUT_FILENO);
	/* A pipeline stage run in the background inherits SIGINT ignored:
	 * an interrupt must still stop it. */
	signal(SIGINT, SIG_DFL);
	s.label = "none";
	s.honor = 1;
	s.date = (int64_t)time(NULL);
	s.maxsparse = (uint64_t)1 << 40;
	while ((ch = getopt(argc, argv, "D:h:L:l:N:pqSsT:t:w:z:")) != -1) {
		switch (ch) {
		case 'D':
			ddpath = optarg;
			break;
		case 'h':
			s.honor = (int)numarg(optarg, "-h", 0, 10);
			break;
		case 'L':
			if (strlen(optarg) > STREAM_LABELMAX)
				die(DS_STARTUP, "-L: label \"%s\" is longer than "
				    "%d bytes", optarg, STREAM_LABELMAX);
			s.label = optarg;
			break;
		case 'l':
			s.level = (int)numarg(optarg, "-l", 0, 9);
			break;
		case 'N':
			if (strlen(optarg) > STREAM_NAMEMAX)
				die(DS_STARTUP, "-N: name is longer than %d "
				    "bytes", STREAM_NAMEMAX);
			s.fsname = optarg;
			break;
		case 'p':
			pflag = 1;
			break;
		case 'q':
			dumpnote_off();
			break;
		case 'S':
			sflag = 1;
			break;
		case 's':
			summary = 1;
			dumpnote_off();
			break;
		case 'T':
			tdate = optarg;
			break;
		case 't':
			s.date = numarg(optarg, "-t", 0, DD_TMAX);
			break;
		case 'w':
			filter_add(&s, optarg);
			break;
		case 'z':
			s.maxsparse = (uint64_t)numarg(optarg, "-z", 0, INT64_MAX);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1 || (sflag && summary))
		usage();
	if (s.fsname == NULL)
		s.fsname = argv[0];
	s.out = stdout;
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	if (ufs_open(&s.fs, argv[0]) != 0)
		return DS_STARTUP;
	setddate(&s, argv[0], tdate, ddpath);
	filter_setup(&s, argv[0], ddpath);
	dumpnote("Date of this level %d dump: %s", s.level,
	    showdate(s.date, when, sizeof(when)));
	if (s.ddate != 0 && s.lastlevel >= 0)
		dumpnote("Date of last level %d dump: %s", s.lastlevel,
		    showdate(s.ddate, when, sizeof(when)));
	else if (s.ddate != 0)
		dumpnote("Dumping changes since %s",
		    showdate(s.ddate, when, sizeof(when)));
	dumpnote("mapping (Pass I) [regular files]");
	if (scan_maps(&s) != 0)
		return DS_STARTUP;
	dumpnote("mapping (Pass II) [directories]");
	scan_mapdirs(&s);
	if (pflag || summary || s.filter != NULL) {
		dumpnote("reading the names [directories]");
		nm = names_build(&s);
		filter_paths(&s, nm);
	}
	if (s.nlost > 0) {
		if (nm == NULL)
			nm = names_build(&s);
		scan_namelost(&s, nm);
	}
	if (pflag)
		s.names = nm;
	rc = finish(&s, nm, argv[0], ddpath, summary ? 's' : sflag ? 'S' : 0);
	names_free(nm);
	scan_freetree(&s);
	return rc;
}
