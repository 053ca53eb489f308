#include "solver/catalog_table.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace ref::solver {

StringPool::StringPool() : texts_(1), hashes_(1, 0), slots_(1024, kNa) {}  // id 0: NA

size_t StringPool::slot_of(std::string_view text, size_t hash) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        const ValueId id = slots_[i];
        if (id == kNa || (hashes_[id] == hash && texts_[id] == text)) return i;
    }
}

void StringPool::grow() {
    std::vector<ValueId> bigger(slots_.size() * 2, kNa);
    const size_t mask = bigger.size() - 1;
    for (ValueId id = 1; id < texts_.size(); ++id) {
        size_t i = hashes_[id] & mask;
        while (bigger[i] != kNa) i = (i + 1) & mask;
        bigger[i] = id;
    }
    slots_ = std::move(bigger);
}

ValueId StringPool::intern(std::string_view text) {
    const size_t hash = std::hash<std::string_view>{}(text);
    size_t slot = slot_of(text, hash);
    if (slots_[slot] != kNa) return slots_[slot];
    // At most half full, so probes stay short.
    if ((texts_.size() + 1) * 2 > slots_.size()) {
        grow();
        slot = slot_of(text, hash);
    }
    // Texts live in large blocks that never move, so the views stay valid.
    const char* where = "";
    if (!text.empty()) {
        if (blocks_.empty() || block_used_ + text.size() > block_size_) {
            block_size_ = std::max<size_t>(size_t{1} << 16, text.size());
            blocks_.push_back(std::make_unique<char[]>(block_size_));
            block_used_ = 0;
        }
        char* at = blocks_.back().get() + block_used_;
        std::memcpy(at, text.data(), text.size());
        block_used_ += text.size();
        where = at;
    }
    const auto id = static_cast<ValueId>(texts_.size());
    texts_.emplace_back(where, text.size());
    hashes_.push_back(hash);
    slots_[slot] = id;
    return id;
}

std::optional<ValueId> StringPool::find(std::string_view text) const {
    const ValueId id = slots_[slot_of(text, std::hash<std::string_view>{}(text))];
    if (id == kNa) return std::nullopt;
    return id;
}

CatalogTable::CatalogTable(SourceType type, std::shared_ptr<StringPool> pool)
    : type_(type), pool_(pool ? std::move(pool) : std::make_shared<StringPool>()) {}

int CatalogTable::add_column(std::string_view name) {
    if (const int existing = column_index(name); existing >= 0) return existing;
    const int index = static_cast<int>(names_.size());
    value_index_.clear();
    names_.emplace_back(name);
    index_.emplace(std::string(name), index);
    columns_.emplace_back(labels_.size(), kNa);
    return index;
}

int CatalogTable::column_index(std::string_view name) const {
    const auto it = index_.find(std::string(name));
    return it == index_.end() ? -1 : it->second;
}

int CatalogTable::require_column(std::string_view name, std::string_view context) const {
    const int index = column_index(name);
    if (index >= 0) return index;
    std::string message = std::string(context) + ": facet '" + std::string(name) + "' is not a column of the " +
                          std::string(to_string(type_)) + " catalog (columns: ";
    for (size_t i = 0; i < names_.size(); ++i) message += (i ? ", " : "") + names_[i];
    throw SolveError(message + ")");
}

uint32_t CatalogTable::add_row(int64_t label, const std::vector<ValueId>& values) {
    const auto row = static_cast<uint32_t>(labels_.size());
    value_index_.clear();
    labels_.push_back(label);
    start_.emplace_back();
    end_.emplace_back();
    for (size_t c = 0; c < columns_.size(); ++c) columns_[c].push_back(c < values.size() ? values[c] : kNa);
    return row;
}

std::optional<std::string_view> CatalogTable::text(uint32_t row, int column) const {
    const ValueId v = value(row, column);
    if (v == kNa) return std::nullopt;
    return pool_->text(v);
}

void CatalogTable::parse_times() {
    const int start_column = column_index("start_time");
    const int end_column = column_index("end_time");
    const int calendar_column = column_index("calendar");
    start_.assign(labels_.size(), std::nullopt);
    end_.assign(labels_.size(), std::nullopt);
    for (uint32_t row = 0; row < labels_.size(); ++row) {
        Calendar calendar = Calendar::Standard;
        if (calendar_column >= 0) {
            if (const auto name = text(row, calendar_column); name && !name->empty()) {
                const auto parsed = parse_calendar(*name);
                if (!parsed) continue;  // an unknown calendar gives no usable times
                calendar = *parsed;
            }
        }
        if (start_column >= 0)
            if (const auto t = text(row, start_column)) start_[row] = parse_catalog_time(*t, calendar);
        if (end_column >= 0)
            if (const auto t = text(row, end_column)) end_[row] = parse_catalog_time(*t, calendar);
    }
}

Rows CatalogTable::all_rows() const {
    Rows rows(labels_.size());
    std::iota(rows.begin(), rows.end(), 0u);
    return rows;
}

const Rows& CatalogTable::rows_with(int column, ValueId value) const {
    static const Rows none;
    const auto c = static_cast<size_t>(column);
    if (value_index_.size() < columns_.size()) value_index_.resize(columns_.size());
    auto& index = value_index_[c];
    if (!index) {
        index = std::make_unique<std::unordered_map<ValueId, Rows>>();
        const auto& values = columns_[c];
        for (uint32_t row = 0; row < values.size(); ++row) (*index)[values[row]].push_back(row);
    }
    const auto it = index->find(value);
    return it == index->end() ? none : it->second;
}

int64_t version_key(std::optional<std::string_view> version) {
    if (!version || version->size() < 2 || (*version)[0] != 'v') return -1;
    int64_t value = 0;
    for (size_t i = 1; i < version->size(); ++i) {
        const char c = (*version)[i];
        if (c < '0' || c > '9') return -1;
        if (value > (INT64_MAX - 9) / 10) return -1;  // beyond a BIGINT: as any other odd version
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace ref::solver
