#ifndef CCAIRN_HASHING_H
#define CCAIRN_HASHING_H
#include <stdint.h>
#include <stddef.h>

/// CRC-32 (ISO-HDLC, as zlib): pass 0 first, then the previous value.
uint32_t cairn_crc32(uint32_t crc, const uint8_t *data, size_t len);
/// CRC-32C (Castagnoli): SSE4.2 crc32 instruction when the CPU has it, tables otherwise.
uint32_t cairn_crc32c(uint32_t crc, const uint8_t *data, size_t len);
/// CRC-64/NVME (the S3 CRC64NVME checksum): pass 0 first, then the previous value.
uint64_t cairn_crc64nvme(uint64_t crc, const uint8_t *data, size_t len);
/// crc(A ‖ B) from crc(A), crc(B), len(B) bytes; `poly` is the reflected polynomial, `width` 32 or 64.
uint64_t cairn_crc_combine(uint64_t crc1, uint64_t crc2, uint64_t len2, uint64_t poly, int width);
/// The CRC of parts 0 ..< count concatenated, from each part's CRC and length in bytes.
uint64_t cairn_crc_combine_parts(const uint64_t *crcs, const uint64_t *lengths, size_t count, uint64_t poly, int width);

/// MD5 and SHA-256 of the same bytes in one interleaved pass (x86-64 with the SHA extensions only:
/// check cairn_have_sha_ni() first; elsewhere these functions do nothing).
struct cairn_md5_sha256 {
    uint32_t md5[4];
    uint32_t sha256[8];
    uint64_t length;
    uint64_t buffered;
    uint8_t buffer[64];
};
int cairn_have_sha_ni(void);
void cairn_md5_sha256_init(struct cairn_md5_sha256 *ctx);
void cairn_md5_sha256_update(struct cairn_md5_sha256 *ctx, const uint8_t *data, size_t len);
void cairn_md5_sha256_final(struct cairn_md5_sha256 *ctx, uint8_t md5[16], uint8_t sha256[32]);
#endif
