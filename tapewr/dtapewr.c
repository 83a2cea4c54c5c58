/*
 * dtapewr: write a dump stream (stdin) to a tape, file or stdout in
 * blocks of -b kilobytes through a ring of writer processes, checking on
 * the way that the stream is a whole dump: headers where they are due,
 * right checksums, TS_TAPE first and TS_END last.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "dtapewr.h"
#include "msg.h"
#include "num.h"
#include "spcl.h"
#include "xio.h"

#define MAXMAPREC	((1u << 29) / TP_BSIZE + 1)	/* 2^32 inodes */

/* What the stream has shown so far. */
struct stream {
	int		started;	/* TS_TAPE seen */
	int		ended;		/* TS_END seen */
	int		be;
	int64_t		records;	/* records read */
	int64_t		due;		/* data records owed to the last header */
	uint32_t	olddate;	/* c_old_date of TS_TAPE */
	uint64_t	date;		/* c_date of TS_TAPE */
	unsigned char	end[TP_BSIZE];	/* the last TS_END, for padding */
	char		err[160];
};

struct tw {
	const char	*outname;
	int		 outfd;
	int		 pipeout;	/* stdout or a FIFO: one volume, no EOM */
	int		 ntrec;		/* records per block */
	int		 nwriters;
	struct ring	 ring;
	struct stream	 st;
	int64_t		 pending;	/* blocks submitted, not yet reported */
	int		 failed;	/* a block was not written */
	struct wstat	 fail;		/* the earliest such block */
	int64_t		 blocks;	/* blocks written */
	int64_t		 written;	/* records written */
};

static void
usage(void)
{
	fprintf(stderr, "usage: dtapewr [-b blocksize] [-n writers] -f file\n");
	exit(TW_STARTUP);
}

static int
bad(struct stream *s, const char *fmt, const char *what)
{
	snprintf(s->err, sizeof(s->err), fmt, (long long)s->records, what);
	return -1;
}

/* How many data records follow header h (already known to be a header). */
static int
datacount(struct stream *s, const unsigned char *h, int32_t type,
    int64_t *n)
{
	int32_t count = (int32_t)get32(h + SP_COUNT, s->be);
	int i;

	switch (type) {
	case TS_CLRI:
	case TS_BITS:
		if (count < 0 || (uint32_t)count > MAXMAPREC)
			return bad(s, "record %lld: %s map of impossible size",
			    type == TS_CLRI ? "TS_CLRI" : "TS_BITS");
		*n = count;
		return 0;
	case TS_INODE:
	case TS_ADDR:
		if (count < 0 || count > TP_NINDIR)
			return bad(s, "record %lld: %s c_count out of range",
			    "file header");
		*n = 0;
		for (i = 0; i < count; i++)
			*n += h[SP_ADDR + i] != 0;
		return 0;
	case TS_END:
		*n = 0;
		return 0;
	}
	return bad(s, "record %lld: %s", "header of unknown type");
}

/* Check one record of the input; 0 if it fits the stream, else -1. */
static int
takerecord(struct stream *s, const unsigned char *rec)
{
	int be, ufs2;
	int32_t type;
	int64_t n;

	if (s->due > 0) {
		s->due--;
		s->records++;
		return 0;
	}
	if (!spcl_ishead(rec, &be, &ufs2) || (s->started && be != s->be))
		return bad(s, "record %lld: %s", s->started ? "not a dump header"
		    " (bad magic or checksum) where one is due" :
		    "not a dump stream (no TS_TAPE header)");
	type = (int32_t)get32(rec + SP_TYPE, be);
	if (!s->started) {
		if (type != TS_TAPE || get32(rec + SP_VOLUME, be) != 1)
			return bad(s, "record %lld: %s", "the stream does not "
			    "begin with the TS_TAPE header of volume 1");
		s->started = 1;
		s->be = be;
		s->olddate = get32(rec + SP_OLD_DATE, be);
		s->date = get64(rec + SP_DATE, be);
		s->records++;
		return 0;
	}
	if (get32(rec + SP_OLD_DATE, be) != s->olddate ||
	    get64(rec + SP_DATE, be) != s->date)
		return bad(s, "record %lld: %s", "header of another dump "
		    "(different c_date)");
	if (type == TS_TAPE)
		return bad(s, "record %lld: %s", "a second TS_TAPE header");
	if (s->ended && type != TS_END)
		return bad(s, "record %lld: %s", "data after TS_END");
	if (datacount(s, rec, type, &n) != 0)
		return -1;
	if (type == TS_END) {
		s->ended = 1;
		memcpy(s->end, rec, TP_BSIZE);
	}
	s->due = n;
	s->records++;
	return 0;
}

