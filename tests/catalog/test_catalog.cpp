// Source types, version keys, file discovery (§3.1) and grouping into datasets (§5.1).
#include "support.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <set>

using namespace ref::catalog;
using namespace ref::catalog::test;
using ref::solver::SourceType;

namespace {

// Runs discovery as an unprivileged user when we are root (root reads every folder), reporting
// "file <path>" and "problem <path>: <reason>" lines.
std::vector<std::string> discover_unprivileged(const fs::path& root) {
    const auto run = [&] {
        std::vector<Problem> problems;
        std::vector<std::string> lines;
        for (const auto& f : discover_files({root}, problems)) lines.push_back("file " + f);
        for (const auto& p : problems) lines.push_back("problem " + p.path + ": " + p.reason);
        return lines;
    };
    if (::geteuid() != 0) return run();
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
        std::string out;
        for (const auto& line : run()) out += line + "\n";
        const bool written = ::write(fds[1], out.data(), out.size()) == static_cast<ssize_t>(out.size());
        ::_exit(written ? 0 : 4);
    }
    ::close(fds[1]);
    std::string text;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    std::vector<std::string> lines;
    for (std::size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
        lines.push_back(text.substr(start, end - start));
    }
    return lines;
}

FileMetadata record(const std::string& instance_id, const std::string& path, const Adapter& adapter) {
    FileMetadata r;
    r.path = path;
    r.instance_id = instance_id;
    for (const auto& column : adapter.columns()) r.facets[column] = std::monostate{};
    r.facets["instance_id"] = instance_id;
    return r;
}

}  // namespace

TEST_CASE("every adapter has its table's columns in order") {
    for (const auto type : ref::solver::all_source_types()) {
        const auto adapter = make_adapter(type);
        INFO(adapter->table());
        // An empty record built from the columns matches the schema's names and order.
        auto r = record("x", "/x.nc", *adapter);
        r.facets["version"] = std::string("v1");
        r.version = "v1";
        check_facets_match_table(r, *adapter);
        for (const auto& column : adapter->identity_columns()) {
            CHECK(std::count(adapter->columns().begin(), adapter->columns().end(), column) == 1);
        }
    }
}

TEST_CASE("facets act as a map of columns whose order does not matter") {
    Facets a;
    a["realm"] = std::string("atmos");
    a["vertical_levels"] = int64_t{19};
    Facets b;
    b["vertical_levels"] = int64_t{19};
    b["realm"] = std::string("atmos");
    CHECK(a == b);
    CHECK(a.size() == 2);
    CHECK(a.count("units") == 0);
    CHECK(a.find("units") == nullptr);
    CHECK_THROWS_AS(a.at("units"), std::out_of_range);
    b["vertical_levels"] = 19.0;  // a real is not an integer
    CHECK(a != b);

    // A copy shares the column names until a column is added to it.
    Facets c = a;
    c["units"] = std::string("K");
    CHECK(c.size() == 3);
    CHECK(a.size() == 2);
    CHECK(a.count("units") == 0);
    CHECK(c != a);
}

TEST_CASE("version keys order numeric versions only") {
    CHECK(version_key("v20191115") == 20191115);
    CHECK(version_key("v1") == 1);
    CHECK(version_key("v0") == 0);
    CHECK(version_key("v") == -1);
    CHECK(version_key("") == -1);
    CHECK(version_key("Ed4.2") == -1);
    CHECK(version_key("v2.1") == -1);
    CHECK(version_key("v-1") == -1);
    CHECK(version_key("v+1") == -1);
    CHECK(version_key("V1") == -1);
    CHECK(version_key("20191115") == -1);
    CHECK(version_key("v99999999999999999999") == -1);  // beyond a BIGINT
}

