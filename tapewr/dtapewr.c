/*
 * dtapewr: write a dump stream (stdin) to tapes, files or stdout in
 * blocks of -b kilobytes through a ring of writer processes, over as many
 * volumes as it takes.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ask.h"
#include "bytes.h"
#include "dtapewr.h"
#include "msg.h"
#include "num.h"
#include "spcl.h"
#include "xio.h"

static void
usage(void)
{
	fprintf(stderr, "usage: dtapewr [-acMZ] [-B kilobytes] [-b blocksize] "
	    "[-d density] [-E blocks]\n"
	    "               [-H fd] [-I seconds] [-n writers] [-s feet] "
	    "-f file[,file...] | -P command\n");
	exit(TW_STARTUP);
}

/*
 * Give a header its place: its volume and its record number, which is
 * what FreeBSD's restore tells duplicated records by.  c_firstrec stays
 * 0: the 4.4BSD-derived restores (NetBSD, OpenBSD, Linux) use it only to
 * skip records a dump wrote twice, which this one never does, and when
 * restore -x reads volume 1 a second time they compare it with a count
 * that is not reset, and with the true number they would skip good
 * records.  See dtapewr(1).
 */
void
tw_place(struct tw *t, unsigned char *r, int64_t pos)
{
	int be = t->in.chk.be;

	put32(r + SP_VOLUME, (uint32_t)t->vol.volume, be);
	put32(r + SP_OLD_TAPEA, (uint32_t)pos, be);
	put64(r + SP_TAPEA, (uint64_t)pos, be);
	put32(r + SP_OLD_FIRSTREC, 0, be);
	put64(r + SP_FIRSTREC, 0, be);
	spcl_setsum(r, be);
}

/*
 * The TS_TAPE of a later volume: volume 1's, numbered here, with the
 * records still owed to the header the volume begins inside (c_count)
 * and that header's inode, as the restores' getvol() read them.  The
 * volume's first record is waiting in the carry.
 */
static void
voltape(struct tw *t, unsigned char *r)
{
	const struct recmeta *m = &t->cmeta[t->carryat];
	int be = t->in.chk.be;

	memcpy(r, t->in.chk.tape, TP_BSIZE);
	put32(r + SP_COUNT, (uint32_t)m->due, be);
	put32(r + SP_INUMBER, m->ino, be);
	memset(r + SP_ADDR, 0, TP_NINDIR);
	put32(r + SP_FLAGS, get32(r + SP_FLAGS, be) | DR_NEWHEADER, be);
	tw_place(t, r, t->pos);
}

/*
 * Record n of the slot being filled, at dst: first those carried from a
 * full volume, then stdin, which, when nothing read is waiting, reads
 * ahead into the free ring memory from dst on: straight into the slots
 * its records will be written from.
 */
static int
nextrec(struct tw *t, unsigned char *dst, int n, struct recmeta *m)
{
	if (t->carryat < t->ncarry) {
		memcpy(dst, t->carry + t->carryat * TP_BSIZE, TP_BSIZE);
		*m = t->cmeta[t->carryat++];
		return 1;
	}
	if (t->inputdone)
		return 0;
	if (input_unread(&t->in) == 0)
		input_offer(&t->in, dst, (size_t)ring_freeahead(&t->ring,
		    t->seq) * t->bs - (size_t)n * TP_BSIZE);
	return input_next(&t->in, dst, m);
}

/*
 * Fill the slot for the next block: the volume's TS_TAPE first on a new
 * volume, then records, then TS_END records to the end of the block
 * once the dump is over.  Returns the records placed (0: nothing left),
 * -1 on bad input, or -2 if the wait for input gave up (a stop, a
 * broken ring).
 */
