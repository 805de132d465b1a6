// MD5 and SHA-256 of the same bytes in one "stitched" loop. A request with a signed payload needs
// both (the ETag and the SigV4 payload hash). MD5 is one long chain of dependent scalar additions
// (~5 cycles per byte, most execution ports idle); SHA-256 with the SHA extensions runs on the
// vector ports. Interleaving a SHA-256 block's rounds with an MD5 block's steps lets the CPU
// run both at once, so the pair costs about what MD5 costs alone (BENCHMARKS.md). No listed
// package offers this: swift-crypto hashes one algorithm per pass.
#include "include/CCairnHashing.h"
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int cairn_have_sha_ni(void) {
    static int known = -1;
    int v = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (v < 0) {
        unsigned a, b, c, d;
        int ssse3_sse41 = __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 9)) && (c & (1u << 19));
        int sha = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
        v = ssse3_sse41 && sha;
        __atomic_store_n(&known, v, __ATOMIC_RELAXED);
    }
    return v;
}

static const uint32_t K256[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// --- MD5 (RFC 1321) ---
static inline uint32_t load32le(const uint8_t *q) { uint32_t v; memcpy(&v, q, 4); return v; }
#define ROTL(x, s) (((x) << (s)) | ((x) >> (32 - (s))))
#define F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define H(x, y, z) ((x) ^ (y) ^ (z))
#define I(x, y, z) ((y) ^ ((x) | ~(z)))
// The empty asm keeps the compiler from re-associating the sum: word + constant is added to `a`
// first (off the critical path), the round function of the newest value last.
#define STEP(f, a, b, c, d, k, t, s) do { \
    a += load32le(p + 4 * (k)) + (uint32_t)(t); __asm__("" : "+r"(a)); \
    a += f(b, c, d); a = ROTL(a, s); a += b; } while (0)
// G(b, c, d) = (b & d) | (c & ~d): the two halves have no common bits, so they can be added
// separately and only (b & d) waits for b.
#define STEP_G(a, b, c, d, k, t, s) do { \
    a += load32le(p + 4 * (k)) + (uint32_t)(t) + (~(d) & (c)); __asm__("" : "+r"(a)); \
    a += (b) & (d); a = ROTL(a, s); a += b; } while (0)
#define GROUP(f, k0, k1, k2, k3, s0, s1, s2, s3, t0, t1, t2, t3) do { \
    STEP(f, a, b, c, d, k0, t0, s0); STEP(f, d, a, b, c, k1, t1, s1); \
    STEP(f, c, d, a, b, k2, t2, s2); STEP(f, b, c, d, a, k3, t3, s3); } while (0)
#define GROUP_G(k0, k1, k2, k3, t0, t1, t2, t3) do { \
    STEP_G(a, b, c, d, k0, t0, 5); STEP_G(d, a, b, c, k1, t1, 9); \
    STEP_G(c, d, a, b, k2, t2, 14); STEP_G(b, c, d, a, k3, t3, 20); } while (0)

// The 64 MD5 steps of one block in 16 groups of 4, with `WITH(g)` (the g-th quarter of a SHA-256
// block, or nothing) after each group.
#define MD5_BLOCK(WITH) \
    GROUP(F, 0, 1, 2, 3, 7, 12, 17, 22, 0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee); WITH(0); \
    GROUP(F, 4, 5, 6, 7, 7, 12, 17, 22, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501); WITH(1); \
    GROUP(F, 8, 9, 10, 11, 7, 12, 17, 22, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be); WITH(2); \
    GROUP(F, 12, 13, 14, 15, 7, 12, 17, 22, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821); WITH(3); \
    GROUP_G(1, 6, 11, 0, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa); WITH(4); \
    GROUP_G(5, 10, 15, 4, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8); WITH(5); \
    GROUP_G(9, 14, 3, 8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed); WITH(6); \
    GROUP_G(13, 2, 7, 12, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a); WITH(7); \
    GROUP(H, 5, 8, 11, 14, 4, 11, 16, 23, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c); WITH(8); \
    GROUP(H, 1, 4, 7, 10, 4, 11, 16, 23, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70); WITH(9); \
    GROUP(H, 13, 0, 3, 6, 4, 11, 16, 23, 0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05); WITH(10); \
    GROUP(H, 9, 12, 15, 2, 4, 11, 16, 23, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665); WITH(11); \
    GROUP(I, 0, 7, 14, 5, 6, 10, 15, 21, 0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039); WITH(12); \
    GROUP(I, 12, 3, 10, 1, 6, 10, 15, 21, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1); WITH(13); \
    GROUP(I, 8, 15, 6, 13, 6, 10, 15, 21, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1); WITH(14); \
    GROUP(I, 4, 11, 2, 9, 6, 10, 15, 21, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391); WITH(15);