TEST_CASE("discovery walks ten levels and sorts the paths") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const fs::path root = dir / "data";
    fs::path deep = root;
    for (int level = 1; level <= 11; ++level) {
        deep /= "d" + std::to_string(level);
        touch(deep / ("level" + std::to_string(level) + ".nc"));
    }
    touch(root / "top.nc");
    touch(root / "a" / "x.nc");
    touch(root / "a-b" / "x.nc");
    touch(root / "a" / "UPPER.NC");
    touch(root / "a" / "x.nc.txt");
    touch(root / "a" / "notes.txt");
    fs::create_directories(root / "a" / "folder.nc");

    std::vector<Problem> problems;
    const auto found = discover_files({root}, problems);
    CHECK(problems.empty());
    CHECK(std::is_sorted(found.begin(), found.end()));
    CHECK(found.size() == 13);  // top, a/x, a-b/x and levels 1-10
    CHECK(found.front() == (root / "a-b" / "x.nc").string());  // text order: '-' sorts before '/'
    CHECK(found[1] == (root / "a" / "x.nc").string());
    const auto has = [&](const std::string& name) {
        return std::any_of(found.begin(), found.end(), [&](const auto& f) { return fs::path(f).filename() == name; });
    };
    CHECK(has("level10.nc"));  // in a folder ten levels down
    CHECK_FALSE(has("level11.nc"));
    CHECK_FALSE(has("UPPER.NC"));
    CHECK_FALSE(has("x.nc.txt"));
    CHECK_FALSE(has("folder.nc"));
}

TEST_CASE("discovery accepts file roots and finds each file once") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    const auto a = touch(dir / "data" / "a" / "a.nc");
    const auto b = touch(dir / "data" / "b.nc");
    const auto text_file = touch(dir / "data" / "readme.txt");
    std::vector<Problem> problems;
    const auto found = discover_files({dir / "data", dir / "data" / "a", a, text_file, dir / "data" / "a" / ".." / "b.nc"},
                                      problems);
    CHECK(problems.empty());
    CHECK(found == std::vector<std::string>{a.string(), b.string()});

    // Relative roots come back absolute.
    const auto cwd = fs::current_path();
    fs::current_path(dir.path());
    const auto relative = discover_files({"data/a/"}, problems);
    fs::current_path(cwd);
    CHECK(relative == std::vector<std::string>{a.string()});
}

TEST_CASE("discovery follows links to folders and keeps dangling links named .nc") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    touch(dir / "elsewhere" / "x.nc");
    fs::create_directories(dir / "data");
    fs::create_directory_symlink(dir / "elsewhere", dir / "data" / "linked");
    fs::create_symlink(dir / "nothing.nc", dir / "data" / "dangling.nc");
    std::vector<Problem> problems;
    const auto found = discover_files({dir / "data"}, problems);
    CHECK(problems.empty());
    // The dangling link is found; parsing it reports the problem.
    CHECK(found == std::vector<std::string>{(dir / "data" / "dangling.nc").string(), (dir / "data" / "linked" / "x.nc").string()});
}

TEST_CASE("discovery reports missing roots and unreadable folders and keeps going") {
    ref::datagen::TemporaryDirectory dir("ref-catalog");
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                    fs::perms::others_read | fs::perms::others_exec);
    const auto kept = touch(dir / "data" / "open" / "kept.nc");
    touch(dir / "data" / "locked" / "hidden.nc");
    fs::permissions(dir / "data" / "locked", fs::perms::none);

    std::vector<Problem> problems;
    const auto found = discover_files({dir / "missing", dir / "data" / "open"}, problems);
    CHECK(found == std::vector<std::string>{kept.string()});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == (dir / "missing").string());
    CHECK(problems[0].reason == "no such file or folder");

    const auto lines = discover_unprivileged(dir / "data");
    fs::permissions(dir / "data" / "locked", fs::perms::owner_all);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == "file " + kept.string());
    CHECK_THAT(lines[1], Catch::StartsWith("problem " + (dir / "data" / "locked").string() + ": cannot read the folder: ") &&
                             Catch::Contains("ermission denied"));
}

