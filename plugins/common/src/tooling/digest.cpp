#include "ref/tooling/digest.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace ref::tooling {

namespace {

const EVP_MD* algorithm_of(std::string_view name) {
    if (name == "sha1") return EVP_sha1();
    if (name == "sha256") return EVP_sha256();
    if (name == "md5") return EVP_md5();
    throw std::invalid_argument("unknown digest algorithm '" + std::string(name) + "' (sha1, sha256 or md5)");
}

struct Digest {
    explicit Digest(std::string_view algorithm) : context(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
        if (!context || EVP_DigestInit_ex(context.get(), algorithm_of(algorithm), nullptr) != 1)
            throw std::runtime_error("cannot start a " + std::string(algorithm) + " digest");
    }
    void update(const void* data, std::size_t size) { EVP_DigestUpdate(context.get(), data, size); }
    std::string hex() {
        unsigned char bytes[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        EVP_DigestFinal_ex(context.get(), bytes, &length);
        static const char* digits = "0123456789abcdef";
        std::string out;
        for (unsigned int i = 0; i < length; ++i) out += digits[bytes[i] >> 4], out += digits[bytes[i] & 15];
        return out;
    }
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context;
};

}  // namespace

std::string digest_hex(std::string_view algorithm, std::string_view data) {
    Digest digest(algorithm);
    digest.update(data.data(), data.size());
    return digest.hex();
}

std::string file_digest_hex(std::string_view algorithm, const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    Digest digest(algorithm);
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        digest.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) throw std::runtime_error("cannot read " + file.string());
    return digest.hex();
}

}  // namespace ref::tooling
