// CRC-32 comes from zlib (already on every Linux, hardware-accelerated where zlib is built so).
#include "CCairnHashing.h"
#include <zlib.h>

uint32_t cairn_crc32(uint32_t crc, const uint8_t *data, size_t len) {
    while (len > 0) {
        uInt n = len > 0x40000000u ? 0x40000000u : (uInt)len;
        crc = (uint32_t)crc32(crc, data, n);
        data += n;
        len -= n;
    }
    return crc;
}