static int
fillblock(struct tw *t)
{
	unsigned char *p = ring_slot(&t->ring, t->seq);
	int slot = (int)(t->seq % t->ring.nslots);
	struct recmeta *m = t->meta + (size_t)slot * (size_t)t->ntrec;
	int n = 0, r;

	/* What is written here but read from stdin must not land on
	 * records read ahead and not yet taken. */
	if ((t->vol.blocks == 0 && t->vol.volume > 1) ||
	    t->carryat < t->ncarry)
		input_keep(&t->in);
	if (t->vol.blocks == 0 && t->vol.volume > 1) {
		voltape(t, p);
		m[0].due = 0;
		m[0].ino = 0;
		m[0].kind = KIND_MAP;
		m[0].head = 1;
		m[0].pad = 0;
		t->pos++;
		n = 1;
	}
	while (n < t->ntrec) {
		r = nextrec(t, p + (size_t)n * TP_BSIZE, n, &m[n]);
		if (r < 0)
			return r;
		if (r == 0) {
			t->inputdone = 1;
			break;
		}
		if (m[n].head) {
			tw_place(t, p + (size_t)n * TP_BSIZE, t->pos);
			if (t->relaying)
				relay_header(t);
		}
		t->pos++;
		n++;
	}
	if (n == 0)
		return 0;
	for (; n < t->ntrec; n++) {
		input_pad(&t->in, p + (size_t)n * TP_BSIZE, &m[n]);
		tw_place(t, p + (size_t)n * TP_BSIZE, t->pos++);
	}
	t->nrec[slot] = n;
	return n;
}

/*
 * Is there anything left to write?  A record is: if none is carried
 * already, the next one is taken from the input into the carry, where
 * the next block (or the next volume's TS_TAPE) finds it.  Returns 1,
 * 0 at the end of the dump, -1 on bad input, or -2 if the wait for
 * input gave up.
 */
static int
carrynext(struct tw *t)
{
	unsigned char r[TP_BSIZE];
	struct recmeta m;
	int n;

	if (t->carryat < t->ncarry)
		return 1;
	if (t->inputdone)
		return 0;
	switch (n = input_next(&t->in, r, &m)) {
	case 1:
		t->carryat = t->ncarry = 0;
		memcpy(t->carry, r, TP_BSIZE);
		t->cmeta[0] = m;
		t->ncarry = 1;
		return 1;
	case 0:
		t->inputdone = 1;
		return 0;
	}
	return n;
}

/* Hand the block just filled to the ring (and to the copy, if kept). */
static int
submit(struct tw *t)
{
	int slot = (int)(t->seq % t->ring.nslots);

	ck_block(t, ring_slot(&t->ring, t->seq),
	    t->meta + (size_t)slot * (size_t)t->ntrec);
	if (ring_submit(&t->ring, t->seq) != 0)
		return -1;
	t->seq++;
	t->vol.blocks++;
	return 0;
}

/* BSD dump's lines for the operator at the start and end of a volume. */
static void
volstarted(struct tw *t)
{
	char date[64];

	t->volstart = now();
	t->volfrom = t->written;
	dumpnote("Volume %d started with block %lld at: %s", t->vol.volume,
	    (long long)t->written + 1, showtime(time(NULL), date,
	    sizeof(date)));
}

static void
volcompleted(const struct tw *t)
{
	char date[64];
	double end = now();
	long long secs = (long long)(end - t->volstart);

	dumpnote("Volume %d completed at: %s", t->vol.volume,
	    showtime(time(NULL), date, sizeof(date)));
	dumpnote("Volume %d took %lld:%02lld:%02lld", t->vol.volume,
	    secs / 3600, secs / 60 % 60, secs % 60);
	dumpnote("Volume %d transfer rate: %lld KB/s", t->vol.volume,
	    (long long)((t->written - t->volfrom) / (secs > 0 ? secs : 1)));
}

/*
 * Start writing the current volume: writers for its output.  A remote
 * file gets a write a block on a tape, a write a batch otherwise, as a
 * local one would.
 */
