#include "util/digest.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <stdexcept>

namespace ref::util {

namespace {

std::string to_hex(const uint8_t* bytes, size_t count) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(count * 2);
    for (size_t i = 0; i < count; ++i) {
        out.push_back(kDigits[bytes[i] >> 4]);
        out.push_back(kDigits[bytes[i] & 0x0f]);
    }
    return out;
}

uint32_t load_be32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

uint32_t load_le32(const uint8_t* p) {
    return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

// --- SHA-1 (FIPS 180-4) -------------------------------------------------------------------

void sha1_block(std::array<uint32_t, 5>& h, const uint8_t* block) {
    std::array<uint32_t, 80> w{};
    for (size_t i = 0; i < 16; ++i) w[i] = load_be32(block + 4 * i);
    for (size_t i = 16; i < 80; ++i) w[i] = std::rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);

    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (size_t i = 0; i < 80; ++i) {
        uint32_t f = 0, k = 0;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdc;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6;
        }
        const uint32_t t = std::rotl(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = std::rotl(b, 30);
        b = a;
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

// --- SHA-256 (FIPS 180-4) -----------------------------------------------------------------

constexpr std::array<uint32_t, 64> kSha256K{
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

void sha256_block(std::array<uint32_t, 8>& h, const uint8_t* block) {
    std::array<uint32_t, 64> w{};
    for (size_t i = 0; i < 16; ++i) w[i] = load_be32(block + 4 * i);
    for (size_t i = 16; i < 64; ++i) {
        const uint32_t s0 = std::rotr(w[i - 15], 7) ^ std::rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        const uint32_t s1 = std::rotr(w[i - 2], 17) ^ std::rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }

    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (size_t i = 0; i < 64; ++i) {
        const uint32_t s1 = std::rotr(e, 6) ^ std::rotr(e, 11) ^ std::rotr(e, 25);
        const uint32_t ch = (e & f) ^ (~e & g);
        const uint32_t t1 = hh + s1 + ch + kSha256K[i] + w[i];
        const uint32_t s0 = std::rotr(a, 2) ^ std::rotr(a, 13) ^ std::rotr(a, 22);
        const uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        const uint32_t t2 = s0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

// --- BLAKE2s (RFC 7693) ---------------------------------------------------------------------

constexpr std::array<uint32_t, 8> kBlake2sIv{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr uint8_t kSigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

void blake2s_g(std::array<uint32_t, 16>& v, size_t a, size_t b, size_t c, size_t d, uint32_t x, uint32_t y) {
    v[a] = v[a] + v[b] + x;
    v[d] = std::rotr(v[d] ^ v[a], 16);
    v[c] = v[c] + v[d];
    v[b] = std::rotr(v[b] ^ v[c], 12);
    v[a] = v[a] + v[b] + y;
    v[d] = std::rotr(v[d] ^ v[a], 8);
    v[c] = v[c] + v[d];
    v[b] = std::rotr(v[b] ^ v[c], 7);
}

// `counter` is the total number of message bytes fed so far, including this block.
void blake2s_compress(std::array<uint32_t, 8>& h, const uint8_t* block, uint64_t counter, bool last) {
    std::array<uint32_t, 16> m{};
    for (size_t i = 0; i < 16; ++i) m[i] = load_le32(block + 4 * i);

    std::array<uint32_t, 16> v{};
    for (size_t i = 0; i < 8; ++i) {
        v[i] = h[i];
        v[i + 8] = kBlake2sIv[i];
    }
    v[12] ^= static_cast<uint32_t>(counter);
    v[13] ^= static_cast<uint32_t>(counter >> 32);
    if (last) v[14] = ~v[14];

    for (const auto& s : kSigma) {
        blake2s_g(v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
        blake2s_g(v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
        blake2s_g(v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
        blake2s_g(v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
        blake2s_g(v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
        blake2s_g(v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
        blake2s_g(v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
        blake2s_g(v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (size_t i = 0; i < 8; ++i) h[i] ^= v[i] ^ v[i + 8];
}

// SHA-1 and SHA-256 share the Merkle-Damgard frame: 64-byte blocks, then padding with 0x80,
// zeros and the bit length big-endian (one or two final blocks), the state out big-endian.
template <size_t Words, class Block>
std::string md_digest(std::array<uint32_t, Words> h, std::string_view data, Block block) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
    const size_t size = data.size();
    size_t offset = 0;
    for (; size - offset >= 64; offset += 64) block(h, bytes + offset);

    std::array<uint8_t, 128> tail{};
    const size_t rest = size - offset;
    for (size_t i = 0; i < rest; ++i) tail[i] = bytes[offset + i];
    tail[rest] = 0x80;
    const size_t tail_size = rest < 56 ? 64 : 128;
    const uint64_t bits = static_cast<uint64_t>(size) * 8;
    for (size_t i = 0; i < 8; ++i) tail[tail_size - 1 - i] = static_cast<uint8_t>(bits >> (8 * i));
    for (size_t pos = 0; pos < tail_size; pos += 64) block(h, tail.data() + pos);

    std::array<uint8_t, 4 * Words> out{};
    for (size_t i = 0; i < Words; ++i)
        for (size_t j = 0; j < 4; ++j) out[4 * i + j] = static_cast<uint8_t>(h[i] >> (24 - 8 * j));
    return to_hex(out.data(), out.size());
}

}  // namespace

std::string sha1_hex(std::string_view data) {
    return md_digest<5>({0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}, data, sha1_block);
}

std::string sha256_hex(std::string_view data) {
    return md_digest<8>({0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19},
                        data, sha256_block);
}

std::string blake2s_hex(std::string_view data, size_t digest_bytes) {
    if (digest_bytes < 1 || digest_bytes > 32)
        throw std::invalid_argument("blake2s digest length must be 1..32 bytes, got " + std::to_string(digest_bytes));

    std::array<uint32_t, 8> h = kBlake2sIv;
    // Parameter block word 0: digest length, key length 0, fanout 1, depth 1.
    h[0] ^= 0x01010000u ^ static_cast<uint32_t>(digest_bytes);

    const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
    const size_t size = data.size();

    // Every full block except the last is compressed unflagged; the final block (possibly
    // partial, or all zeros for empty input) carries the last-block flag.
    size_t offset = 0;
    while (size - offset > 64) {
        offset += 64;
        blake2s_compress(h, bytes + offset - 64, offset, false);
    }
    std::array<uint8_t, 64> block{};
    for (size_t i = 0; offset + i < size; ++i) block[i] = bytes[offset + i];
    blake2s_compress(h, block.data(), size, true);

    std::array<uint8_t, 32> out{};
    for (size_t i = 0; i < 8; ++i)
        for (size_t j = 0; j < 4; ++j) out[4 * i + j] = static_cast<uint8_t>(h[i] >> (8 * j));
    return to_hex(out.data(), digest_bytes);
}

}  // namespace ref::util
