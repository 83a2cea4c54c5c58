/*
 * Fuzz dscan's record stream reader (rec_read, dscan(5)): the input is
 * a stream, read until the reader ends it.  Every record it accepts is
 * written back with the rec_put_* writer and read again by a second
 * reader that has seen the same records so far: it must accept the
 * copy and find the same values in it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rec.h"

/*
 * Lines hold at most REC_LINEMAX bytes and records do not interact
 * beyond the grammar's state, so a stream of a few lines covers what a
 * long one does; longer ones only make runs slower.
 */
#define MAXSTREAM	(1 << 20)

static void
put(FILE *fp, const struct rec *r)
{
	switch (r->type) {
	case R_HEADER:
		rec_put_header(fp, &r->u.h);
		break;
	case R_USED:
	case R_DUMPED:
		rec_put_range(fp, r->type, r->u.range.first, r->u.range.last);
		break;
	case R_INODE:
		rec_put_inode(fp, &r->u.i);
		break;
	case R_DATA:
	case R_EXT:
		rec_put_run(fp, r->type, r->u.run.ino, &r->u.run.run);
		break;
	case R_LINK:
	case R_NAME:
		rec_put_str(fp, r->type, r->u.str.ino, r->u.str.bytes,
		    r->u.str.len);
		break;
	case R_OMIT:
		rec_put_omit(fp, r->u.omit.ino, r->u.omit.off);
		break;
	case R_END:
		rec_put_end(fp, r->u.end.inodes, r->u.end.errors);
		break;
	default:
		BUG("rec_read returned a record of type %d", (int)r->type);
	}
}

static int
sametime(const struct rec_time *a, const struct rec_time *b)
{
	return a->sec == b->sec && a->nsec == b->nsec;
}

static int
sameheader(const struct rec_header *a, const struct rec_header *b)
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
sameinode(const struct rec_inode *a, const struct rec_inode *b)
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
same(const struct rec *a, const struct rec *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case R_HEADER:
		return sameheader(&a->u.h, &b->u.h);
	case R_USED:
	case R_DUMPED:
		return a->u.range.first == b->u.range.first &&
		    a->u.range.last == b->u.range.last;
	case R_INODE:
		return sameinode(&a->u.i, &b->u.i);
	case R_DATA:
	case R_EXT:
		return a->u.run.ino == b->u.run.ino &&
		    a->u.run.run.off == b->u.run.run.off &&
		    a->u.run.run.frag == b->u.run.run.frag &&
		    a->u.run.run.len == b->u.run.run.len;
	case R_LINK:
	case R_NAME:
		return a->u.str.ino == b->u.str.ino &&
		    a->u.str.len == b->u.str.len &&
		    memcmp(a->u.str.bytes, b->u.str.bytes, a->u.str.len) == 0;
	case R_OMIT:
		return a->u.omit.ino == b->u.omit.ino &&
		    a->u.omit.off == b->u.omit.off;
	case R_END:
		return a->u.end.inodes == b->u.end.inodes &&
		    a->u.end.errors == b->u.end.errors;
	}
	return 0;
}

/* What the reader promises about a record it accepted. */
static void
check(const struct rec *r)
{
	const struct rec_inode *ip = &r->u.i;

	if (r->type == R_INODE &&
	    (ip->mode & 0170000) != rec_typebits(ip->type))
		BUG("inode %u: type %c with mode 0%o", ip->ino, ip->type,
		    ip->mode);
	if ((r->type == R_LINK || r->type == R_NAME) &&
	    r->u.str.len > sizeof(r->u.str.bytes))
		BUG("a string of %zu bytes", r->u.str.len);
	if ((r->type == R_DATA || r->type == R_EXT) &&
	    (r->u.run.run.len == 0 || r->u.run.run.frag < 0))
		BUG("inode %u: a run of %llu bytes at fragment %lld",
		    r->u.run.ino, (unsigned long long)r->u.run.run.len,
		    (long long)r->u.run.run.frag);
}

/* Write r back and have copy, in step with the first reader, take it. */
static void
roundtrip(struct recreader *copy, const struct rec *r)
{
	struct rec again;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		FATAL("open_memstream");
	put(fp, r);
	if (fclose(fp) != 0)
		FATAL("open_memstream");
	if ((fp = fmemopen(buf, len, "r")) == NULL)
		FATAL("fmemopen");
	copy->fp = fp;
	if (rec_read(copy, &again) != 1)
		BUG("record of type %d written back as \"%.*s\" is refused: %s",
		    (int)r->type, (int)len, buf, copy->err);
	if (!same(r, &again))
		BUG("record of type %d written back as \"%.*s\" reads "
		    "differently", (int)r->type, (int)len, buf);
	fclose(fp);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct recreader rr, copy;
	struct rec r;
	FILE *fp;
	int n, last = -1;

	/* fmemopen(3) may refuse an empty buffer. */
	if (size == 0 || size > MAXSTREAM)
		return 0;
	if ((fp = fmemopen((void *)data, size, "r")) == NULL)
		FATAL("fmemopen");
	rec_reader_init(&rr, fp, "fuzz");
	rec_reader_init(&copy, NULL, "copy");
	while ((n = rec_read(&rr, &r)) == 1) {
		if (rr.err[0] != '\0')
			BUG("a record accepted with an error: %s", rr.err);
		check(&r);
		roundtrip(&copy, &r);
		last = (int)r.type;
	}
	if (n != 0 && n != -1)
		BUG("rec_read returned %d", n);
	if (n == -1 && rr.err[0] == '\0')
		BUG("rec_read failed without saying why");
	if (n == 0 && last != R_END)
		BUG("the stream ended without an end record");
	if (n == 0 && (copy.state != rr.state || copy.inodes != rr.inodes))
		BUG("the copy ends in another state");
	fclose(fp);
	return 0;
}