int
tw_startvol(struct tw *t)
{
	struct outputs *o = &t->out;

	if (o->remote)
		return ring_start(&t->ring, -1, &o->rmt, 0, o->rmt.tape);
	return ring_start(&t->ring, o->fd, NULL, o->pipeout ||
	    o->pipecmd != NULL, !o->isreg && !o->pipeout &&
	    o->pipecmd == NULL);
}

/* The dump ends, by a stop signal or a broken output: its status. */
static int
ended(const struct tw *t)
{
	return t->stopsig ? TW_ABORT : TW_WRITE;
}

/*
 * Close the volume and open the next, whose first record must be in the
 * carry (its TS_TAPE tells about it).  Returns 0 or an exit status.
 */
int
tw_changevol(struct tw *t, int cutback)
{
	int r;

	if (t->carryat >= t->ncarry) {
		warnmsg("internal error: a new volume with nothing to go "
		    "on it");
		return TW_WRITE;
	}
	if (loop_stopring(t) != 0)
		return ended(t);
	if (vol_close(&t->out, &t->vol, cutback, VOL_NEW) != 0)
		return TW_WRITE;
	volcompleted(t);
	r = vol_next(&t->out, &t->vol, t->pos);
	if (r == -2)
		return TW_ABORT;
	/* An open that failed may have been cut short by a stop. */
	if (r != 0 || tw_startvol(t) != 0)
		return loop_stopped(t) ? TW_ABORT : TW_WRITE;
	ck_start(t);
	volstarted(t);
	dumpnote("Volume %d begins with blocks from inode %u", t->vol.volume,
	    t->cmeta[t->carryat].ino);
	return 0;
}

/* The input is not a complete dump stream: say why and end. */
static int
badinput(struct tw *t)
{
	warnmsg("stdin: %s", t->in.err);
	loop_drain(t);
	return TW_BADINPUT;
}

/*
 * The volume has its blocks (-B, -s...): change it if anything is left
 * to write and no block failed.  Returns 0 or an exit status.
 */
static int
nextvolume(struct tw *t)
{
	int m;

	if ((m = carrynext(t)) < 0)
		return m == -2 ? ended(t) : badinput(t);
	if (m == 0)
		return 0;
	if (loop_drain(t) != 0)
		return ended(t);
	return t->failed ? 0 : tw_changevol(t, 0);
}

/*
 * The input is over, or a block failed: wait for every report, then
 * recover what failed.  Returns -1 to go on, or an exit status (TW_OK
 * once all is written).
 */
static int
settle(struct tw *t)
{
	int rc;

	if (loop_drain(t) != 0)
		return ended(t);
	if (!t->failed)
		return TW_OK;
	rc = eom_recover(t);
	return rc == 0 ? -1 : rc;
}

/* Move the whole stream; returns an exit status. */
static int
copystream(struct tw *t)
{
	int n, rc;

	for (;;) {
		if (!t->out.pipeout && t->volcap > 0 && !t->failed &&
		    t->vol.blocks >= t->volcap && (rc = nextvolume(t)) != 0)
			return rc;
		if ((rc = relay_run(t)) != 0)
			return rc;
		while (!ring_canfill(&t->ring, t->seq) && !t->failed)
			if (loop_wait(t, -1) != 0)
				return ended(t);
		if (t->failed || (n = fillblock(t)) == 0) {
			if ((rc = settle(t)) >= 0)
				return rc;
			continue;
		}
		if (n < 0)
			return n == -2 ? ended(t) : badinput(t);
		if (submit(t) != 0)
			return ended(t);
	}
}

static void
splitnames(struct tw *t, char *list)
{
	char *p;
	int n = 1;

	for (p = list; *p != '\0'; p++)
		n += *p == ',';
	t->out.names = calloc((size_t)n, sizeof(char *));
	if (t->out.names == NULL)
		die(TW_STARTUP, "out of memory");
	for (p = strtok(list, ","); p != NULL; p = strtok(NULL, ","))
		t->out.names[t->out.nnames++] = p;
	if (t->out.nnames == 0)
		die(TW_STARTUP, "-f: no file name");
}