#define NOTHING(g)

static void md5_blocks(uint32_t st[4], const uint8_t *p, size_t n) {
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
    for (; n; n--, p += 64) {
        const uint32_t aa = a, bb = b, cc = c, dd = d;
        MD5_BLOCK(NOTHING)
        a += aa; b += bb; c += cc; d += dd;
    }
    st[0] = a; st[1] = b; st[2] = c; st[3] = d;
}

// --- SHA-256 with the SHA extensions (Intel's published instruction sequence) ---
// The state lives in two registers as ABEF and CDGH; `W` holds the last four message quarters.
#define SHA_LOAD(g) W[g] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * (g))), BSWAP)
#define SHA_SCHEDULE(g) W[(g) & 3] = _mm_sha256msg2_epu32(_mm_add_epi32( \
    _mm_sha256msg1_epu32(W[(g) & 3], W[((g) + 1) & 3]), _mm_alignr_epi8(W[((g) + 3) & 3], W[((g) + 2) & 3], 4)), \
    W[((g) + 3) & 3])
#define SHA_QUARTER(g) do { \
    if ((g) < 4) SHA_LOAD((g) & 3); else SHA_SCHEDULE(g); \
    __m128i m = _mm_add_epi32(W[(g) & 3], _mm_load_si128((const __m128i *)&K256[4 * (g)])); \
    s1 = _mm_sha256rnds2_epu32(s1, s0, m); \
    s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(m, 0x0E)); } while (0)
// In the stitched loop, an empty asm after each quarter ties both states to this point, so the
// compiler keeps the two instruction streams interleaved instead of emitting one after the other.
#define SHA_QUARTER_STITCHED(g) do { SHA_QUARTER(g); \
    __asm__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+x"(s0), "+x"(s1)); } while (0)

#define SHA_STATE_IN(st) \
    __m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&(st)[0]), 0xB1); \
    __m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&(st)[4]), 0x1B); \
    __m128i s0 = _mm_alignr_epi8(t, s1, 8); \
    s1 = _mm_blend_epi16(s1, t, 0xF0)
#define SHA_STATE_OUT(st) do { \
    t = _mm_shuffle_epi32(s0, 0x1B); s1 = _mm_shuffle_epi32(s1, 0xB1); \
    _mm_storeu_si128((__m128i *)&(st)[0], _mm_blend_epi16(t, s1, 0xF0)); \
    _mm_storeu_si128((__m128i *)&(st)[4], _mm_alignr_epi8(s1, t, 8)); } while (0)

__attribute__((target("sha,ssse3,sse4.1")))
static void sha256_blocks(uint32_t st[8], const uint8_t *p, size_t n) {
    const __m128i BSWAP = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    SHA_STATE_IN(st);
    for (; n; n--, p += 64) {
        __m128i W[4];
        const __m128i abef = s0, cdgh = s1;
        SHA_QUARTER(0); SHA_QUARTER(1); SHA_QUARTER(2); SHA_QUARTER(3);
        SHA_QUARTER(4); SHA_QUARTER(5); SHA_QUARTER(6); SHA_QUARTER(7);
        SHA_QUARTER(8); SHA_QUARTER(9); SHA_QUARTER(10); SHA_QUARTER(11);
        SHA_QUARTER(12); SHA_QUARTER(13); SHA_QUARTER(14); SHA_QUARTER(15);
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
    }
    SHA_STATE_OUT(st);
}

