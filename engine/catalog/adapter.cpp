#include "catalog/adapter.hpp"

#include "catalog/detail.hpp"
#include "solver/catalog_table.hpp"

#include <algorithm>
#include <utility>

namespace ref::catalog {

namespace {

// Every type differs only in its TypeInfo (names, columns, parse function).
class TableAdapter final : public Adapter {
public:
    explicit TableAdapter(const detail::TypeInfo& info) : info_(info) {}
    solver::SourceType source_type() const override { return info_.source_type; }
    std::string dataset_type() const override { return info_.dataset_type; }
    std::string table() const override { return info_.table; }
    const std::vector<std::string>& columns() const override { return *info_.columns; }
    const std::vector<std::string>& identity_columns() const override { return info_.identity; }
    bool supports_drs() const override { return info_.supports_drs; }
    FileMetadata parse(const std::string& file, Parser parser) const override {
        return info_.parse(file, parser, info_);
    }

private:
    const detail::TypeInfo& info_;
};

}  // namespace

Facets::Facets(std::shared_ptr<const Names> names) : names_(std::move(names)), values_(names_ ? names_->size() : 0) {}

const Facets::Names& Facets::names() const {
    static const Names kNone;
    return names_ ? *names_ : kNone;
}

const store::Value* Facets::find(std::string_view column) const {
    if (!names_) return nullptr;
    // At most ~35 short names, mostly of different lengths: a scan costs little.
    const auto it = std::find(names_->begin(), names_->end(), column);
    return it == names_->end() ? nullptr : &values_[static_cast<std::size_t>(it - names_->begin())];
}

store::Value* Facets::find(std::string_view column) {
    return const_cast<store::Value*>(std::as_const(*this).find(column));
}

const store::Value& Facets::at(std::string_view column) const {
    if (const auto* value = find(column)) return *value;
    throw std::out_of_range("no column '" + std::string(column) + "' in the record");
}

store::Value& Facets::at(std::string_view column) {
    return const_cast<store::Value&>(std::as_const(*this).at(column));
}

store::Value& Facets::operator[](std::string_view column) {
    if (auto* value = find(column)) return *value;
    // A new column: the shared list is never changed, this record gets its own.
    auto names = names_ ? std::make_shared<Names>(*names_) : std::make_shared<Names>();
    names->emplace_back(column);
    names_ = std::move(names);
    return values_.emplace_back();
}

bool operator==(const Facets& a, const Facets& b) {
    if (a.names_ == b.names_) return a.values_ == b.values_;
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto* other = b.find((*a.names_)[i]);
        if (!other || *other != a.values_[i]) return false;
    }
    return true;
}

std::unique_ptr<Adapter> make_adapter(solver::SourceType type) {
    return std::make_unique<TableAdapter>(detail::type_info(type));
}

std::string instance_id_of(const Adapter& adapter, const Facets& facets) {
    return detail::build_instance_id(detail::type_info(adapter.source_type()), facets);
}

int64_t version_key(const std::string& version) { return solver::version_key(version); }

}  // namespace ref::catalog
