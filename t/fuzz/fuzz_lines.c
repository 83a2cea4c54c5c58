/*
 * Fuzz the reader of dscan's stream (stream_read, dscan(5)): the input is
 * a stream, read until the reader ends it.  Every line it accepts is
 * written back with the stream_put_* writer and read again by a second
 * reader that has seen the same lines so far: it must accept the
 * copy and find the same values in it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "stream.h"

/*
 * Lines hold at most STREAM_LINEMAX bytes and lines do not interact
 * beyond the grammar's state, so a stream of a few lines covers what a
 * long one does; longer ones only make runs slower.
 */
#define MAXSTREAM	(1 << 20)

static void
put(FILE *fp, const struct line *ln)
{
	switch (ln->type) {
	case LN_HEADER:
		stream_put_header(fp, &ln->u.h);
		break;
	case LN_USED:
	case LN_DUMPED:
		stream_put_range(fp, ln->type, ln->u.range.first,
		    ln->u.range.last);
		break;
	case LN_INODE:
		stream_put_inode(fp, &ln->u.i);
		break;
	case LN_DATA:
	case LN_EXT:
		stream_put_run(fp, ln->type, ln->u.data.ino, &ln->u.data.run);
		break;
	case LN_LINK:
	case LN_NAME:
		stream_put_str(fp, ln->type, ln->u.str.ino, ln->u.str.bytes,
		    ln->u.str.len);
		break;
	case LN_OMIT:
		stream_put_omit(fp, ln->u.omit.ino, ln->u.omit.off);
		break;
	case LN_END:
		stream_put_end(fp, ln->u.end.inodes, ln->u.end.errors);
		break;
	default:
		BUG("stream_read returned a line of type %d", (int)ln->type);
	}
}

static int
sametime(const struct line_time *a, const struct line_time *b)
{
	return a->sec == b->sec && a->nsec == b->nsec;
}

static int
sameheader(const struct line_header *a, const struct line_header *b)
{
	return a->version == b->version && strcmp(a->dev, b->dev) == 0 &&
	    a->ufs2 == b->ufs2 && a->be == b->be &&
	    a->oldinofmt == b->oldinofmt && a->sblock == b->sblock &&
	    a->bsize == b->bsize && a->fsize == b->fsize &&
	    a->ncg == b->ncg && a->ipg == b->ipg && a->maxino == b->maxino &&
	    a->fssize == b->fssize && a->fsid[0] == b->fsid[0] &&
	    a->fsid[1] == b->fsid[1] && a->level == b->level &&
	    a->date == b->date && a->ddate == b->ddate &&
	    strcmp(a->label, b->label) == 0 &&
	    strcmp(a->fsname, b->fsname) == 0 &&
	    strcmp(a->host, b->host) == 0 && a->inodes == b->inodes &&
	    a->blocks == b->blocks;
}

static int
sameinode(const struct line_inode *a, const struct line_inode *b)
{
	return a->ino == b->ino && a->type == b->type && a->mode == b->mode &&
	    a->nlink == b->nlink && a->uid == b->uid && a->gid == b->gid &&
	    a->size == b->size && a->blocks == b->blocks &&
	    sametime(&a->atime, &b->atime) && sametime(&a->mtime, &b->mtime) &&
	    sametime(&a->ctime, &b->ctime) &&
	    sametime(&a->birthtime, &b->birthtime) && a->flags == b->flags &&
	    a->gen == b->gen && a->rdev == b->rdev && a->extsize == b->extsize;
}

static int
same(const struct line *a, const struct line *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case LN_HEADER:
		return sameheader(&a->u.h, &b->u.h);
	case LN_USED:
	case LN_DUMPED:
		return a->u.range.first == b->u.range.first &&
		    a->u.range.last == b->u.range.last;
	case LN_INODE:
		return sameinode(&a->u.i, &b->u.i);
	case LN_DATA:
	case LN_EXT:
		return a->u.data.ino == b->u.data.ino &&
		    a->u.data.run.off == b->u.data.run.off &&
		    a->u.data.run.frag == b->u.data.run.frag &&
		    a->u.data.run.len == b->u.data.run.len;
	case LN_LINK:
	case LN_NAME:
		return a->u.str.ino == b->u.str.ino &&
		    a->u.str.len == b->u.str.len &&
		    memcmp(a->u.str.bytes, b->u.str.bytes, a->u.str.len) == 0;
	case LN_OMIT:
		return a->u.omit.ino == b->u.omit.ino &&
		    a->u.omit.off == b->u.omit.off;
	case LN_END:
		return a->u.end.inodes == b->u.end.inodes &&
		    a->u.end.errors == b->u.end.errors;
	}
	return 0;
}

/* What the reader promises about a line it accepted. */
static void
check(const struct line *ln)
{
	const struct line_inode *ip = &ln->u.i;

	if (ln->type == LN_INODE &&
	    (ip->mode & 0170000) != stream_typebits(ip->type))
		BUG("inode %u: type %c with mode 0%o", ip->ino, ip->type,
		    ip->mode);
	if ((ln->type == LN_LINK || ln->type == LN_NAME) &&
	    ln->u.str.len > sizeof(ln->u.str.bytes))
		BUG("a string of %zu bytes", ln->u.str.len);
	if ((ln->type == LN_DATA || ln->type == LN_EXT) &&
	    (ln->u.data.run.len == 0 || ln->u.data.run.frag < 0))
		BUG("inode %u: a run of %llu bytes at fragment %lld",
		    ln->u.data.ino, (unsigned long long)ln->u.data.run.len,
		    (long long)ln->u.data.run.frag);
}

/* Write ln back and have copy, in step with the first reader, take it. */
static void
roundtrip(struct streamreader *copy, const struct line *ln)
{
	struct line again;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		FATAL("open_memstream");
	put(fp, ln);
	if (fclose(fp) != 0)
		FATAL("open_memstream");
	if ((fp = fmemopen(buf, len, "r")) == NULL)
		FATAL("fmemopen");
	copy->fp = fp;
	if (stream_read(copy, &again) != 1)
		BUG("line of type %d written back as \"%.*s\" is refused: %s",
		    (int)ln->type, (int)len, buf, copy->err);
	if (!same(ln, &again))
		BUG("line of type %d written back as \"%.*s\" reads "
		    "differently", (int)ln->type, (int)len, buf);
	fclose(fp);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct streamreader sr, copy;
	struct line ln;
	FILE *fp;
	int n, last = -1;

	/* fmemopen(3) may refuse an empty buffer. */
	if (size == 0 || size > MAXSTREAM)
		return 0;
	if ((fp = fmemopen((void *)data, size, "r")) == NULL)
		FATAL("fmemopen");
	stream_reader_init(&sr, fp, "fuzz");
	stream_reader_init(&copy, NULL, "copy");
	while ((n = stream_read(&sr, &ln)) == 1) {
		if (sr.err[0] != '\0')
			BUG("a line accepted with an error: %s", sr.err);
		check(&ln);
		roundtrip(&copy, &ln);
		last = (int)ln.type;
	}
	if (n != 0 && n != -1)
		BUG("stream_read returned %d", n);
	if (n == -1 && sr.err[0] == '\0')
		BUG("stream_read failed without saying why");
	if (n == 0 && last != LN_END)
		BUG("the stream ended without an end line");
	if (n == 0 && (copy.state != sr.state || copy.inodes != sr.inodes))
		BUG("the copy ends in another state");
	fclose(fp);
	return 0;
}
