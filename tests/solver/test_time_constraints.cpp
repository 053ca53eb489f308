// RequireTimerange, RequireContiguousTimerange, RequireOverlappingTimerange (solver spec
// §3.5-3.7), with every row of Example 14.
#include "solver/constraints.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace ref::solver;

namespace {

// One file row of a test catalog: cells by column name (an absent cell is NA).
struct TestRow {
    std::vector<std::pair<std::string, std::string>> cells;
    std::optional<int64_t> label;  // default: the row number

    TestRow& cell(std::string column, std::string value) {
        cells.emplace_back(std::move(column), std::move(value));
        return *this;
    }
    TestRow& labelled(int64_t l) {
        label = l;
        return *this;
    }
};

TestRow file(const std::string& variable, const std::string& start, const std::string& end) {
    return TestRow{}.cell("variable_id", variable).cell("start_time", start).cell("end_time", end);
}
TestRow file(const std::string& variable, const std::string& start, const std::string& end,
             const std::string& calendar) {
    return file(variable, start, end).cell("calendar", calendar);
}
// Monthly data from January of `first` to December of `last`, mid-month time steps.
TestRow monthly(const std::string& variable, int first, int last) {
    return file(variable, std::to_string(first) + "-01-16 12:00:00", std::to_string(last) + "-12-16 12:00:00");
}
TestRow untimed(const std::string& variable) { return TestRow{}.cell("variable_id", variable); }

// Every column any row names; times parsed as the catalog builder does.
CatalogTable table_of(const std::vector<TestRow>& rows) {
    CatalogTable t(SourceType::Cmip6);
    t.add_column("variable_id");
    t.add_column("start_time");
    t.add_column("end_time");
    for (const auto& row : rows)
        for (const auto& [column, value] : row.cells) t.add_column(column);
    for (size_t i = 0; i < rows.size(); ++i) {
        std::vector<ValueId> values(t.column_names().size(), kNa);
        for (const auto& [column, value] : rows[i].cells)
            values[static_cast<size_t>(t.column_index(column))] = t.pool().intern(value);
        t.add_row(rows[i].label.value_or(static_cast<int64_t>(i)), values);
    }
    t.parse_times();
    return t;
}

template <typename C>
Rows run(const C& constraint, const std::vector<TestRow>& rows) {
    const CatalogTable t = table_of(rows);
    return apply(constraint, t.all_rows(), t);
}

// A PartialDateTime of the leading fields.
PartialDateTime P(std::optional<int> year, std::optional<int> month = {}, std::optional<int> day = {},
                  std::optional<int> hour = {}, std::optional<int> minute = {}, std::optional<int> second = {}) {
    return PartialDateTime{year, month, day, hour, minute, second};
}

const Names kByVariable{"variable_id"};

RequireTimerange timerange(std::optional<PartialDateTime> start, std::optional<PartialDateTime> end) {
    return RequireTimerange{kByVariable, start, end};
}
const RequireContiguousTimerange kContiguous{kByVariable};
const RequireOverlappingTimerange kOverlapping{kByVariable};

}  // namespace

// --- RequireTimerange -----------------------------------------------------------------------

TEST_CASE("require_timerange keeps data covering the range (Example 14)", "[time-constraints]") {
    const std::vector<TestRow> rows{file("tas", "2000-01-16 12:00:00", "2000-12-16 12:00:00")};
    CHECK(run(timerange(P(2000, 1), P(2000, 12)), rows) == Rows{0});
    CHECK(run(timerange(P(2000, 1), std::nullopt), rows) == Rows{0});
    CHECK(run(timerange(std::nullopt, P(2000, 5)), rows) == Rows{0});
    CHECK(run(timerange(std::nullopt, std::nullopt), rows) == Rows{0});
}

