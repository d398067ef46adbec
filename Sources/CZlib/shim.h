// zlib: raw inflate of DEFLATE zip members with a capped output buffer, and crc32 for reading and writing zips.
#include <zlib.h>

// inflateInit2 is a macro over inflateInit2_ (version and struct size); Swift cannot call macros.
static inline int ckpt_inflate_init_raw(z_streamp strm) {
    return inflateInit2(strm, -MAX_WBITS);
}
