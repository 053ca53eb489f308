// The controlled vocabulary (CV) of result dimensions (cmec.md §4): which dimension names a
// metric value, series or output may carry and, for closed dimensions, which values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ref::results {

struct VocabularyDimension {
    std::string name, long_name, description;
    bool allow_extra_values = true;
    bool required = false;  // informational only, as upstream
    std::vector<std::string> values;  // the listed value names, in CV order
};

class Vocabulary {
public:
    Vocabulary() = default;
    explicit Vocabulary(std::vector<VocabularyDimension> dimensions);

    // The CMIP7 Assessment Fast Track CV bundled with climate-ref (cmec.md §4.4), in its order.
    static const Vocabulary& bundled();

    const std::vector<VocabularyDimension>& dimensions() const { return dimensions_; }
    const VocabularyDimension* find(std::string_view name) const;

    // nullopt when every name is a CV dimension and every value is allowed; otherwise the first
    // problem in map order, as one message (upstream also stops at the first).
    std::optional<std::string> check(const std::map<std::string, std::string>& dimensions) const;

private:
    std::vector<VocabularyDimension> dimensions_;
};

}  // namespace ref::results