TEST_CASE("require_timerange drops data starting too late or ending too early (Example 14)", "[time-constraints]") {
    CHECK(run(timerange(P(2000, 1), std::nullopt),
              {file("tas", "2000-02-16 12:00:00", "2000-12-16 12:00:00")})
              .empty());
    CHECK(run(timerange(std::nullopt, P(2001, 1)),
              {file("tas", "2000-01-16 12:00:00", "2000-12-16 12:00:00")})
              .empty());
}

TEST_CASE("require_timerange drops a subgroup with a gap (Example 14)", "[time-constraints]") {
    CHECK(run(timerange(P(2000, 1), P(2003, 12)),
              {monthly("tas", 2000, 2000), monthly("tas", 2001, 2001), monthly("tas", 2003, 2003)})
              .empty());
}

TEST_CASE("require_timerange does not check rows without times (Example 14)", "[time-constraints]") {
    CHECK(run(timerange(P(2000, 1), P(2001, 12)),
              {monthly("tas", 2000, 2000), monthly("tas", 2001, 2001), untimed("areacella")}) == Rows{0, 1, 2});
}

TEST_CASE("require_timerange drops only the failing subgroup (Example 14)", "[time-constraints]") {
    CHECK(run(timerange(P(2000, 1), P(2001, 12)),
              {monthly("pr", 2000, 2000), monthly("tas", 2000, 2002)}) == Rows{1});
}

TEST_CASE("require_timerange in 360_day and noleap calendars (Example 14)", "[time-constraints]") {
    CHECK(run(timerange(P(2000, 1), P(2001, 12)),
              {file("tas", "2000-01-16 00:00:00", "2000-12-16 00:00:00", "360_day"),
               file("tas", "2001-01-16 00:00:00", "2001-12-16 00:00:00", "360_day")}) == Rows{0, 1});
    CHECK(run(timerange(P(2000, 1), std::nullopt),
              {file("tas", "2002-01-01 00:00:00", "2002-12-31 00:00:00", "noleap")})
              .empty());
}

TEST_CASE("require_timerange compares at the precision of the bound", "[time-constraints]") {
    const std::vector<TestRow> rows{file("tas", "2000-01-16 12:00:00", "2000-12-16 12:00:00")};
    CHECK(run(timerange(P(2000, 1, 16), std::nullopt), rows) == Rows{0});
    CHECK(run(timerange(P(2000, 1, 16, 12), std::nullopt), rows) == Rows{0});
    CHECK(run(timerange(P(2000, 1, 16, 11), std::nullopt), rows).empty());
    CHECK(run(timerange(std::nullopt, P(2000, 12, 16, 12, 0, 0)), rows) == Rows{0});
    CHECK(run(timerange(std::nullopt, P(2000, 12, 16, 12, 0, 1)), rows).empty());
}

TEST_CASE("require_timerange takes the earliest start and latest end of a subgroup", "[time-constraints]") {
    // Out of order and overlapping: 1999-2001 covers the range together.
    CHECK(run(timerange(P(1999, 1), P(2001, 12)),
              {monthly("tas", 2000, 2001), monthly("tas", 1999, 2000)}) == Rows{0, 1});
}

TEST_CASE("require_timerange deselects by label", "[time-constraints]") {
    // Dataset 7 has two files with a gap and a file without times: all three go.
    const std::vector<TestRow> rows{monthly("tas", 2000, 2000).labelled(7), monthly("pr", 2000, 2001).labelled(8),
                                    monthly("tas", 2002, 2002).labelled(7), untimed("tas").labelled(7),
                                    untimed("areacella").labelled(9)};
    CHECK(run(timerange(P(2000, 1), P(2001, 12)), rows) == Rows{1, 4});
    // A label shared with a failing subgroup drops that row of a passing subgroup too.
    CHECK(run(timerange(P(2000, 1), std::nullopt),
              {monthly("tas", 2001, 2001).labelled(3), monthly("pr", 2000, 2000).labelled(3),
               monthly("pr", 2000, 2000).labelled(4)}) == Rows{2});
}

