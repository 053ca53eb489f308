// The time constraints (solver spec §3.5-3.7): required range, contiguity, overlap.
#include "solver/constraints.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_set>

namespace ref::solver {
namespace {

// Fixed upstream; tuned for monthly data (spec Q19).
constexpr int64_t kMaxGapMicroseconds = int64_t{45} * 86'400 * 1'000'000;

// Only rows with both times take part in time constraints.
Rows timed_rows(const Rows& group, const CatalogTable& catalog) {
    Rows timed;
    timed.reserve(group.size());
    for (const uint32_t row : group)
        if (catalog.start_time(row) && catalog.end_time(row)) timed.push_back(row);
    return timed;
}

// group_rows() would make one group of an empty group_by; upstream (pandas) refuses it.
std::vector<SubGroup> subgroups_of(const Rows& rows, const CatalogTable& catalog, const Names& group_by,
                                   std::string_view context) {
    if (group_by.empty()) throw SolveError(std::string(context) + ": group_by is empty (no group keys passed)");
    return group_rows(rows, catalog, group_by, context);
}

// Deselection is by label, so every file row of a deselected dataset goes (spec §3.0).
class LabelSelection {
public:
    void deselect(const Rows& rows, const CatalogTable& catalog) {
        for (const uint32_t row : rows) dropped_.insert(catalog.label(row));
    }
    Rows selected(const Rows& group, const CatalogTable& catalog) const {
        if (dropped_.empty()) return group;
        Rows kept;
        kept.reserve(group.size());
        for (const uint32_t row : group)
            if (!dropped_.contains(catalog.label(row))) kept.push_back(row);
        return kept;
    }

private:
    std::unordered_set<int64_t> dropped_;
};

// More than one distinct non-NA value of the `calendar` column (compared as text, so
// "noleap" and "365_day" differ, as upstream's nunique() has it).
bool has_mixed_calendars(const Rows& rows, const CatalogTable& catalog, int calendar_column) {
    if (calendar_column < 0) return false;
    ValueId seen = kNa;
    for (const uint32_t row : rows) {
        const ValueId v = catalog.value(row, calendar_column);
        if (v == kNa) continue;
        if (seen == kNa) seen = v;
        else if (v != seen) return true;
    }
    return false;
}

// Whether every time shares one calendar (only then do they subtract and compare upstream).
bool share_calendar(const std::vector<DateTime>& starts, const std::vector<DateTime>& ends) {
    const Calendar calendar = starts.front().calendar;
    const auto in_calendar = [&](const DateTime& t) { return t.calendar == calendar; };
    return std::all_of(starts.begin(), starts.end(), in_calendar) && std::all_of(ends.begin(), ends.end(), in_calendar);
}

// The contiguity check of §3.6 on one subgroup of timed rows.
bool is_contiguous(const Rows& subgroup, const CatalogTable& catalog, int calendar_column, std::string_view context) {
    if (has_mixed_calendars(subgroup, catalog, calendar_column)) return false;
    if (subgroup.size() < 2) return true;

    Rows sorted = subgroup;
    // Field order is chronological within a calendar and text order across calendars.
    std::stable_sort(sorted.begin(), sorted.end(), [&](uint32_t a, uint32_t b) {
        return compare(*catalog.start_time(a), *catalog.start_time(b)) < 0;
    });
    std::vector<DateTime> starts, ends;
    starts.reserve(sorted.size());
    ends.reserve(sorted.size());
    for (const uint32_t row : sorted) {
        starts.push_back(*catalog.start_time(row));
        ends.push_back(*catalog.end_time(row));
    }
    if (!share_calendar(starts, ends)) {
        // Upstream re-reads every time's text as a plain (proleptic Gregorian) timestamp.
        try {
            for (auto& t : starts) t = as_proleptic_gregorian(t);
            for (auto& t : ends) t = as_proleptic_gregorian(t);
        } catch (const std::invalid_argument& e) {
            throw SolveError(std::string(context) + ": cannot compare times of different calendars: " + e.what());
        }
    }
    for (size_t i = 0; i + 1 < starts.size(); ++i)
        if (microseconds_between(starts[i + 1], ends[i]) > kMaxGapMicroseconds) return false;
    return true;
}

}  // namespace

Rows apply(const RequireTimerange& c, const Rows& group, const CatalogTable& catalog) {
    constexpr std::string_view context = "require_timerange";
    const int calendar_column = catalog.column_index("calendar");
    LabelSelection selection;
    for (const SubGroup& sub : subgroups_of(timed_rows(group, catalog), catalog, c.group_by, context)) {
        const DateTime* first = nullptr;
        const DateTime* last = nullptr;
        for (const uint32_t row : sub.rows) {
            const DateTime& start = *catalog.start_time(row);
            const DateTime& end = *catalog.end_time(row);
            if (!first || compare(start, *first) < 0) first = &start;
            if (!last || compare(end, *last) > 0) last = &end;
        }
        // Upstream evaluates `s > start` and `e < end` from the PartialDateTime's side.
        bool ok = !(c.start && partial_less(*c.start, *first)) && !(c.end && partial_greater(*c.end, *last));
        if (ok) ok = is_contiguous(sub.rows, catalog, calendar_column, context);
        if (!ok) selection.deselect(sub.rows, catalog);
    }
    return selection.selected(group, catalog);
}

Rows apply(const RequireContiguousTimerange& c, const Rows& group, const CatalogTable& catalog) {
    constexpr std::string_view context = "require_contiguous_timerange";
    const int calendar_column = catalog.column_index("calendar");
    LabelSelection selection;
    for (const SubGroup& sub : subgroups_of(timed_rows(group, catalog), catalog, c.group_by, context))
        if (!is_contiguous(sub.rows, catalog, calendar_column, context)) selection.deselect(sub.rows, catalog);
    return selection.selected(group, catalog);
}

Rows apply(const RequireOverlappingTimerange& c, const Rows& group, const CatalogTable& catalog) {
    constexpr std::string_view context = "require_overlapping_timerange";
    const Rows timed = timed_rows(group, catalog);
    // Checked before grouping, so a missing group_by column goes unnoticed here (as upstream).
    if (timed.size() < 2) return group;
    const std::vector<SubGroup> subgroups = subgroups_of(timed, catalog, c.group_by, context);
    // Upstream: max() of no starts is NaN and NaN < NaN is false, so the group is dropped.
    if (subgroups.empty()) return {};

    std::vector<DateTime> starts, ends;  // per subgroup: earliest start, latest end
    for (const SubGroup& sub : subgroups) {
        DateTime start = *catalog.start_time(sub.rows.front());
        DateTime end = *catalog.end_time(sub.rows.front());
        for (const uint32_t row : sub.rows) {
            if (compare(*catalog.start_time(row), start) < 0) start = *catalog.start_time(row);
            if (compare(*catalog.end_time(row), end) > 0) end = *catalog.end_time(row);
        }
        starts.push_back(start);
        ends.push_back(end);
    }
    bool overlap = false;
    if (share_calendar(starts, ends)) {
        const auto earlier = [](const DateTime& a, const DateTime& b) { return compare(a, b) < 0; };
        overlap = compare(*std::max_element(starts.begin(), starts.end(), earlier),
                          *std::min_element(ends.begin(), ends.end(), earlier)) < 0;
    } else {
        // Different calendars do not compare; upstream compares the text forms instead.
        std::string latest_start, earliest_end;
        for (size_t i = 0; i < starts.size(); ++i) {
            std::string start = to_text(starts[i]), end = to_text(ends[i]);
            if (i == 0 || start > latest_start) latest_start = std::move(start);
            if (i == 0 || end < earliest_end) earliest_end = std::move(end);
        }
        overlap = latest_start < earliest_end;
    }
    return overlap ? group : Rows{};
}

}  // namespace ref::solver
