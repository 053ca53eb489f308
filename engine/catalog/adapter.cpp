#include "catalog/adapter.hpp"

#include "catalog/detail.hpp"

#include <charconv>

namespace ref::catalog {

namespace {

// Every type differs only in its TypeInfo (names, columns, parse function).
class TableAdapter final : public Adapter {
public:
    explicit TableAdapter(const detail::TypeInfo& info) : info_(info) {}
    solver::SourceType source_type() const override { return info_.source_type; }
    std::string dataset_type() const override { return info_.dataset_type; }
    std::string table() const override { return info_.table; }
    const std::vector<std::string>& columns() const override { return info_.columns; }
    const std::vector<std::string>& identity_columns() const override { return info_.identity; }
    bool supports_drs() const override { return info_.supports_drs; }
    FileMetadata parse(const std::filesystem::path& file, Parser parser) const override {
        return info_.parse(file, parser, info_);
    }

private:
    const detail::TypeInfo& info_;
};

}  // namespace

std::unique_ptr<Adapter> make_adapter(solver::SourceType type) {
    return std::make_unique<TableAdapter>(detail::type_info(type));
}

std::string instance_id_of(const Adapter& adapter, const Facets& facets) {
    return detail::build_instance_id(detail::type_info(adapter.source_type()), facets);
}

int64_t version_key(const std::string& version) {
    if (version.size() < 2 || version[0] != 'v') return -1;
    int64_t key = -1;
    const char* first = version.data() + 1;
    const char* last = version.data() + version.size();
    // Digits only: from_chars would accept a sign. Too large for the BIGINT column -> -1 as well.
    for (const char* c = first; c != last; ++c) {
        if (*c < '0' || *c > '9') return -1;
    }
    const auto result = std::from_chars(first, last, key);
    return result.ec == std::errc() && result.ptr == last ? key : -1;
}

}  // namespace ref::catalog