__attribute__((target("sha,ssse3,sse4.1")))
static void md5_sha256_blocks(uint32_t md5[4], uint32_t sha[8], const uint8_t *p, size_t n) {
    const __m128i BSWAP = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    SHA_STATE_IN(sha);
    uint32_t a = md5[0], b = md5[1], c = md5[2], d = md5[3];
    for (; n; n--, p += 64) {
        __m128i W[4];
        const __m128i abef = s0, cdgh = s1;
        const uint32_t aa = a, bb = b, cc = c, dd = d;
        MD5_BLOCK(SHA_QUARTER_STITCHED)
        a += aa; b += bb; c += cc; d += dd;
        s0 = _mm_add_epi32(s0, abef);
        s1 = _mm_add_epi32(s1, cdgh);
    }
    md5[0] = a; md5[1] = b; md5[2] = c; md5[3] = d;
    SHA_STATE_OUT(sha);
}

void cairn_md5_sha256_init(struct cairn_md5_sha256 *ctx) {
    static const uint32_t md5_iv[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    static const uint32_t sha_iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                       0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(ctx->md5, md5_iv, sizeof md5_iv);
    memcpy(ctx->sha256, sha_iv, sizeof sha_iv);
    ctx->length = 0;
    ctx->buffered = 0;
}

void cairn_md5_sha256_update(struct cairn_md5_sha256 *ctx, const uint8_t *data, size_t len) {
    if (len == 0) return;  // `data` may then be NULL, which memcpy must not see
    ctx->length += len;
    if (ctx->buffered) {
        size_t take = 64 - ctx->buffered < len ? (size_t)(64 - ctx->buffered) : len;
        memcpy(ctx->buffer + ctx->buffered, data, take);
        ctx->buffered += take;
        data += take;
        len -= take;
        if (ctx->buffered < 64) return;
        md5_sha256_blocks(ctx->md5, ctx->sha256, ctx->buffer, 1);
        ctx->buffered = 0;
    }
    md5_sha256_blocks(ctx->md5, ctx->sha256, data, len / 64);
    memcpy(ctx->buffer, data + (len & ~(size_t)63), len % 64);
    ctx->buffered = len % 64;
}

// The two algorithms pad the same way but write the bit length in opposite byte orders, so the
// last one or two blocks are hashed separately.
void cairn_md5_sha256_final(struct cairn_md5_sha256 *ctx, uint8_t md5_out[16], uint8_t sha256_out[32]) {
    uint8_t tail[128] = {0};
    size_t used = (size_t)ctx->buffered;
    memcpy(tail, ctx->buffer, used);
    tail[used] = 0x80;
    const size_t blocks = used < 56 ? 1 : 2;
    const uint64_t bits = ctx->length * 8;
    uint8_t *len_at = tail + 64 * blocks - 8;
    for (int i = 0; i < 8; i++) len_at[i] = (uint8_t)(bits >> (8 * i));
    md5_blocks(ctx->md5, tail, blocks);
    for (int i = 0; i < 8; i++) len_at[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_blocks(ctx->sha256, tail, blocks);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) md5_out[4 * i + j] = (uint8_t)(ctx->md5[i] >> (8 * j));
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++) sha256_out[4 * i + j] = (uint8_t)(ctx->sha256[i] >> (24 - 8 * j));
}

#else  // Not x86-64: callers check cairn_have_sha_ni() and hash with swift-crypto instead.
int cairn_have_sha_ni(void) { return 0; }
void cairn_md5_sha256_init(struct cairn_md5_sha256 *ctx) { (void)ctx; }
void cairn_md5_sha256_update(struct cairn_md5_sha256 *ctx, const uint8_t *data, size_t len) {
    (void)ctx; (void)data; (void)len;
}
void cairn_md5_sha256_final(struct cairn_md5_sha256 *ctx, uint8_t md5_out[16], uint8_t sha256_out[32]) {
    (void)ctx; (void)md5_out; (void)sha256_out;
}
#endif