TEST_CASE("grouping the generated cmip6 files gives one dataset per instance id") {
    const auto adapter = make_adapter(SourceType::Cmip6);
    std::set<std::string> paths;
    std::set<std::string> expected;
    for (const auto& d : generated_tree().datasets) {
        auto files = d.files;
        if (d.area) files.push_back(*d.area);
        for (const auto& f : files) {
            if (f.project != "CMIP6") continue;
            paths.insert(f.path.string());
            expected.insert(f.instance_id);
        }
    }
    std::vector<FileMetadata> records;
    for (const auto& path : paths) records.push_back(adapter->parse(path, Parser::Complete));
    std::reverse(records.begin(), records.end());
    std::vector<Problem> problems;
    const auto datasets = group_into_datasets(records, *adapter, problems);
    CHECK(problems.empty());
    REQUIRE(datasets.size() == expected.size());
    auto it = expected.begin();
    for (const auto& dataset : datasets) {
        CHECK(dataset.instance_id == *it++);
        for (std::size_t i = 1; i < dataset.files.size(); ++i) CHECK(dataset.files[i - 1].path < dataset.files[i].path);
    }
    const auto picontrol = generated_tree().dataset("tas-picontrol").files.front().instance_id;
    const auto found = std::find_if(datasets.begin(), datasets.end(), [&](const auto& d) { return d.instance_id == picontrol; });
    REQUIRE(found != datasets.end());
    CHECK(found->files.size() == 2);  // overlapping files are one dataset
}

TEST_CASE("grouping leaves out datasets whose files disagree") {
    const auto adapter = make_adapter(SourceType::Cmip6);
    auto a = record("CMIP6.A.v1", "/d/a_185001-185012.nc", *adapter);
    a.start_time = "1850-01-16 12:00:00";
    a.end_time = "1850-12-16 12:00:00";
    a.facets["realm"] = std::string("atmos");
    a.facets["vertical_levels"] = int64_t{1};
    a.facets["units"] = std::string("K");
    auto b = a;
    b.path = "/d/b_185101-185112.nc";
    b.start_time.reset();
    b.facets["realm"] = std::string("ocean");
    b.facets["vertical_levels"] = int64_t{19};
    b.facets["units"] = std::monostate{};  // NULL never disagrees
    auto other = record("CMIP6.B.v1", "/d/other.nc", *adapter);

    std::vector<Problem> problems;
    const auto datasets = group_into_datasets({b, other, a}, *adapter, problems);
    REQUIRE(datasets.size() == 1);
    CHECK(datasets[0].instance_id == "CMIP6.B.v1");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "CMIP6.A.v1");
    CHECK(problems[0].reason ==
          "dataset-level columns differ between its files: realm ('atmos', 'ocean'); vertical_levels (1, 19); files: "
          "/d/a_185001-185012.nc [1850-01-16 12:00:00 to 1850-12-16 12:00:00], "
          "/d/b_185101-185112.nc [no start to 1850-12-16 12:00:00]");

    // Files from different parsers disagree on finalised.
    b = a;
    b.path = "/d/b.nc";
    b.finalised = false;
    problems.clear();
    CHECK(group_into_datasets({a, b}, *adapter, problems).empty());
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].reason, Catch::Contains("finalised (true, false)"));

    // A record without an instance id cannot be grouped.
    problems.clear();
    CHECK(group_into_datasets({record("", "/d/nameless.nc", *adapter)}, *adapter, problems).empty());
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "/d/nameless.nc");
}

TEST_CASE("grouping cmip6 files takes the first parent_variant_label") {
    for (const auto type : {SourceType::Cmip6, SourceType::Cmip7}) {
        const auto adapter = make_adapter(type);
        auto a = record("X.v1", "/d/a.nc", *adapter);
        auto b = a;
        auto c = a;
        b.path = "/d/b.nc";
        c.path = "/d/c.nc";
        a.facets["parent_variant_label"] = std::string("r1i1p1f1");
        b.facets["parent_variant_label"] = std::string("r2i1p1f1");
        std::vector<Problem> problems;
        const auto datasets = group_into_datasets({c, b, a}, *adapter, problems);
        if (type == SourceType::Cmip6) {
            REQUIRE(datasets.size() == 1);
            CHECK(problems.empty());
            for (const auto& f : datasets[0].files) CHECK(text(f, "parent_variant_label") == "r1i1p1f1");
        } else {
            CHECK(datasets.empty());
            REQUIRE(problems.size() == 1);
            CHECK_THAT(problems[0].reason, Catch::Contains("parent_variant_label ('r1i1p1f1', 'r2i1p1f1')"));
        }
    }
}
