// CRC-32 (ISO-HDLC, as zlib): carry-less-multiply folding for the bulk when the CPU has PCLMULQDQ
// (~4x zlib's table code here), zlib for short inputs, the tail and other CPUs.
#include "CCairnHashing.h"
#include "crc_fold.h"
#include <zlib.h>

static const struct cairn_fold_constants crc32_fold = {
    .fold512_lo = 0x8f352d95, .fold512_hi = 0x1d9513d7,  // x^543, x^479 mod P, reflected
    .fold128_lo = 0xae689191, .fold128_hi = 0xccaa009e,  // x^159, x^95
};

static uint32_t zlib_crc32(uint32_t crc, const uint8_t *data, size_t len) {
    while (len > 0) {
        uInt n = len > 0x40000000u ? 0x40000000u : (uInt)len;
        crc = (uint32_t)crc32(crc, data, n);
        data += n;
        len -= n;
    }
    return crc;
}

uint32_t cairn_crc32(uint32_t crc, const uint8_t *data, size_t len) {
    if (len >= 256 && cairn_have_clmul()) {
        uint8_t lane[16];
        size_t used = cairn_crc_fold(data, len, (uint32_t)~crc, &crc32_fold, lane);
        // zlib's value is ~raw(~crc): starting from 0xffffffff gives the lane's CRC from a zero register.
        crc = zlib_crc32(0xffffffffu, lane, 16);
        data += used;
        len -= used;
    }
    return zlib_crc32(crc, data, len);
}