TEST_CASE("require_timerange leaves rows with NA times or NA keys selected", "[time-constraints]") {
    CHECK(run(timerange(P(2000, 1), P(2000, 12)),
              {TestRow{}.cell("start_time", "2005-01-16 00:00:00").cell("end_time", "2005-12-16 00:00:00"),
               TestRow{}.cell("variable_id", "tas").cell("start_time", "2005-01-16 00:00:00"),
               file("tas", "2000-02-30 00:00:00", "2000-12-16 00:00:00"),  // invalid date: NA
               file("pr", "bad", "2000-12-16 00:00:00")}) == Rows{0, 1, 2, 3});
}

TEST_CASE("require_timerange keeps the group's row order", "[time-constraints]") {
    const CatalogTable t = table_of({monthly("tas", 2000, 2000), monthly("pr", 2000, 2000), untimed("areacella"),
                                     monthly("tas", 2001, 2001)});
    CHECK(apply(timerange(P(2000, 1), P(2001, 12)), Rows{3, 2, 1, 0}, t) == Rows{3, 2, 0});
}

TEST_CASE("require_timerange rejects a missing or empty group_by", "[time-constraints]") {
    const CatalogTable t = table_of({monthly("tas", 2000, 2000)});
    CHECK_THROWS_AS(apply(RequireTimerange{{"source_id"}, {}, {}}, t.all_rows(), t), SolveError);
    CHECK_THROWS_WITH(apply(RequireTimerange{{"source_id"}, {}, {}}, t.all_rows(), t),
                      Catch::Contains("require_timerange") && Catch::Contains("source_id"));
    CHECK_THROWS_AS(apply(RequireTimerange{{}, {}, {}}, t.all_rows(), t), SolveError);
}

// --- RequireContiguousTimerange -------------------------------------------------------------

TEST_CASE("require_contiguous_timerange keeps consecutive years (Example 14)", "[time-constraints]") {
    CHECK(run(kContiguous, {monthly("tas", 2000, 2000), monthly("tas", 2001, 2001)}) == Rows{0, 1});
}

TEST_CASE("require_contiguous_timerange drops a subgroup with a missing year (Example 14)", "[time-constraints]") {
    CHECK(run(kContiguous, {monthly("tas", 2000, 2000), monthly("tas", 2001, 2001), monthly("tas", 2003, 2003)})
              .empty());
    CHECK(run(kContiguous, {monthly("pr", 2000, 2000), monthly("tas", 2000, 2000), monthly("tas", 2002, 2002)}) ==
          Rows{0});
}

TEST_CASE("require_contiguous_timerange accepts century files a month apart (Example 14)", "[time-constraints]") {
    const std::vector<TestRow> nesm3{file("tas", "0500-01-16 00:00:00", "0599-12-15 00:00:00"),
                                     file("tas", "0600-01-16 00:00:00", "0699-12-16 00:00:00"),
                                     file("tas", "0700-01-16 00:00:00", "0799-12-16 00:00:00")};
    CHECK(run(kContiguous, nesm3) == Rows{0, 1, 2});
    std::vector<TestRow> noleap;
    for (const auto& row : nesm3) noleap.push_back(TestRow{row}.cell("calendar", "365_day"));
    CHECK(run(kContiguous, noleap) == Rows{0, 1, 2});
}

