/*
 * dtapewr: the dump stream from stdin to tapes, files or stdout.
 *
 * The master reads and checks the stream (input.c), builds blocks in the
 * slots of a ring of writer processes (ring.c) and changes volumes
 * (volume.c); it waits for anything in one place, a poll beside the
 * signals' self-pipe (loop.c), and deals with a block that was not
 * written, the end of the media among them, in eom.c.  A writer waits
 * for the turn token from its predecessor, writes its block and passes
 * the token on, so blocks reach the output strictly in stream order.
 * Every block stays in its slot until its writer reports, so the master
 * always holds what is in flight: at end of media it knows exactly which
 * records made it and carries the rest, unchanged, to the next volume.
 */
#ifndef DTAPEWR_H
#define DTAPEWR_H

#include <sys/types.h>

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "handoff.h"
#include "rmt.h"
#include "spcl.h"
#include "xio.h"

/*
 * Exit statuses, as in dtapewr(1), with the meanings every stage gives
 * them (2, "complete but damaged", is not one of dtapewr's).
 */
#define TW_OK		0	/* the whole stream was written */
#define TW_STARTUP	1	/* bad usage, or the output cannot be opened */
#define TW_BADINPUT	3	/* the input is not a complete dump stream */
#define TW_WRITE	4	/* the output failed, or memory ran out */
#define TW_ABORT	5	/* the operator stopped the dump */

/* What became of a block a writer was handed. */
enum fate {
	BLOCK_WRITTEN,		/* written whole */
	BLOCK_CUT,		/* its write failed or fell short: end of
				   media, or an error (wstat.err) */
	BLOCK_SKIPPED		/* not tried: a block before it was cut */
};

/* What a writer reports for one block. */
struct wstat {
	int64_t	seq;		/* the block's number in the stream */
	int32_t	fate;		/* enum fate */
	int32_t	err;		/* errno of a failed write, 0 for short */
	int64_t	bytes;		/* bytes the write accepted */
};

#define BATCHBYTES	(1 << 20)	/* a writer's share of the ring */
#define RINGBYTES	(8 << 20)	/* the most the ring's batches take */
#define MAXBATCH	128		/* blocks: reports fit in PIPE_BUF */

struct ring {
	int		 nwriters;
	int		 nslots;
	int		 batch;		/* blocks handed to a writer at once */
	size_t		 bsize;		/* bytes per block */
	unsigned char	*mem;		/* nslots * bsize, shared */
	int		*busy;		/* slot holds an unreported block */
	pid_t		*pid;		/* 0 once reaped */
	int		*wst;		/* a reaped writer's wait status */
	int		 told;		/* the broken ring was reported */
	int		*cmd;		/* master -> writer k */
	int		 status;	/* writers -> master; -1 at its end */
	int		 outfd;
	struct rmt	*rmt;		/* or a remote file through rmt(8) */
	int		 loop;		/* keep writing after short writes */
	int		 blockwise;	/* a write per block: a tape */
	int		 running;	/* reports may come */
	int		 finishing;	/* told to end once done */
	/* the batch being gathered */
	int64_t		 bstart;
	int		 bcount;
	int64_t		 nbatch;	/* batches handed out since the start */
	int64_t		 held;		/* blocks submitted, not reported */
	/* reports read but not yet taken */
	struct wstat	 rep[PIPE_BUF / sizeof(struct wstat)];
	int		 navail, nused;
};

/* What follows a volume vol_close() closes. */
#define VOL_LAST	0	/* nothing: the dump is over, or failed */
#define VOL_NEW		1	/* the next volume */
#define VOL_AGAIN	2	/* the same volume, written anew */


/* The dump stream on stdin, checked by the tape format's reader. */
struct input {
	int		 fd;
	unsigned char	*buf;		/* its own */
	unsigned char	*win;		/* what is read: buf, or ring memory */
	size_t		 cap;		/* bytes win may take */
	size_t		 len, off;	/* bytes in win, and taken from it */
	int		 mending;	/* a record cut by a window's end */
	int		 eof;
	int64_t		 consumed;	/* bytes taken from fd: read or moved */
	int64_t		 stopat;	/* read no further than this, if > 0 */
	struct spcl_checker chk;	/* what the stream said so far */
	char		 err[160];
	readwait_fn	 wait;		/* the master's wait, before a read */
	void		*waitarg;
	int		 hofd;		/* -H: a hand-off's file, or -1 */
	int		 handoff;	/* HO_*: is the input a hand-off? */
	struct handoff	 ho;
};

#define HO_UNKNOWN	0	/* not yet known: nothing read */
#define HO_NO		1	/* the input is the stream itself */
#define HO_YES		2	/* the input is notices (handoff.h) */

/* Where the volumes go. */
struct outputs {
	char		**names;	/* -f a,b,c */
	int		  nnames;
	int		  multi;	/* -M: names[0] is a prefix */
	const char	 *pipecmd;	/* -P */
	char		  name[1100];	/* of the current volume */
	int		  fd;
	int		  pipeout;	/* a pipe: no volumes, no end of media */
	int		  isreg;	/* a regular file: cut back at EOM */
	int		  isdev;	/* a tape or other device: can be rewritten */
	pid_t		  pipepid;	/* -P's shell */
	int		  remote;	/* host:file, through rmt */
	struct rmt	  rmt;
	int		  tty;		/* /dev/tty, -1 if none */
	readwait_fn	  wait;		/* the master's wait, for tty and rmt */
	void		 *waitarg;
	int		(*guard)(void *, int);	/* around a blocking open */
};

