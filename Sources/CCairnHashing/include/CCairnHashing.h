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
#endif
