#!/usr/bin/env python3
"""Derives the carry-less-multiply folding constants in Sources/CCairnHashing (crc32.c,
crc64nvme.c) and checks on random data that folding a 16-byte lane forward keeps the CRC.

For a reflected CRC of width w, a lane is folded T bits forward by multiplying its low 64 bits by
reflect(x^(T+w-1) mod P) and its high 64 bits (which come 64 bits later) by
reflect(x^(T+w-65) mod P). Run it to print the values the C code uses.
"""
import os


def clmul(a, b):
    r = 0
    while b:
        if b & 1:
            r ^= a
        a <<= 1
        b >>= 1
    return r


def constants(w, poly):
    P = (1 << w) | poly
    poly_r = int(format(poly, f"0{w}b")[::-1], 2)

    def raw(c, data):
        for b in data:
            c ^= b
            for _ in range(8):
                c = (c >> 1) ^ (poly_r if c & 1 else 0)
        return c

    def xpow(n):
        r = 1
        for _ in range(n):
            r <<= 1
            if r >> w:
                r ^= P
        return r

    def refl(v):
        return int(format(v, f"0{w}b")[::-1], 2)

    out = {}
    for T in (512, 128):
        lo, hi = refl(xpow(T + w - 1)), refl(xpow(T + w - 65))
        for _ in range(20):  # folding lane L over the T bits X into lane N keeps the CRC
            m = os.urandom(T // 8 + 16)
            L = int.from_bytes(m[:16], "little")
            N = int.from_bytes(m[-16:], "little") ^ clmul(L & (2**64 - 1), lo) ^ clmul(L >> 64, hi)
            assert raw(0, m) == raw(0, m[16:-16] + N.to_bytes(16, "little")), (w, T)
        out[T] = (lo, hi)
    return out


for name, w, poly in (("CRC-32", 32, 0x04C11DB7), ("CRC-64/NVME", 64, 0xAD93D23594C93659)):
    c = constants(w, poly)
    print(f"{name}: fold512 lo {c[512][0]:#018x} hi {c[512][1]:#018x}; "
          f"fold128 lo {c[128][0]:#018x} hi {c[128][1]:#018x} (checked)")