/*
 * Blocks per volume from dump's tape arithmetic: -s feet at -d bits per
 * inch, an inter-record gap per block (a streaming stop on a cartridge).
 */
static int64_t
tapelength(int64_t feet, int64_t bpi, int cartridge, size_t bs)
{
	int64_t density, tsize, tenths;

	density = bpi > 0 ? bpi / 10 : cartridge ? 100 : 160;
	tsize = (feet > 0 ? feet : cartridge ? 1700 : 2300) * 120;
	tenths = (int64_t)bs / density +
	    (cartridge ? 16 : density == 625 ? 5 : 8);
	return tsize / tenths;
}

/* A stop signal ends dtapewr by that signal, the writers first. */
static void
stopnow(struct tw *t)
{
	ring_kill(&t->ring);
	if (t->out.remote)
		rmt_drop(&t->out.rmt, 1);
	signal(t->stopsig, SIG_DFL);
	raise(t->stopsig);
	exit(TW_ABORT);
}

/*
 * Waits for the first record of the stream and carries it, before the
 * output is opened: a stream that never starts (the stages before failed
 * and said why) leaves an existing file or tape as it was.
 */
static void
firstrecord(struct tw *t)
{
	struct stat sb;

	int m;

	if ((m = carrynext(t)) > 0)
		return;
	/* A stop signal while the stream has not begun ends dtapewr by
	 * that signal, as at any later moment. */
	if (t->stopsig)
		stopnow(t);
	if (m == -2)
		exit(TW_ABORT);
	if (t->in.eof && t->in.chk.records == 0 &&
	    input_unread(&t->in) == 0) {
		if (fstat(STDIN_FILENO, &sb) != 0 || !S_ISFIFO(sb.st_mode))
			warnmsg("stdin: empty: no dump stream; nothing written");
		exit(TW_STARTUP);
	}
	die(TW_STARTUP, "stdin: %s; nothing written", t->in.err);
}

static void
setup(struct tw *t)
{
	size_t nrec;

	t->bs = (size_t)t->ntrec * TP_BSIZE;
	t->out.tty = ask_open();
	if (ring_init(&t->ring, t->nwriters, t->bs) != 0)
		exit(TW_STARTUP);
	nrec = (size_t)t->ring.nslots * (size_t)t->ntrec;
	t->meta = calloc(nrec, sizeof(*t->meta));
	t->nrec = calloc((size_t)t->ring.nslots, sizeof(*t->nrec));
	t->carry = malloc(2 * nrec * TP_BSIZE);
	t->cmeta = calloc(2 * nrec, sizeof(*t->cmeta));
	if (t->meta == NULL || t->nrec == NULL || t->carry == NULL ||
	    t->cmeta == NULL || input_init(&t->in, STDIN_FILENO, t->hofd) != 0)
		die(TW_STARTUP, "out of memory");
	if (loop_init(t) != 0)
		exit(TW_STARTUP);
	/* Every read of the input, the terminal and rmt waits in the one
	 * poll, beside the signals. */
	t->in.wait = t->out.wait = loop_readwait;
	t->in.waitarg = t->out.waitarg = t;
	t->out.guard = loop_guard;
	t->ckfd = -1;
	t->vol.volume = 1;
	firstrecord(t);
	if (vol_open(&t->out, t->vol.volume) != 0) {
		/* a remote open takes time, a FIFO's waits for a reader */
		if (loop_stopped(t))
			stopnow(t);
		exit(TW_STARTUP);
	}
	/* A pipe, with -Z: long runs move on (relay.c). */
	t->relaying = relay_possible(t);
	/* A copy of each volume, for a rewrite, when it makes sense. */
	ck_start(t);
	if (tw_startvol(t) != 0)
		exit(TW_STARTUP);
	if (!t->out.pipeout)
		volstarted(t);
}

