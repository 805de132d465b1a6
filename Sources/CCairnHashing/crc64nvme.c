// CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5), slicing-by-8. No Swift package has it.
#include "CCairnHashing.h"
#include <string.h>

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

uint64_t cairn_crc64nvme(uint64_t crc, const uint8_t *p, size_t n) {
    if (!__atomic_load_n(&t64_ready, __ATOMIC_ACQUIRE)) t64_init();
    uint64_t c = ~crc;
    while (n >= 8) {
        uint64_t w; memcpy(&w, p, 8);
        w ^= c;
        c = t64[7][w & 0xff] ^ t64[6][(w >> 8) & 0xff] ^ t64[5][(w >> 16) & 0xff] ^ t64[4][(w >> 24) & 0xff] ^
            t64[3][(w >> 32) & 0xff] ^ t64[2][(w >> 40) & 0xff] ^ t64[1][(w >> 48) & 0xff] ^ t64[0][w >> 56];
        p += 8; n -= 8;
    }
    while (n--) c = (c >> 8) ^ t64[0][(c ^ *p++) & 0xff];
    return ~c;
}
