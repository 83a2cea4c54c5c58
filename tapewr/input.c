/*
 * The dump stream on stdin, one record at a time, checked on the way:
 * a header wherever one is due, with a known magic and a right checksum,
 * TS_TAPE first and once, one c_date throughout, TS_END last.  Each
 * record comes with what a later volume's TS_TAPE would need to say if
 * the volume began at it: the data records still owed to the header
 * before it, and that header's inode.
 */
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "dtapewr.h"
#include "spcl.h"

#define INBUF		(1 << 20)
#define MAXMAPREC	((1u << 29) / TP_BSIZE + 1)	/* 2^32 inodes */

int
input_init(struct input *in, int fd)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->buf = malloc(INBUF);
	return in->buf == NULL ? -1 : 0;
}

static int
bad(struct input *in, const char *what)
{
	snprintf(in->err, sizeof(in->err), "record %lld: %s",
	    (long long)in->records, what);
	return -1;
}

/* How many data records follow header h of type t. */
static int
datacount(struct input *in, const unsigned char *h, int32_t t, int64_t *n)
{
	int32_t count = (int32_t)get32(h + SP_COUNT, in->be);
	int i;

	switch (t) {
	case TS_CLRI:
	case TS_BITS:
		if (count < 0 || (uint32_t)count > MAXMAPREC)
			return bad(in, "an inode map of impossible size");
		*n = count;
		return 0;
	case TS_INODE:
	case TS_ADDR:
		if (count < 0 || count > TP_NINDIR)
			return bad(in, "file header with c_count out of range");
		*n = 0;
		for (i = 0; i < count; i++)
			*n += h[SP_ADDR + i] != 0;
		return 0;
	case TS_END:
		*n = 0;
		return 0;
	}
	return bad(in, "header of unknown type");
}

/* The TS_TAPE header of volume 1: remember it and its estimate. */
static int
taketape(struct input *in, const unsigned char *r, int be)
{
	if (get32(r + SP_TYPE, be) != TS_TAPE || get32(r + SP_VOLUME, be) != 1)
		return bad(in, "the stream does not begin with the TS_TAPE "
		    "header of volume 1");
	in->started = 1;
	in->be = be;
	in->olddate = get32(r + SP_OLD_DATE, be);
	in->date = get64(r + SP_DATE, be);
	memcpy(in->tape, r, TP_BSIZE);
	if (memcmp(r + SP_ESTMARK, SP_ESTMAGIC, 4) == 0)
		in->estimate = (int64_t)get64(r + SP_ESTIMATE, be);
	return 0;
}

/* Check record r against the stream so far; fill in m. */
static int
take(struct input *in, const unsigned char *r, struct recmeta *m)
{
	int be, ufs2;
	int32_t type;
	int64_t n;

	m->due = in->due;
	m->ino = in->ino;
	m->kind = (int16_t)in->kind;
	m->head = 0;
	m->pad = 0;
	if (in->due > 0) {
		in->due--;
		in->records++;
		return 0;
	}
	if (!spcl_ishead(r, &be, &ufs2) || (in->started && be != in->be))
		return bad(in, in->started ? "not a dump header (bad magic "
		    "or checksum) where one is due" :
		    "not a dump stream (no TS_TAPE header)");
	m->head = 1;
	if (!in->started) {
		if (taketape(in, r, be) != 0)
			return -1;
		in->records++;
		return 0;
	}
	type = (int32_t)get32(r + SP_TYPE, be);
	if (get32(r + SP_OLD_DATE, be) != in->olddate ||
	    get64(r + SP_DATE, be) != in->date)
		return bad(in, "header of another dump (different c_date)");
	if (type == TS_TAPE)
		return bad(in, "a second TS_TAPE header");
	if (in->ended && type != TS_END)
		return bad(in, "data after TS_END");
	if (datacount(in, r, type, &n) != 0)
		return -1;
	if (type == TS_END) {
		in->ended = 1;
		memcpy(in->end, r, TP_BSIZE);
	}
	in->kind = input_kind(in, r, m);
	in->ino = get32(r + SP_INUMBER, be);
	in->due = n;
	in->records++;
	return 0;
}

/* The kind of header r, whose metadata (what came before it) is m. */
int
input_kind(const struct input *in, const unsigned char *r,
    const struct recmeta *m)
{
	switch (get32(r + SP_TYPE, in->be)) {
	case TS_INODE:
		return (get16(r + 32, in->be) & 0170000) == 0040000 ?
		    KIND_DIR : KIND_FILE;
	case TS_ADDR:
		return m->kind;
	}
	return KIND_MAP;
}

/* Make sure a whole record is buffered; 0 at end of input, -1 on error. */
static int
fill(struct input *in)
{
	ssize_t n;

	while (in->len - in->off < TP_BSIZE && !in->eof) {
		memmove(in->buf, in->buf + in->off, in->len - in->off);
		in->len -= in->off;
		in->off = 0;
		n = read(in->fd, in->buf + in->len, INBUF - in->len);
		if (n < 0 && errno == EINTR && !stopsig)
			continue;
		if (n < 0) {
			snprintf(in->err, sizeof(in->err), "read: %s",
			    strerror(errno));
			return -1;
		}
		if (n == 0)
			in->eof = 1;
		in->len += (size_t)n;
	}
	if (in->len - in->off >= TP_BSIZE)
		return 1;
	if (in->len > in->off) {
		snprintf(in->err, sizeof(in->err), "input ends inside record "
		    "%lld (a partial record of %zu bytes)",
		    (long long)in->records, in->len - in->off);
		return -1;
	}
	if (!in->ended || in->due > 0) {
		snprintf(in->err, sizeof(in->err), "input ends after %lld "
		    "records, before the dump's TS_END: the stream is cut "
		    "short", (long long)in->records);
		return -1;
	}
	return 0;
}

/*
 * The next record of the stream into dst.  Returns 1, 0 at the proper
 * end of the dump, or -1 with in->err set.
 */
int
input_next(struct input *in, unsigned char *dst, struct recmeta *m)
{
	int r = fill(in);

	if (r <= 0)
		return r;
	memcpy(dst, in->buf + in->off, TP_BSIZE);
	if (take(in, dst, m) != 0)
		return -1;
	in->off += TP_BSIZE;
	return 1;
}

/* A TS_END record to pad the last block with (numbered when placed). */
void
input_pad(const struct input *in, unsigned char *dst, struct recmeta *m)
{
	memcpy(dst, in->end, TP_BSIZE);
	m->due = 0;
	m->ino = in->ino;
	m->kind = (int16_t)in->kind;
	m->head = 1;
	m->pad = 1;
}