TEST_CASE("require_contiguous_timerange drops mixed calendars in a subgroup (Example 14)", "[time-constraints]") {
    CHECK(run(kContiguous, {file("tas", "2000-01-16 00:00:00", "2000-12-16 00:00:00", "360_day"),
                            file("tas", "2001-01-16 00:00:00", "2001-12-16 00:00:00", "noleap")})
              .empty());
    // Calendars compare by name, as upstream's nunique() does.
    CHECK(run(kContiguous, {file("tas", "2000-01-16 00:00:00", "2000-12-16 00:00:00", "noleap"),
                            file("tas", "2001-01-16 00:00:00", "2001-12-16 00:00:00", "365_day")})
              .empty());
    // Separate subgroups may each keep their own calendar.
    CHECK(run(kContiguous, {file("tas", "2000-01-16 00:00:00", "2000-12-16 00:00:00", "360_day"),
                            file("tas", "2001-01-16 00:00:00", "2001-12-16 00:00:00", "360_day"),
                            file("pr", "2000-01-16 00:00:00", "2000-12-16 00:00:00", "noleap"),
                            file("pr", "2001-01-16 00:00:00", "2001-12-16 00:00:00", "noleap")}) ==
          Rows{0, 1, 2, 3});
}

TEST_CASE("require_contiguous_timerange allows a gap of exactly 45 days (Example 14)", "[time-constraints]") {
    CHECK(run(kContiguous, {file("tas", "2000-01-01 00:00:00", "2000-01-31 00:00:00"),
                            file("tas", "2000-03-16 00:00:00", "2000-04-30 00:00:00")}) == Rows{0, 1});
    CHECK(run(kContiguous, {file("tas", "2000-01-01 00:00:00", "2000-01-31 00:00:00"),
                            file("tas", "2000-03-16 00:00:01", "2000-04-30 00:00:00")})
              .empty());
    // In 360_day every month has 30 days: 30 January to 15 March is 45 days.
    CHECK(run(kContiguous, {file("tas", "2000-01-01 00:00:00", "2000-01-30 00:00:00", "360_day"),
                            file("tas", "2000-03-15 00:00:00", "2000-04-30 00:00:00", "360_day")}) == Rows{0, 1});
    CHECK(run(kContiguous, {file("tas", "2000-01-01 00:00:00", "2000-01-30 00:00:00", "360_day"),
                            file("tas", "2000-03-16 00:00:00", "2000-04-30 00:00:00", "360_day")})
              .empty());
}

TEST_CASE("require_contiguous_timerange compares consecutive files only (Example 14)", "[time-constraints]") {
    CHECK(run(kContiguous, {file("tas", "2000-01-16 00:00:00", "2010-12-16 00:00:00"),
                            file("tas", "2001-01-16 00:00:00", "2002-12-16 00:00:00"),
                            file("tas", "2005-01-16 00:00:00", "2006-12-16 00:00:00")})
              .empty());
    // Order of the rows does not matter: they are sorted by start time first.
    CHECK(run(kContiguous, {file("tas", "2005-01-16 00:00:00", "2006-12-16 00:00:00"),
                            file("tas", "2000-01-16 00:00:00", "2010-12-16 00:00:00"),
                            file("tas", "2001-01-16 00:00:00", "2002-12-16 00:00:00")})
              .empty());
    CHECK(run(kContiguous, {monthly("tas", 2002, 2002), monthly("tas", 2000, 2000), monthly("tas", 2001, 2001)}) ==
          Rows{0, 1, 2});
    // Overlaps (negative gaps) are fine.
    CHECK(run(kContiguous, {monthly("tas", 2000, 2005), monthly("tas", 2003, 2008)}) == Rows{0, 1});
}

TEST_CASE("require_contiguous_timerange counts real days across the 1582 reform", "[time-constraints]") {
    // 1582-10-04 to 1582-11-20 is 36 days in standard, 47 days in proleptic_gregorian.
    CHECK(run(kContiguous, {file("tas", "1582-09-01 00:00:00", "1582-10-04 00:00:00"),
                            file("tas", "1582-11-20 00:00:00", "1582-12-31 00:00:00")}) == Rows{0, 1});
    CHECK(run(kContiguous,
              {file("tas", "1582-09-01 00:00:00", "1582-10-04 00:00:00", "proleptic_gregorian"),
               file("tas", "1582-11-20 00:00:00", "1582-12-31 00:00:00", "proleptic_gregorian")})
              .empty());
}

