// CRC combination: crc(A ‖ B) from crc(A), crc(B) and len(B), in O(log len(B)), for reflected CRCs
// whose init and final xor are both all-ones (CRC-32, CRC-32C, CRC-64/NVME). This is zlib's
// crc32_combine generalised to any width <= 64: it lets CompleteMultipartUpload compute a
// FULL_OBJECT checksum from the part checksums without reading the data again.
#include "CCairnHashing.h"

static uint64_t gf2_times(const uint64_t *mat, uint64_t vec) {
    uint64_t sum = 0;
    while (vec) {
        if (vec & 1) sum ^= *mat;
        vec >>= 1;
        mat++;
    }
    return sum;
}

static void gf2_square(uint64_t *square, const uint64_t *mat, int width) {
    for (int n = 0; n < width; n++) square[n] = gf2_times(mat, mat[n]);
}

uint64_t cairn_crc_combine(uint64_t crc1, uint64_t crc2, uint64_t len2, uint64_t poly, int width) {
    if (len2 == 0) return crc1;
    uint64_t even[64], odd[64];
    odd[0] = poly;  // the operator for one zero bit
    uint64_t row = 1;
    for (int n = 1; n < width; n++) { odd[n] = row; row <<= 1; }
    gf2_square(even, odd, width);  // two zero bits
    gf2_square(odd, even, width);  // four zero bits
    do {
        gf2_square(even, odd, width);
        if (len2 & 1) crc1 = gf2_times(even, crc1);
        len2 >>= 1;
        if (len2 == 0) break;
        gf2_square(odd, even, width);
        if (len2 & 1) crc1 = gf2_times(odd, crc1);
        len2 >>= 1;
    } while (len2);
    return crc1 ^ crc2;
}
