/*
 * Fuzz dtapewr's reader of the dump stream (tapewr/input.c): the input
 * is read record by record with input_next until it ends the stream,
 * then, at a proper end, a padding record is made with input_pad.
 *
 * The first byte of the input is set-up, the rest is the stream.  With
 * bit 0 of it set, every record with a dump magic gets its checksum
 * fixed first: mutations rarely keep a checksum right, and without that
 * the fuzzer would seldom get past the first header.
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "dtapewr.h"
#include "fuzz.h"
#include "spcl.h"

/*
 * Records are checked one at a time against a little state; a stream of
 * a few dozen records covers what a long one does.  The reader buffers
 * 1 MiB: larger inputs only make runs slower.
 */
#define MAXSTREAM	(1 << 20)

/* dtapewr's, which input.c reads; no signal ever comes here. */
volatile sig_atomic_t stopsig;

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

/* What input_next promises about a record it hands out. */
static void
check(const struct input *in, const unsigned char *rec,
    const struct recmeta *m, const unsigned char *want, int64_t n)
{
	int be, ufs2, kind;

	if (memcmp(rec, want, TP_BSIZE) != 0)
		BUG("record %lld is not the next %d bytes", (long long)n,
		    TP_BSIZE);
	if (in->records != n + 1)
		BUG("record %lld counted as %lld", (long long)n,
		    (long long)in->records);
	if (m->head != (m->due == 0) || m->due < 0 || m->pad)
		BUG("record %lld: head %d, due %lld, pad %d", (long long)n,
		    m->head, (long long)m->due, m->pad);
	if (m->head && (!spcl_ishead(rec, &be, &ufs2) || be != in->be))
		BUG("record %lld: a header that is none", (long long)n);
	kind = m->head ? input_kind(in, rec, m) : m->kind;
	if (kind != KIND_MAP && kind != KIND_DIR && kind != KIND_FILE)
		BUG("record %lld: kind %d", (long long)n, kind);
	if (in->due < 0)
		BUG("record %lld: %lld records due", (long long)n,
		    (long long)in->due);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in;
	struct recmeta m;
	unsigned char rec[TP_BSIZE], *p;
	size_t len;
	int64_t n;
	int fd, r, be, ufs2;

	if (size < 1 || size - 1 > MAXSTREAM)
		return 0;
	len = size - 1;
	if ((p = malloc(len > 0 ? len : 1)) == NULL)
		FATAL("malloc");
	memcpy(p, data + 1, len);
	if (data[0] & 1)
		fixsums(p, len);
	fd = fuzz_file(p, len, 0, NULL);
	if (lseek(fd, 0, SEEK_SET) != 0)
		FATAL("lseek");
	if (input_init(&in, fd) != 0)
		FATAL("input_init");
	for (n = 0; (r = input_next(&in, rec, &m)) == 1; n++)
		check(&in, rec, &m, p + (size_t)n * TP_BSIZE, n);
	if (r == -1 && in.err[0] == '\0')
		BUG("input_next failed without saying why");
	if (r == 0) {
		if (!in.started || !in.ended || in.due != 0 ||
		    (size_t)n * TP_BSIZE != len)
			BUG("the stream ended early (started %d, ended %d, "
			    "due %lld, %lld records of %zu bytes)", in.started,
			    in.ended, (long long)in.due, (long long)n, len);
		input_pad(&in, rec, &m);
		if (!m.head || !m.pad || m.due != 0 ||
		    !spcl_ishead(rec, &be, &ufs2) || be != in.be ||
		    get32(rec + SP_TYPE, be) != TS_END)
			BUG("the padding is not a TS_END header");
	} else if (r != -1)
		BUG("input_next returned %d", r);
	free(in.buf);
	free(p);
	return 0;
}