TEST_CASE("require_contiguous_timerange leaves rows with NA times or NA keys selected", "[time-constraints]") {
    CHECK(run(kContiguous, {monthly("tas", 2000, 2000), untimed("tas"), monthly("tas", 2003, 2003),
                            TestRow{}.cell("start_time", "2010-01-16 00:00:00").cell("end_time", "2010-12-16 00:00:00"),
                            untimed("areacella")}) == Rows{1, 3, 4});
}

TEST_CASE("require_contiguous_timerange deselects every file of a dataset", "[time-constraints]") {
    // Two files of dataset 5 in the failing subgroup; its untimed third file goes too.
    CHECK(run(kContiguous, {monthly("tas", 2000, 2000).labelled(5), monthly("pr", 2000, 2000).labelled(6),
                            monthly("tas", 2003, 2003).labelled(5), untimed("tas").labelled(5)}) == Rows{1});
    // Dataset 6 spans both subgroups: the contiguous pr file goes with the broken tas one.
    CHECK(run(kContiguous, {monthly("tas", 2000, 2000).labelled(6), monthly("tas", 2003, 2003).labelled(7),
                            monthly("pr", 2000, 2000).labelled(6), monthly("pr", 2000, 2000).labelled(8)}) ==
          Rows{3});
}

TEST_CASE("require_contiguous_timerange tolerates a row listed twice", "[time-constraints]") {
    const CatalogTable t = table_of({monthly("tas", 2000, 2000), monthly("tas", 2001, 2001)});
    CHECK(apply(kContiguous, Rows{0, 1, 1}, t) == Rows{0, 1, 1});
}

TEST_CASE("require_contiguous_timerange falls back to proleptic Gregorian across calendars", "[time-constraints]") {
    // One named calendar plus an NA one: not "mixed", but the times differ in calendar.
    CHECK(run(kContiguous, {file("tas", "2000-01-16 00:00:00", "2000-12-16 00:00:00"),
                            file("tas", "2001-01-16 00:00:00", "2001-12-16 00:00:00", "360_day")}) == Rows{0, 1});
    CHECK(run(kContiguous, {file("tas", "2000-01-16 00:00:00", "2000-12-16 00:00:00"),
                            file("tas", "2002-01-16 00:00:00", "2002-12-16 00:00:00", "360_day")})
              .empty());
    // 30 February has no proleptic Gregorian reading: the solve cannot go on.
    const CatalogTable t = table_of({file("tas", "2000-01-16 00:00:00", "2000-02-30 00:00:00", "360_day"),
                                     file("tas", "2000-03-16 00:00:00", "2000-12-16 00:00:00")});
    CHECK_THROWS_AS(apply(kContiguous, t.all_rows(), t), SolveError);
    CHECK_THROWS_WITH(apply(kContiguous, t.all_rows(), t),
                      Catch::Contains("require_contiguous_timerange") && Catch::Contains("2000-02-30"));
}

TEST_CASE("require_contiguous_timerange rejects a missing or empty group_by", "[time-constraints]") {
    const CatalogTable t = table_of({monthly("tas", 2000, 2000)});
    CHECK_THROWS_AS(apply(RequireContiguousTimerange{{"instance_id"}}, t.all_rows(), t), SolveError);
    CHECK_THROWS_AS(apply(RequireContiguousTimerange{{}}, t.all_rows(), t), SolveError);
}

// --- RequireOverlappingTimerange ------------------------------------------------------------

TEST_CASE("require_overlapping_timerange keeps overlapping subgroups (Example 14)", "[time-constraints]") {
    CHECK(run(kOverlapping, {monthly("tas", 2000, 2001), monthly("tas", 2001, 2002), monthly("pr", 2001, 2014)}) ==
          Rows{0, 1, 2});
    CHECK(run(kOverlapping, {monthly("tas", 2000, 2000), monthly("tas", 2001, 2001), untimed("areacella")}) ==
          Rows{0, 1, 2});
}