/* Fill the rest of a block with TS_END records numbered on from the last. */
static void
padend(struct stream *s, unsigned char *p, size_t from, size_t to)
{
	int64_t tapea = (int64_t)get64(s->end + SP_TAPEA, s->be);
	uint32_t oldtapea = get32(s->end + SP_OLD_TAPEA, s->be);

	for (; from < to; from += TP_BSIZE) {
		memcpy(p + from, s->end, TP_BSIZE);
		put64(p + from + SP_TAPEA, (uint64_t)++tapea, s->be);
		put32(p + from + SP_OLD_TAPEA, ++oldtapea, s->be);
		spcl_setsum(p + from, s->be);
		memcpy(s->end, p + from, TP_BSIZE);
	}
}

/*
 * Read the next block of the stream into p.  Returns its length (a whole
 * block, or 0 at the end), or -1 with t->st.err set.
 */
static ssize_t
nextblock(struct tw *t, unsigned char *p)
{
	size_t bs = (size_t)t->ntrec * TP_BSIZE, off;
	ssize_t n;

	n = readfull(STDIN_FILENO, p, bs);
	if (n < 0) {
		snprintf(t->st.err, sizeof(t->st.err), "read:%s%s", " ",
		    strerror(errno));
		return -1;
	}
	if (n % TP_BSIZE != 0) {
		snprintf(t->st.err, sizeof(t->st.err), "input ends inside "
		    "record %lld (a partial record of %zd bytes)",
		    (long long)t->st.records, n % TP_BSIZE);
		return -1;
	}
	for (off = 0; off < (size_t)n; off += TP_BSIZE)
		if (takerecord(&t->st, p + off) != 0)
			return -1;
	if ((size_t)n == bs)
		return n;
	if (!t->st.ended || t->st.due > 0) {
		snprintf(t->st.err, sizeof(t->st.err), "input ends after %lld "
		    "records, before the dump's TS_END: the stream is cut "
		    "short", (long long)t->st.records);
		return -1;
	}
	if (n > 0)
		padend(&t->st, p, (size_t)n, bs);
	return n > 0 ? (ssize_t)bs : 0;
}

/*
 * Take one writer's report.  Reports come in any order; a block that
 * was not written whole is remembered (the earliest such block is the
 * one that failed, later ones were skipped).  Returns -1 if the ring
 * itself broke.
 */
static int
collect(struct tw *t)
{
	struct wstat ws;

	if (ring_wait(&t->ring, &ws) != 0)
		return -1;
	t->pending--;
	if (ws.done == 1) {
		t->blocks++;
		t->written += t->ntrec;
	} else if (ws.done == 0 && (!t->failed || ws.seq < t->fail.seq)) {
		t->fail = ws;
		t->failed = 1;
	} else if (!t->failed) {
		t->fail = ws;		/* skipped: the failure is yet to come */
		t->failed = 1;
	}
	return 0;
}

/* Wait for every block in flight. */
static int
drain(struct tw *t)
{
	while (t->pending > 0)
		if (collect(t) != 0)
			return -1;
	return 0;
}

