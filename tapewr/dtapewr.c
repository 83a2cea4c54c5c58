/*
 * dtapewr: write a dump stream (stdin) to tapes, files or stdout in
 * blocks of -b kilobytes through a ring of writer processes, over as many
 * volumes as it takes.
 */
#include "feature.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
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

volatile sig_atomic_t wantinfo;
volatile sig_atomic_t stopsig;

static void
usage(void)
{
	fprintf(stderr, "usage: dtapewr [-acM] [-B kilobytes] [-b blocksize] "
	    "[-d density] [-E blocks]\n"
	    "               [-I seconds] [-n writers] [-s feet] "
	    "-f file[,file...] | -P command\n");
	exit(TW_STARTUP);
}

static void
oninfo(int sig)
{
	(void)sig;
	wantinfo = 1;
}

static void
onstop(int sig)
{
	stopsig = sig;
}

/* A writer ended: nothing to do but cut the master's wait short. */
static void
onchild(int sig)
{
	(void)sig;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A date as ctime(3) writes it, without the newline. */
static const char *
showtime(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%a %b %e %H:%M:%S %Y", &tm) == 0)
		snprintf(buf, size, "%lld", (long long)t);
	return buf;
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
static void
place(struct tw *t, unsigned char *r, int64_t pos)
{
	int be = t->in.chk.be;

	put32(r + SP_VOLUME, (uint32_t)t->volume, be);
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
	place(t, r, t->pos);
}

/* The next record: first those carried from a full volume, then stdin. */
static int
nextrec(struct tw *t, unsigned char *dst, struct recmeta *m)
{
	if (t->carryat < t->ncarry) {
		memcpy(dst, t->carry + t->carryat * TP_BSIZE, TP_BSIZE);
		*m = t->cmeta[t->carryat++];
		return 1;
	}
	if (t->inputdone)
		return 0;
	return input_next(&t->in, dst, m);
}

/*
 * Fill the slot for the next block: the volume's TS_TAPE first on a new
 * volume, then records, then TS_END records to the end of the block
 * once the dump is over.  Returns the records placed (0: nothing left),
 * or -1 on bad input.
 */
static int
fillblock(struct tw *t)
{
	unsigned char *p = ring_slot(&t->ring, t->seq);
	int slot = (int)(t->seq % t->ring.nslots);
	struct recmeta *m = t->meta + (size_t)slot * (size_t)t->ntrec;
	int n = 0, r;

	if (t->volblocks == 0 && t->volume > 1) {
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
		r = nextrec(t, p + (size_t)n * TP_BSIZE, &m[n]);
		if (r < 0)
			return -1;
		if (r == 0) {
			t->inputdone = 1;
			break;
		}
		if (m[n].head)
			place(t, p + (size_t)n * TP_BSIZE, t->pos);
		t->pos++;
		n++;
	}
	if (n == 0)
		return 0;
	for (; n < t->ntrec; n++) {
		input_pad(&t->in, p + (size_t)n * TP_BSIZE, &m[n]);
		place(t, p + (size_t)n * TP_BSIZE, t->pos++);
	}
	t->nrec[slot] = n;
	return n;
}

/*
 * Is there anything left to write?  A record is: if none is carried
 * already, the next one is taken from the input into the carry, where
 * the next block (or the next volume's TS_TAPE) finds it.  Returns 1,
 * 0 at the end of the dump, or -1 on bad input.
 */
static int
carrynext(struct tw *t)
{
	unsigned char r[TP_BSIZE];
	struct recmeta m;

	if (t->carryat < t->ncarry)
		return 1;
	if (t->inputdone)
		return 0;
	switch (input_next(&t->in, r, &m)) {
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
	return -1;
}

static void progress(struct tw *);

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
	int r;

	while ((r = ring_wait(&t->ring, &ws)) == 1)
		if (wantinfo || (t->progress > 0 &&
		    now() - t->lastnote >= t->progress))
			progress(t);
	if (r != 0)
		return -1;
	t->pending--;
	if (ws.done == 1) {
		t->written += t->ntrec;
		t->volrecs += t->ntrec;
		t->volbytes += (int64_t)t->bs;
	} else if (!t->failed || ws.seq < t->fail.seq ||
	    (ws.seq == t->fail.seq && ws.done == 0)) {
		t->fail = ws;
		t->failed = 1;
	}
	return 0;
}

static int
drain(struct tw *t)
{
	while (t->pending > 0)
		if (collect(t) != 0)
			return -1;
	return 0;
}

static void
progress(struct tw *t)
{
	double secs = now() - t->start, rate;
	int64_t est = t->in.chk.estimate, left;
	char date[64];

	wantinfo = 0;
	t->lastnote = now();
	rate = secs > 0 ? t->written / secs : 0;
	if (est > t->written && rate > 0) {
		left = (int64_t)((est - t->written) / rate);
		dumpnote("%3.2f%% done, finished in %lld:%02lld at %s (volume "
		    "%d, %.0f KBytes/sec)", 100.0 * t->written / est,
		    (long long)(left / 3600), (long long)(left / 60 % 60),
		    showtime(time(NULL) + (time_t)left, date, sizeof(date)),
		    t->volume, rate);
	} else
		dumpnote("%lld tape blocks written (volume %d, %.0f "
		    "KBytes/sec)", (long long)t->written, t->volume, rate);
}

/*
 * The copy of the volume kept for a rewrite after a write error: only
 * with someone to ask, only on a device (a file or a pipe cannot be
 * mounted anew), in writes of about a megabyte, and only while it takes
 * less than half the room free in TMPDIR when the volume began.
 */
#define CKBUF	(1 << 20)

/* Stop keeping the copy of this volume, saying why. */
static void
ckdrop(struct tw *t, const char *why)
{
	dumpnote("no copy of volume %d is kept for a rewrite (%s): a write "
	    "error will end the dump", t->volume, why);
	close(t->ckfd);
	t->ckfd = -1;
}

/* Write out the blocks gathered for the copy. */
static void
ckflush(struct tw *t)
{
	if (t->ckfd >= 0 && t->ckused > 0 &&
	    writefull(t->ckfd, t->ckbuf, t->ckused) != 0) {
		warnmsg("copy of volume %d for a rewrite:", t->volume);
		ckdrop(t, "it cannot be written");
	}
	t->ckused = 0;
}

/* A copy for the volume that starts, if one makes sense. */
static void
ckstart(struct tw *t)
{
	const char *dir = getenv("TMPDIR");
	char path[1024];
	struct statvfs vfs;

	t->ckblocks = 0;
	t->ckused = 0;
	if (t->ckfd >= 0)
		close(t->ckfd);
	t->ckfd = -1;
	/* A device can be written again; so can a remote file after a
	 * lost connection.  A local file or pipe cannot. */
	if (!vol_canask(t) || !(t->out.isdev || t->out.remote))
		return;
	snprintf(path, sizeof(path), "%s/dtapewr.XXXXXX",
	    dir != NULL && *dir != '\0' ? dir : "/tmp");
	if (t->ckbuf == NULL) {
		t->ckcap = CKBUF / (t->bs + sizeof(struct recmeta) *
		    (size_t)t->ntrec);
		if (t->ckcap < 1)
			t->ckcap = 1;
		t->ckbuf = malloc(t->ckcap * (t->bs + sizeof(struct recmeta) *
		    (size_t)t->ntrec));
	}
	if (t->ckbuf == NULL || (t->ckfd = mkstemp(path)) < 0) {
		warnmsg("%s: no copy of volume %d can be kept for a rewrite "
		    "after a write error:", path, t->volume);
		t->ckfd = -1;
		return;
	}
	unlink(path);
	/* not for the remote shell of a later volume */
	fcntl(t->ckfd, F_SETFD, FD_CLOEXEC);
	t->ckmax = fstatvfs(t->ckfd, &vfs) == 0 ?
	    (int64_t)(vfs.f_bavail / 2) * (int64_t)vfs.f_frsize : (int64_t)1 << 30;
}

/* Keep a copy of each block of the volume, to rewrite it after EIO. */
static void
checkpoint(struct tw *t, const unsigned char *p, const struct recmeta *m)
{
	size_t rec = t->bs + sizeof(*m) * (size_t)t->ntrec;
	char why[96];

	if (t->ckfd < 0)
		return;
	if ((t->ckblocks + 1) * (int64_t)rec > t->ckmax) {
		snprintf(why, sizeof(why), "it would pass %lld KB, half the "
		    "room free in TMPDIR", (long long)(t->ckmax / 1024));
		ckdrop(t, why);
		return;
	}
	if (t->ckused + rec > t->ckcap * rec)
		ckflush(t);
	memcpy(t->ckbuf + t->ckused, p, t->bs);
	memcpy(t->ckbuf + t->ckused + t->bs, m, rec - t->bs);
	t->ckused += rec;
	t->ckblocks++;
}

static int
submit(struct tw *t, int n)
{
	unsigned char *p = ring_slot(&t->ring, t->seq);
	int slot = (int)(t->seq % t->ring.nslots);

	checkpoint(t, p, t->meta + (size_t)slot * (size_t)t->ntrec);
	if (ring_submit(&t->ring, t->seq, (size_t)n * TP_BSIZE) != 0)
		return -1;
	t->seq++;
	t->pending++;
	t->volblocks++;
	return 0;
}

/* BSD dump's lines for the operator at the start and end of a volume. */
static void
volstarted(struct tw *t)
{
	char date[64];

	t->volstart = now();
	t->volfrom = t->written;
	dumpnote("Volume %d started with block %lld at: %s", t->volume,
	    (long long)t->written + 1, showtime(time(NULL), date,
	    sizeof(date)));
}

static void
volcompleted(const struct tw *t)
{
	char date[64];
	double end = now();
	long long secs = (long long)(end - t->volstart);

	dumpnote("Volume %d completed at: %s", t->volume,
	    showtime(time(NULL), date, sizeof(date)));
	dumpnote("Volume %d took %lld:%02lld:%02lld", t->volume, secs / 3600,
	    secs / 60 % 60, secs % 60);
	dumpnote("Volume %d transfer rate: %lld KB/s", t->volume,
	    (long long)((t->written - t->volfrom) / (secs > 0 ? secs : 1)));
}

/*
 * Start writing the current volume: writers for its output.  A remote
 * file gets a write a block on a tape, a write a batch otherwise, as a
 * local one would.
 */
static int
startvol(struct tw *t)
{
	struct outputs *o = &t->out;

	if (o->remote)
		return ring_start(&t->ring, -1, &o->rmt, 0, o->rmt.tape);
	return ring_start(&t->ring, o->fd, NULL, o->pipeout ||
	    o->pipecmd != NULL, !o->isreg && !o->pipeout &&
	    o->pipecmd == NULL);
}

/*
 * Close the volume and open the next, whose first record must be in the
 * carry (its TS_TAPE tells about it).  Returns 0 or an exit status.
 */
static int
changevol(struct tw *t, int cutback)
{
	int r;

	if (t->carryat >= t->ncarry)
		die(TW_WRITE, "internal error: a new volume with nothing to go "
		    "on it");
	if (ring_stop(&t->ring) != 0 || vol_close(t, cutback, VOL_NEW) != 0)
		return TW_WRITE;
	volcompleted(t);
	r = vol_next(t);
	if (r == -2)
		return TW_ABORT;
	if (r != 0 || startvol(t) != 0)
		return TW_WRITE;
	ckstart(t);
	volstarted(t);
	dumpnote("Volume %d begins with blocks from inode %u", t->volume,
	    t->cmeta[t->carryat].ino);
	return 0;
}

/*
 * End of media: the records of the blocks in flight that did not make
 * it (from inside the block that met the end) go, in order and
 * unchanged, ahead of everything else onto the next volume.
 */
static int
rollforward(struct tw *t)
{
	int64_t keep = t->fail.bytes / TP_BSIZE, seq, i;
	size_t n = 0, rest = t->ncarry - t->carryat;
	unsigned char *buf;
	struct recmeta *mb;
	int slot;

	t->volrecs += keep;
	t->written += keep;
	t->volbytes += keep * TP_BSIZE;
	if (t->volrecs < 2) {
		warnmsg("%s: volume %d took nothing (%lld records): the media "
		    "is full or too small for blocks of %d KB", t->out.name,
		    t->volume, (long long)t->volrecs, t->ntrec);
		return TW_WRITE;
	}
	dumpnote("End of media on volume %d after %lld tape blocks",
	    t->volume, (long long)t->volrecs);
	buf = malloc((size_t)(2 * t->ring.nslots * t->ntrec) * TP_BSIZE);
	mb = malloc((size_t)(2 * t->ring.nslots * t->ntrec) * sizeof(*mb));
	if (buf == NULL || mb == NULL)
		die(TW_WRITE, "out of memory");
	for (seq = t->fail.seq; seq < t->seq; seq++) {
		slot = (int)(seq % t->ring.nslots);
		for (i = seq == t->fail.seq ? keep : 0; i < t->nrec[slot]; i++) {
			const struct recmeta *m = t->meta +
			    (size_t)slot * (size_t)t->ntrec + (size_t)i;

			if (m->pad)	/* the next volume pads its own end */
				continue;
			memcpy(buf + n * TP_BSIZE, ring_slot(&t->ring, seq) +
			    i * TP_BSIZE, TP_BSIZE);
			mb[n++] = *m;
		}
	}
	memcpy(buf + n * TP_BSIZE, t->carry + t->carryat * TP_BSIZE,
	    rest * TP_BSIZE);
	memcpy(mb + n, t->cmeta + t->carryat, rest * sizeof(*mb));
	free(t->carry);
	free(t->cmeta);
	t->carry = buf;
	t->cmeta = mb;
	t->ncarry = n + rest;
	t->carryat = 0;
	t->pos = t->volfirst + t->volrecs;
	t->failed = 0;
	if (t->ncarry == 0 && t->inputdone) {
		/* Only padding missed the volume: the dump is all there. */
		if (t->out.isreg && ftruncate(t->out.fd, (off_t)t->volbytes)) {
			warnmsg("%s: cutting back to %lld bytes:", t->out.name,
			    (long long)t->volbytes);
			return TW_WRITE;
		}
		return 0;
	}
	return changevol(t, 1);
}

/*
 * A write error other than end of media (why says what it was): rewrite
 * the volume from its start if the operator wants and a copy of it was
 * kept.
 */
static int
rewrite(struct tw *t, const char *why)
{
	unsigned char *p;
	int64_t b;
	int slot, a;

	dumpnote("write error on volume %d (%s) at block %lld: %s",
	    t->volume, t->out.name, (long long)t->fail.seq, why);
	ckflush(t);
	if (t->ckfd < 0 || t->out.pipeout || t->out.pipecmd != NULL) {
		warnmsg("%s: write error: %s; no copy of the volume to rewrite "
		    "it from, so the dump ends here", t->out.name, why);
		return TW_WRITE;
	}
	a = vol_ask(t, "Do you want to rewrite this volume from its start?");
	if (a != 1)
		return TW_ABORT;
	if (ring_stop(&t->ring) != 0)
		return TW_WRITE;
	vol_close(t, 0, VOL_AGAIN);
	dumpnote("Replace volume %d", t->volume);
	while ((a = vol_ask(t, "Is the new volume mounted and ready to go?"))
	    != 1)
		if (a < 0 || vol_ask(t, "Do you want to abort?") != 0)
			return TW_ABORT;
	t->volblocks = t->volbytes = t->volrecs = 0;
	t->failed = 0;
	if (vol_open(t) != 0 || startvol(t) != 0 ||
	    lseek(t->ckfd, 0, SEEK_SET) != 0)
		return TW_WRITE;
	b = t->ckblocks;
	t->ckblocks = 0;
	for (; b > 0; b--) {
		while (!ring_free(&t->ring, t->seq))
			if (collect(t) != 0)
				return TW_WRITE;
		slot = (int)(t->seq % t->ring.nslots);
		p = ring_slot(&t->ring, t->seq);
		if (readfull(t->ckfd, p, t->bs) != (ssize_t)t->bs ||
		    readfull(t->ckfd, t->meta + (size_t)slot * (size_t)t->ntrec,
		    sizeof(struct recmeta) * (size_t)t->ntrec) !=
		    (ssize_t)(sizeof(struct recmeta) * (size_t)t->ntrec))
			return TW_WRITE;
		t->nrec[slot] = t->ntrec;
		if (ring_submit(&t->ring, t->seq, t->bs) != 0)
			return TW_WRITE;
		t->seq++;
		t->pending++;
		t->volblocks++;
		t->ckblocks++;
	}
	return 0;
}

/*
 * A remote file whose connection broke: what became of the remote
 * shell, for the message.
 */
static const char *
lostwhy(struct tw *t)
{
	static char why[700];

	if (ring_stop(&t->ring) != 0)
		warnmsg("%s: the writers did not end cleanly", t->out.name);
	rmt_drop(&t->out.rmt, 0);
	snprintf(why, sizeof(why), "lost the connection to rmt on %s (%s)",
	    t->out.rmt.host, t->out.rmt.msg);
	return why;
}

/* A block was not written: end of media, or another error. */
static int
recover(struct tw *t)
{
	const struct wstat *ws = &t->fail;
	int eom = ws->done == 0 && (ws->err == 0 || ws->err == ENOSPC);

	if (ws->done != 0) {
		warnmsg("%s: a writer skipped block %lld", t->out.name,
		    (long long)ws->seq);
		return TW_WRITE;
	}
	if (t->out.pipeout) {
		if (ws->err != 0)
			warnmsg("%s: write error at block %lld: %s",
			    t->out.name, (long long)ws->seq, strerror(ws->err));
		else
			warnmsg("%s: short write at block %lld (%lld of %zu "
			    "bytes)", t->out.name, (long long)ws->seq,
			    (long long)ws->bytes, t->bs);
		return TW_WRITE;
	}
	if (eom)
		return rollforward(t);
	if (t->out.remote && ws->err == RMT_LOST)
		return rewrite(t, lostwhy(t));
	return rewrite(t, strerror(ws->err));
}

/* Move the whole stream; returns an exit status. */
static int
copystream(struct tw *t)
{
	int n, rc, m;

	for (;;) {
		if (stopsig)
			return TW_ABORT;
		if (wantinfo || (t->progress > 0 &&
		    now() - t->lastnote >= t->progress))
			progress(t);
		/* A full volume: change it if anything is left to write. */
		if (!t->out.pipeout && t->volcap > 0 &&
		    t->volblocks >= t->volcap && !t->failed) {
			if ((m = carrynext(t)) < 0)
				break;
			if (m > 0) {
				if (drain(t) != 0)
					return TW_WRITE;
				if (!t->failed && (rc = changevol(t, 0)) != 0)
					return rc;
				continue;
			}
		}
		while (!ring_free(&t->ring, t->seq) && !t->failed)
			if (collect(t) != 0)
				return TW_WRITE;
		if (t->failed) {
			if (drain(t) != 0 || (rc = recover(t)) != 0)
				return rc ? rc : TW_WRITE;
			continue;
		}
		n = fillblock(t);
		if (n < 0)
			break;
		if (n == 0) {
			if (drain(t) != 0)
				return TW_WRITE;
			if (!t->failed)
				return TW_OK;
			if ((rc = recover(t)) != 0)
				return rc;
			continue;
		}
		if (submit(t, n) != 0)
			return TW_WRITE;
	}
	warnmsg("stdin: %s", t->in.err);
	drain(t);
	return TW_BADINPUT;
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

/*
 * Waits for the first record of the stream and carries it, before the
 * output is opened: a stream that never starts (the stages before failed
 * and said why) leaves an existing file or tape as it was.
 */
static void
firstrecord(struct tw *t)
{
	struct stat sb;

	if (carrynext(t) > 0)
		return;
	if (stopsig)
		exit(TW_ABORT);
	if (t->in.chk.records == 0 && t->in.len == 0) {
		if (fstat(STDIN_FILENO, &sb) != 0 || !S_ISFIFO(sb.st_mode))
			warnmsg("stdin: empty: no dump stream; nothing written");
		exit(TW_STARTUP);
	}
	die(TW_STARTUP, "stdin: %s; nothing written", t->in.err);
}

static void
setup(struct tw *t)
{
	struct sigaction sa;
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
	    t->cmeta == NULL || input_init(&t->in, STDIN_FILENO) != 0)
		die(TW_STARTUP, "out of memory");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = oninfo;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
#ifdef SIGINFO
	sigaction(SIGINFO, &sa, NULL);
#endif
	/* Stop the writers too before going: a signal sets a flag, no more. */
	sa.sa_handler = onstop;
	/* dump asks the operator on SIGINT (DUMP_ASKS_INT, see dump(8)),
	 * and stops the stages itself if the answer is yes. */
	if (!ask_onint())
		sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A writer that dies is named (ring.c), so its pipes must not kill
	 * the master first; a -P command gets SIGPIPE back (volume.c). */
	signal(SIGPIPE, SIG_IGN);
	sa.sa_handler = onchild;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	t->ckfd = -1;
	t->volume = 1;
	firstrecord(t);
	if (vol_open(t) != 0) {
		if (stopsig) {		/* a remote open takes time */
			signal((int)stopsig, SIG_DFL);
			raise((int)stopsig);
		}
		exit(TW_STARTUP);
	}
	/* A copy of each volume, for a rewrite, when it makes sense. */
	ckstart(t);
	if (startvol(t) != 0)
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
		    (long long)t->written, t->volume,
		    t->volume == 1 ? "" : "s");
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

	setprogname_(argv[0]);
	bigpipe(STDIN_FILENO);
	t.ntrec = 10;
	t.nwriters = 3;
	t.progress = 300;
	while ((ch = getopt(argc, argv, "aB:b:cd:E:f:I:Mn:P:s:")) != -1) {
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
	if (stopsig) {
		ring_kill(&t.ring);
		if (t.out.remote)
			rmt_drop(&t.out.rmt, 1);
		warnmsg("%s: stopped by signal %d; the dump is incomplete",
		    t.out.name, (int)stopsig);
		signal((int)stopsig, SIG_DFL);
		raise((int)stopsig);
		return TW_ABORT;
	}
	if (ring_stop(&t.ring) != 0 && rc == TW_OK)
		rc = TW_WRITE;
	if (t.out.fd >= 0 && vol_close(&t, 0, VOL_LAST) != 0 && rc == TW_OK)
		rc = TW_WRITE;
	if (rc != TW_OK) {
		warnmsg("%s holds an incomplete dump (volume %d, %lld tape "
		    "blocks written in all)", t.out.name, t.volume,
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
