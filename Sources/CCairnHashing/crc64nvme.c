// CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5): carry-less-multiply folding for the
// bulk when the CPU has PCLMULQDQ, slicing-by-8 otherwise and for the tail. No Swift package has it.
#include "CCairnHashing.h"
#include "crc_fold.h"
#include <string.h>

static const struct cairn_fold_constants crc64_fold = {
    .fold512_lo = 0x0c32cdb31e18a84a, .fold512_hi = 0x62242240ace5045a,  // x^575, x^511 mod P, reflected
    .fold128_lo = 0xeadc41fd2ba3d420, .fold128_hi = 0x21e9761e252621ac,  // x^191, x^127
};

static uint64_t t64[8][256];
static int t64_ready = 0;

static void t64_init(void) {
    for (uint64_t i = 0; i < 256; i++) {
        uint64_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x9A6C9329AC4BC9B5ull & (0ull - (c & 1)));
        t64[0][i] = c;
    }
    for (int i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++) t64[t][i] = (t64[t - 1][i] >> 8) ^ t64[0][t64[t - 1][i] & 0xff];
    __atomic_store_n(&t64_ready, 1, __ATOMIC_RELEASE);
}

/// The raw register update (no inversions).
static uint64_t crc64_raw(uint64_t c, const uint8_t *p, size_t n) {
    while (n >= 8) {
        uint64_t w; memcpy(&w, p, 8);
        w ^= c;
        c = t64[7][w & 0xff] ^ t64[6][(w >> 8) & 0xff] ^ t64[5][(w >> 16) & 0xff] ^ t64[4][(w >> 24) & 0xff] ^
            t64[3][(w >> 32) & 0xff] ^ t64[2][(w >> 40) & 0xff] ^ t64[1][(w >> 48) & 0xff] ^ t64[0][w >> 56];
        p += 8; n -= 8;
    }
    while (n--) c = (c >> 8) ^ t64[0][(c ^ *p++) & 0xff];
    return c;
}

uint64_t cairn_crc64nvme(uint64_t crc, const uint8_t *p, size_t n) {
    if (!__atomic_load_n(&t64_ready, __ATOMIC_ACQUIRE)) t64_init();
    uint64_t c = ~crc;
    if (n >= 256 && cairn_have_clmul()) {
        uint8_t lane[16];
        size_t used = cairn_crc_fold(p, n, c, &crc64_fold, lane);
        c = crc64_raw(0, lane, 16);
        p += used;
        n -= used;
    }
    return ~crc64_raw(c, p, n);
}