static void
reportfail(const struct tw *t)
{
	const struct wstat *ws = &t->fail;

	if (ws->done == 0 && ws->err != 0)
		warnmsg("%s: write error at block %lld: %s", t->outname,
		    (long long)ws->seq, strerror(ws->err));
	else if (ws->done == 0)
		warnmsg("%s: end of media at block %lld (%lld of %zu bytes "
		    "written)", t->outname, (long long)ws->seq,
		    (long long)ws->bytes, t->ring.bsize);
}

static int
copystream(struct tw *t)
{
	int64_t seq = 0;
	ssize_t n;

	while (!t->failed) {
		while (!ring_free(&t->ring, seq) && !t->failed)
			if (collect(t) != 0)
				return TW_WRITE;
		if (t->failed)
			break;
		n = nextblock(t, ring_slot(&t->ring, seq));
		if (n < 0) {
			warnmsg("stdin: %s", t->st.err);
			if (drain(t) == 0 && t->failed)
				reportfail(t);
			return TW_BADINPUT;
		}
		if (n == 0)
			break;
		if (ring_submit(&t->ring, seq++, (size_t)n) != 0)
			return TW_WRITE;
		t->pending++;
	}
	if (drain(t) != 0)
		return TW_WRITE;
	if (t->failed) {
		reportfail(t);
		return TW_WRITE;
	}
	return TW_OK;
}

static void
openout(struct tw *t)
{
	struct stat sb;
	int flags = O_WRONLY;

	if (strcmp(t->outname, "-") == 0) {
		t->outfd = STDOUT_FILENO;
		t->outname = "standard output";
		t->pipeout = 1;
		return;
	}
	if (stat(t->outname, &sb) != 0 || S_ISREG(sb.st_mode))
		flags |= O_CREAT | O_TRUNC;
	t->outfd = open(t->outname, flags, 0666);
	if (t->outfd < 0)
		die(TW_STARTUP, "%s:", t->outname);
	if (fstat(t->outfd, &sb) == 0 && (S_ISFIFO(sb.st_mode) ||
	    S_ISSOCK(sb.st_mode)))
		t->pipeout = 1;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* dump's closing lines, which scripts and backup systems parse. */
static void
summary(const struct tw *t, double secs)
{
	if (t->pipeout)
		fprintf(stderr, "  DUMP: %lld tape blocks\n",
		    (long long)t->written);
	else
		fprintf(stderr, "  DUMP: %lld tape blocks on 1 volume\n",
		    (long long)t->written);
	if (secs < 1)
		fprintf(stderr, "  DUMP: finished in less than a second\n");
	else
		fprintf(stderr, "  DUMP: finished in %lld seconds, throughput "
		    "%lld KBytes/sec\n", (long long)secs,
		    (long long)(t->written / secs));
}

int
main(int argc, char *argv[])
{
	static struct tw t;
	double start;
	int ch, rc;

	setprogname_(argv[0]);
	t.ntrec = 10;
	t.nwriters = 3;
	while ((ch = getopt(argc, argv, "b:f:n:")) != -1) {
		switch (ch) {
		case 'b':
			t.ntrec = (int)numarg(optarg, "-b", 1, 1024);
			break;
		case 'f':
			t.outname = optarg;
			break;
		case 'n':
			t.nwriters = (int)numarg(optarg, "-n", 1, 64);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	if (argc != 0 || t.outname == NULL)
		usage();
	openout(&t);
	if (ring_init(&t.ring, t.nwriters, (size_t)t.ntrec * TP_BSIZE) != 0 ||
	    ring_start(&t.ring, t.outfd, t.pipeout) != 0)
		return TW_STARTUP;
	start = now();
	rc = copystream(&t);
	if (ring_stop(&t.ring) != 0 && rc == TW_OK)
		rc = TW_WRITE;
	if (rc == TW_OK && t.outfd != STDOUT_FILENO && close(t.outfd) != 0) {
		warnmsg("%s: close:", t.outname);
		rc = TW_WRITE;
	}
	if (rc != TW_OK) {
		warnmsg("%s holds an incomplete dump (%lld blocks written)",
		    t.outname, (long long)t.blocks);
		return rc;
	}
	summary(&t, now() - start);
	return TW_OK;
}