/* Where the current volume stands. */
struct volpos {
	int		 volume;	/* its number, from 1 */
	int64_t		 first;		/* the number of its TS_TAPE record */
	int64_t		 blocks;	/* blocks submitted to it */
	int64_t		 bytes;		/* bytes known written to it */
	int64_t		 recs;		/* records known written to it */
};

struct tw {
	int		 ntrec;		/* records per block */
	size_t		 bs;		/* bytes per block */
	int		 nwriters;
	int64_t		 volcap;	/* blocks per volume; 0: to the end of media */
	int		 progress;	/* seconds between progress lines */
	struct ring	 ring;
	struct input	 in;
	struct outputs	 out;
	struct recmeta	*meta;		/* per record of each slot */
	int		*nrec;		/* records in each slot */
	/* records carried to the next volume */
	unsigned char	*carry;
	struct recmeta	*cmeta;
	size_t		 ncarry, carryat;
	/* where we are */
	int64_t		 pos;		/* number of the next record placed */
	struct volpos	 vol;
	int64_t		 seq;		/* blocks submitted, all volumes */
	int		 failed;	/* a block was not written */
	struct wstat	 fail;		/* the earliest such block */
	int64_t		 written;	/* records written, all volumes */
	int		 inputdone;
	int		 relay;		/* -Z: long runs' pages may move on */
	int		 hofd;		/* -H: a hand-off's file, or -1 */
	int		 relaying;	/* they do: pipes in and out */
	int		 movable;	/* the run under way may move on */
	int64_t		 relayblocks;	/* blocks the master sent, not the ring */
	/* the master's one wait (loop.c) */
	int		 sigfd;		/* the signals' self-pipe */
	int		 stopsig;	/* the signal that stops the dump, or 0 */
	/* checkpoint copy of the current volume, for a rewrite after EIO */
	int		 ckfd;
	int64_t		 ckblocks;
	int64_t		 ckmax;		/* bytes it may take */
	unsigned char	*ckbuf;		/* blocks not yet written to it */
	size_t		 ckused, ckcap;
	double		 start, lastnote;
	double		 volstart;	/* when this volume was opened */
	int64_t		 volfrom;	/* records written before it */
};

int	input_init(struct input *in, int fd, int hofd);
int	input_next(struct input *in, unsigned char *dst, struct recmeta *m);
size_t	input_unread(const struct input *in);
void	input_offer(struct input *in, unsigned char *at, size_t room);
void	input_keep(struct input *in);
void	input_stopafter(struct input *in, int64_t records);
void	input_pad(const struct input *in, unsigned char *dst,
	    struct recmeta *m);

int	ring_init(struct ring *r, int nwriters, size_t bsize);
int	ring_start(struct ring *r, int outfd, struct rmt *rmt, int loop,
	    int blockwise);
unsigned char *ring_slot(struct ring *r, int64_t seq);
int	ring_canfill(const struct ring *r, int64_t seq);
int	ring_freeahead(const struct ring *r, int64_t seq);
int	ring_submit(struct ring *r, int64_t seq);
int64_t	ring_held(const struct ring *r);
int	ring_handout(struct ring *r);
int	ring_statusfd(const struct ring *r);
int	ring_readreports(struct ring *r);
int	ring_report(struct ring *r, struct wstat *ws);
int	ring_checkdead(struct ring *r);
int	ring_finish(struct ring *r);
int	ring_reap(struct ring *r);
void	ring_kill(struct ring *r);

int	vol_open(struct outputs *o, int volume);
int	vol_close(struct outputs *o, const struct volpos *v, int cutback,
	    int next);
int	vol_next(struct outputs *o, struct volpos *v, int64_t pos);
int	vol_ask(struct outputs *o, const char *question);
int	vol_canask(const struct outputs *o);

int	loop_init(struct tw *t);
void	loop_forget(void);
int	loop_wait(struct tw *t, int fd);
int	loop_waitfor(struct tw *t, int fd, short events);
int	loop_readwait(void *tw, int fd);
int	loop_stopped(struct tw *t);
int	loop_guard(void *tw, int on);
int	loop_drain(struct tw *t);
int	loop_stopring(struct tw *t);
double	now(void);
const char *showtime(time_t t, char *buf, size_t size);

int	eom_account(struct tw *t, const struct wstat *ws);
int	eom_recover(struct tw *t);
void	ck_start(struct tw *t);
void	ck_block(struct tw *t, const unsigned char *p,
	    const struct recmeta *m);

void	tw_place(struct tw *t, unsigned char *r, int64_t pos);
int	tw_changevol(struct tw *t, int cutback);
int	tw_startvol(struct tw *t);

int	relay_possible(const struct tw *t);
void	relay_header(struct tw *t);
int	relay_run(struct tw *t);

#endif
