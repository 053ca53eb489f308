// The ABI tables are append-only: released slots never move.
#include "ref/plugin.h"

#include <catch2/catch.hpp>

#include <cstddef>

// Version 1.0 of ref_provider_api.
static_assert(offsetof(ref_provider_api, struct_size) == 0);
static_assert(offsetof(ref_provider_api, abi_version) == 4);
static_assert(offsetof(ref_provider_api, free_string) == 8);
static_assert(offsetof(ref_provider_api, declare) == 8 + 1 * sizeof(void*));
static_assert(offsetof(ref_provider_api, execute) == 8 + 2 * sizeof(void*));
// Version 1.1
static_assert(offsetof(ref_provider_api, setup) == 8 + 3 * sizeof(void*));

// Version 1.0 of ref_host_api.
static_assert(offsetof(ref_host_api, struct_size) == 0);
static_assert(offsetof(ref_host_api, abi_version) == 4);
static_assert(offsetof(ref_host_api, context) == 8);
static_assert(offsetof(ref_host_api, log) == 8 + 1 * sizeof(void*));
static_assert(offsetof(ref_host_api, progress) == 8 + 2 * sizeof(void*));
static_assert(offsetof(ref_host_api, is_cancelled) == 8 + 3 * sizeof(void*));

TEST_CASE("ABI version numbers pack major and minor", "[abi]") {
    CHECK(REF_ABI_VERSION_MAJOR(REF_ABI_MAKE_VERSION(3, 9)) == 3);
    CHECK(REF_ABI_VERSION_MINOR(REF_ABI_MAKE_VERSION(3, 9)) == 9);
    CHECK(REF_ABI_VERSION == REF_ABI_MAKE_VERSION(1, 1));
    CHECK(sizeof(ref_provider_api) == 8 + 4 * sizeof(void*));
}
