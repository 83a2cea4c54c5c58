/*
 * dscan: read a UFS1 or UFS2 file system and write, on stdout, the record
 * stream of dscan(5): which inodes a dump holds, their attributes, and
 * where their data lies on the device.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dscan.h"
#include "msg.h"
#include "num.h"
#include "rec.h"

static void
usage(void)
{
	fprintf(stderr, "usage: dscan [-L label] [-l level] [-N name] "
	    "[-t date] special\n");
	exit(DS_STARTUP);
}

int
main(int argc, char *argv[])
{
	static struct scan s;
	static char outbuf[1 << 16];
	int ch;

	setprogname_(argv[0]);
	s.label = "none";
	s.honor = 1;
	s.date = (int64_t)time(NULL);
	while ((ch = getopt(argc, argv, "L:l:N:t:")) != -1) {
		switch (ch) {
		case 'L':
			if (strlen(optarg) > REC_LABELMAX)
				die(DS_STARTUP, "-L: label \"%s\" is longer than "
				    "%d bytes", optarg, REC_LABELMAX);
			s.label = optarg;
			break;
		case 'l':
			s.level = (int)numarg(optarg, "-l", 0, 9);
			break;
		case 'N':
			if (strlen(optarg) > REC_NAMEMAX)
				die(DS_STARTUP, "-N: name is longer than %d "
				    "bytes", REC_NAMEMAX);
			s.fsname = optarg;
			break;
		case 't':
			s.date = numarg(optarg, "-t", 0, INT64_MAX);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		usage();
	if (s.fsname == NULL)
		s.fsname = argv[0];
	s.ddate = 0;
	s.out = stdout;
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	if (ufs_open(&s.fs, argv[0]) != 0)
		return DS_STARTUP;
	if (scan_maps(&s) != 0)
		return DS_DAMAGED;
	fprintf(stderr, "%s: level %d dump of %s: %llu inodes, estimated "
	    "%llu tape blocks\n", progname, s.level, argv[0],
	    (unsigned long long)s.ninodes, (unsigned long long)s.estimate);
	if (scan_emit(&s) != 0) {
		warnmsg("writing the record stream:");
		return DS_OUTPUT;
	}
	if (s.errors > 0) {
		warnmsg("%s: %lu errors; the stream is complete but damaged "
		    "parts were left out or zeroed", argv[0], s.errors);
		return DS_DAMAGED;
	}
	return DS_OK;
}