TEST_CASE("require_overlapping_timerange drops disjoint subgroups (Example 14)", "[time-constraints]") {
    CHECK(run(kOverlapping, {monthly("tas", 2000, 2001), monthly("pr", 2002, 2002)}).empty());
    // Strict: touching ranges do not overlap.
    CHECK(run(kOverlapping, {file("tas", "2000-01-01 00:00:00", "2001-01-01 00:00:00"),
                             file("pr", "2001-01-01 00:00:00", "2002-01-01 00:00:00")})
              .empty());
    CHECK(run(kOverlapping, {file("tas", "2000-01-01 00:00:00", "2001-01-01 00:00:01"),
                             file("pr", "2001-01-01 00:00:00", "2002-01-01 00:00:00")}) == Rows{0, 1});
}

TEST_CASE("require_overlapping_timerange keeps groups with fewer than two timed rows (Example 14)",
          "[time-constraints]") {
    CHECK(run(kOverlapping, {monthly("tas", 2000, 2000), untimed("areacella"), untimed("pr")}) == Rows{0, 1, 2});
    CHECK(run(kOverlapping, {untimed("areacella")}) == Rows{0});
    // The group_by columns are not even looked at.
    const CatalogTable t = table_of({monthly("tas", 2000, 2000), untimed("areacella")});
    CHECK(apply(RequireOverlappingTimerange{{"no_such_column"}}, t.all_rows(), t) == Rows{0, 1});
}

TEST_CASE("require_overlapping_timerange compares text across calendars (Example 14)", "[time-constraints]") {
    CHECK(run(kOverlapping, {file("tas", "2000-01-01 00:00:00", "2002-12-30 00:00:00", "360_day"),
                             file("pr", "2000-01-01 00:00:00", "2002-12-31 00:00:00", "noleap")}) == Rows{0, 1});
    // Text forms compare strictly too: the latest start equals the earliest end.
    CHECK(run(kOverlapping, {file("tas", "2000-01-01 00:00:00", "2002-02-30 00:00:00", "360_day"),
                             file("pr", "2002-02-30 00:00:00", "2003-12-30 00:00:00", "360_day"),
                             file("pr", "2003-01-01 00:00:00", "2003-12-31 00:00:00", "noleap")})
              .empty());
}

TEST_CASE("require_overlapping_timerange ignores rows with NA keys", "[time-constraints]") {
    const TestRow no_variable =
        TestRow{}.cell("start_time", "2005-01-16 00:00:00").cell("end_time", "2005-12-16 00:00:00");
    CHECK(run(kOverlapping, {monthly("tas", 2000, 2001), no_variable}) == Rows{0, 1});
    // No subgroup at all: upstream compares NaN < NaN and drops the group.
    CHECK(run(kOverlapping, {no_variable, no_variable}).empty());
}

TEST_CASE("require_overlapping_timerange returns the whole group unchanged", "[time-constraints]") {
    const CatalogTable t = table_of({monthly("tas", 2000, 2001), monthly("pr", 2001, 2001), untimed("areacella")});
    CHECK(apply(kOverlapping, Rows{2, 1, 0, 1}, t) == Rows{2, 1, 0, 1});
}

TEST_CASE("require_overlapping_timerange rejects a missing group_by column", "[time-constraints]") {
    const CatalogTable t = table_of({monthly("tas", 2000, 2001), monthly("pr", 2001, 2001)});
    CHECK_THROWS_AS(apply(RequireOverlappingTimerange{{"source_id"}}, t.all_rows(), t), SolveError);
    CHECK_THROWS_WITH(apply(RequireOverlappingTimerange{{"source_id"}}, t.all_rows(), t),
                      Catch::Contains("require_overlapping_timerange"));
    CHECK_THROWS_AS(apply(RequireOverlappingTimerange{{}}, t.all_rows(), t), SolveError);
}