/* dump's closing lines, which scripts and backup systems parse. */
static void
summary(const struct tw *t, double secs)
{
	if (t->out.pipeout)
		dumpnote("%lld tape blocks", (long long)t->written);
	else
		dumpnote("%lld tape blocks on %d volume%s",
		    (long long)t->written, t->vol.volume,
		    t->vol.volume == 1 ? "" : "s");
	if (secs < 1)
		dumpnote("finished in less than a second");
	else
		dumpnote("finished in %lld seconds, throughput %lld "
		    "KBytes/sec", (long long)secs,
		    (long long)(t->written / secs));
}

int
main(int argc, char *argv[])
{
	static struct tw t;
	int64_t kb = 0, feet = 0, bpi = 0, est = 0;
	int ch, rc, aflag = 0, cflag = 0;
	char *files = NULL;

	progname_set(argv[0]);
	bigpipe(STDIN_FILENO);
	t.ntrec = 10;
	t.nwriters = 3;
	t.progress = 300;
	t.hofd = -1;
	while ((ch = getopt(argc, argv, "aB:b:cd:E:f:H:I:Mn:P:s:Z")) != -1) {
		switch (ch) {
		case 'a':
			aflag = 1;
			break;
		case 'B':
			kb = numarg(optarg, "-B", 1, INT64_MAX / 1024);
			break;
		case 'b':
			t.ntrec = (int)numarg(optarg, "-b", 1, 1024);
			break;
		case 'c':
			cflag = 1;
			break;
		case 'd':
			bpi = numarg(optarg, "-d", 10, 100000000);
			break;
		case 'E':
			est = numarg(optarg, "-E", 0, INT64_MAX);
			break;
		case 'f':
			files = optarg;
			break;
		case 'H':
			t.hofd = (int)numarg(optarg, "-H", 3, INT_MAX);
			break;
		case 'I':
			t.progress = (int)numarg(optarg, "-I", 0, 86400);
			break;
		case 'M':
			t.out.multi = 1;
			break;
		case 'n':
			t.nwriters = (int)numarg(optarg, "-n", 1, 64);
			break;
		case 'P':
			t.out.pipecmd = optarg;
			break;
		case 's':
			feet = numarg(optarg, "-s", 1, INT64_MAX / 1200);
			break;
		case 'Z':
			t.relay = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	if (argc != 0 || (files == NULL) == (t.out.pipecmd == NULL) ||
	    (t.out.multi && files == NULL))
		usage();
	if (files != NULL)
		splitnames(&t, files);
	if (!aflag && kb > 0) {
		t.volcap = kb / t.ntrec;
		if (t.volcap == 0)
			die(TW_STARTUP, "-B %lld: a volume must hold at least "
			    "one block of %d KB", (long long)kb, t.ntrec);
	} else if (!aflag && (feet > 0 || bpi > 0 || cflag))
		t.volcap = tapelength(feet, bpi, cflag,
		    (size_t)t.ntrec * TP_BSIZE);
	setup(&t);
	if (est > 0)
		t.in.chk.estimate = est;
	t.start = t.lastnote = now();
	rc = copystream(&t);
	if (t.stopsig == 0 && loop_stopring(&t) != 0 && rc == TW_OK)
		rc = ended(&t);
	if (t.stopsig != 0) {
		warnmsg("%s: stopped by signal %d; the dump is incomplete",
		    t.out.name, t.stopsig);
		stopnow(&t);
	}
	if (t.out.fd >= 0 && vol_close(&t.out, &t.vol, 0, VOL_LAST) != 0 &&
	    rc == TW_OK)
		rc = TW_WRITE;
	if (rc != TW_OK) {
		warnmsg("%s holds an incomplete dump (volume %d, %lld tape "
		    "blocks written in all)", t.out.name, t.vol.volume,
		    (long long)t.written);
		return rc;
	}
	summary(&t, now() - t.start);
	if (!t.out.pipeout) {
		dumpnote("Closing %s", t.out.name);
		volcompleted(&t);
	}
	return TW_OK;
}
