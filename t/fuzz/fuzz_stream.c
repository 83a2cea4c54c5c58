/*
 * Fuzz the checking reader of the dump tape format (spcl_check in
 * lib/spcl.c, which dtapewr's input.c runs every record through): the
 * input is taken record by record until the checker refuses one or the
 * whole records run out; a stream it finds complete must have left it a
 * TS_END header to pad the last block with.
 *
 * The first byte of the input is set-up, the rest is the stream.  With
 * bit 0 of it set, every record with a dump magic gets its checksum
 * fixed first: mutations rarely keep a checksum right, and without that
 * the fuzzer would seldom get past the first header.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "fuzz.h"
#include "spcl.h"

/*
 * Records are checked one at a time against a little state; a stream of
 * a few dozen records covers what a long one does: larger inputs only
 * make runs slower.
 */
#define MAXSTREAM	(1 << 20)

static void
fixsums(unsigned char *p, size_t len)
{
	size_t off;
	uint32_t m;
	int be;

	for (off = 0; off + TP_BSIZE <= len; off += TP_BSIZE)
		for (be = 0; be <= 1; be++) {
			m = get32(p + off + SP_MAGIC, be);
			if (m == NFS_MAGIC || m == DUMP_UFS2_MAGIC) {
				spcl_setsum(p + off, be);
				break;
			}
		}
}

/* What spcl_check promises about a record it took. */
static void
check(const struct spcl_checker *c, const unsigned char *rec,
    const struct recmeta *m, int64_t n)
{
	int be, ufs2, kind;

	if (c->records != n + 1)
		BUG("record %lld counted as %lld", (long long)n,
		    (long long)c->records);
	if (m->head != (m->due == 0) || m->due < 0 || m->pad)
		BUG("record %lld: head %d, due %lld, pad %d", (long long)n,
		    m->head, (long long)m->due, m->pad);
	if (m->head && (!spcl_ishead(rec, &be, &ufs2) || be != c->be))
		BUG("record %lld: a header that is none", (long long)n);
	kind = m->head ? spcl_kind(c, rec, m) : m->kind;
	if (kind != KIND_MAP && kind != KIND_DIR && kind != KIND_FILE)
		BUG("record %lld: kind %d", (long long)n, kind);
	if (c->due < 0)
		BUG("record %lld: %lld records due", (long long)n,
		    (long long)c->due);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct spcl_checker c;
	struct recmeta m;
	unsigned char *p;
	size_t len;
	int64_t n, whole;
	int be, ufs2;

	if (size < 1 || size - 1 > MAXSTREAM)
		return 0;
	len = size - 1;
	if ((p = malloc(len > 0 ? len : 1)) == NULL)
		FATAL("malloc");
	memcpy(p, data + 1, len);
	if (data[0] & 1)
		fixsums(p, len);
	memset(&c, 0, sizeof(c));
	whole = (int64_t)(len / TP_BSIZE);
	for (n = 0; n < whole; n++) {
		if (spcl_check(&c, p + (size_t)n * TP_BSIZE, &m) != 0) {
			if (c.err[0] == '\0')
				BUG("spcl_check failed without saying why");
			break;
		}
		check(&c, p + (size_t)n * TP_BSIZE, &m, n);
	}
	if (n == whole && spcl_complete(&c) &&
	    (!c.started || !c.ended || c.due != 0 ||
	    !spcl_ishead(c.end, &be, &ufs2) || be != c.be ||
	    get32(c.end + SP_TYPE, be) != TS_END))
		BUG("complete without a TS_END to pad with (started %d, "
		    "ended %d, due %lld, %lld records)", c.started, c.ended,
		    (long long)c.due, (long long)n);
	free(p);
	return 0;
}
