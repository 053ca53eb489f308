// Ingest end to end through the command line, on SQLite and on PostgreSQL, with
// generated CMOR-style files and (when present) the real CMIP6 sample data.
#include "../store/scratch_database.hpp"
#include "ref/datagen/default_tree.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <set>

using namespace ref;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

test::CommandResult ref_engine(const test::ScratchDatabase& db, const std::string& args) {
    return test::run_command("REF_DATABASE_URL='" + db.url().url + "' REF_CONFIGURATION='" + db.folder().string() + "' " +
                             test::engine_program().string() + " " + args);
}

json list(const test::ScratchDatabase& db, const std::string& args) {
    const auto r = ref_engine(db, "datasets list --format json --limit 10000 " + args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
}

// The rows without the columns that differ between runs and backends.
json comparable(json rows) {
    for (auto& row : rows)
        for (const char* volatile_column : {"id", "created_at", "updated_at"}) row.erase(volatile_column);
    return rows;
}

fs::path sample_data() {
    const char* env = std::getenv("REF_SAMPLE_DATA_DIR");
    return env && *env ? fs::path(env) : fs::path(REF_SAMPLE_DATA_DIR);
}

}  // namespace

TEST_CASE("ingest registers generated CMIP6 data and a second run changes nothing", "[ingest]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        const auto first = ref_engine(db, "datasets ingest --source-type cmip6 " + (tree.root / "CMIP6").string());
        INFO(first.out << first.err);
        REQUIRE(first.exit_code == 0);
        CHECK_THAT(first.out, Catch::Contains("0 invalid"));
        CHECK_THAT(first.out, Catch::Contains("0 failed"));
        const json rows = list(db, "--source-type cmip6");
        REQUIRE_FALSE(rows.empty());
        const auto& tas = tree.dataset("tas-historical");
        const std::string slug = tas.files.front().instance_id;
        const auto row = std::find_if(rows.begin(), rows.end(), [&](const json& r) { return r["instance_id"] == slug; });
        REQUIRE(row != rows.end());
        CHECK((*row)["variable_id"] == "tas");
        CHECK((*row)["calendar"] == "noleap");
        CHECK((*row)["finalised"] == 1);

        const json files = list(db, "--source-type cmip6 --include-files --column instance_id --column path --column start_time");
        std::size_t tas_files = 0;
        for (const auto& f : files) tas_files += f["instance_id"] == slug;
        CHECK(tas_files == tas.files.size());

        const auto again = ref_engine(db, "datasets ingest --source-type cmip6 " + (tree.root / "CMIP6").string());
        CHECK(again.exit_code == 0);
        CHECK_THAT(again.out, Catch::Contains("0 created, 0 updated"));
        CHECK_THAT(again.out, Catch::Contains("0 added, 0 updated"));
        CHECK(comparable(list(db, "--source-type cmip6")) == comparable(rows));
    });
}

TEST_CASE("SQLite and PostgreSQL end with identical dataset tables", "[ingest]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::ScratchDatabase sqlite(store::Dialect::Sqlite);
    test::ScratchDatabase postgres(store::Dialect::Postgres);
    if (!postgres.available()) {
        test::skip_test("no PostgreSQL test server; run the tests through ctest");
        return;
    }
    for (const auto* db : {&sqlite, &postgres})
        REQUIRE(ref_engine(*db, "datasets ingest --source-type cmip6 " + (tree.root / "CMIP6").string()).exit_code == 0);
    CHECK(comparable(list(sqlite, "--source-type cmip6")) == comparable(list(postgres, "--source-type cmip6")));
    CHECK(list(sqlite, "--source-type cmip6 --include-files --column instance_id --column path --column start_time --column end_time") ==
          list(postgres, "--source-type cmip6 --include-files --column instance_id --column path --column start_time --column end_time"));
}

TEST_CASE("a new version supersedes the old one and retraction brings it back", "[ingest]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    const auto& rsut = tree.dataset("rsut-historical");
    const fs::path old_dir = fs::path(rsut.files.front().path).parent_path();
    const fs::path new_dir = old_dir.parent_path() / "v20250101";
    fs::create_directories(new_dir);
    fs::copy_file(rsut.files.front().path, new_dir / fs::path(rsut.files.front().path).filename());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        REQUIRE(ref_engine(db, "datasets ingest --source-type cmip6 " + (tree.root / "CMIP6").string()).exit_code == 0);
        auto versions = [&](const std::string& extra) {
            std::vector<std::string> out;
            for (const auto& r : list(db, "--source-type cmip6 --column instance_id --column version " + extra))
                if (r["instance_id"].get<std::string>().find(".rsut.") != std::string::npos) out.push_back(r["version"]);
            return out;
        };
        CHECK(versions("") == std::vector<std::string>{"v20250101"});
        CHECK(versions("--include-retracted") == std::vector<std::string>{"v20240101", "v20250101"});
        const std::string newest = "CMIP6.CMIP.REF-SYN.REFSYN-1-0.historical.r1i1p1f1.Amon.rsut.gn.v20250101";
        CHECK(ref_engine(db, "datasets retract " + newest).exit_code == 0);
        CHECK(versions("") == std::vector<std::string>{"v20240101"});
        CHECK(ref_engine(db, "datasets retract " + newest).exit_code == 0);  // repeating is a no-op
        CHECK(ref_engine(db, "datasets unretract " + newest).exit_code == 0);
        CHECK(versions("") == std::vector<std::string>{"v20250101"});
        const auto unknown = ref_engine(db, "datasets retract CMIP6.no.such.dataset");
        CHECK(unknown.exit_code == 1);
        CHECK_THAT(unknown.err, Catch::Contains("no dataset is called"));
    });
}

TEST_CASE("new files of a dataset are added to it", "[ingest]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    const auto& tas = tree.dataset("tas-historical");
    test::for_each_backend([&](test::ScratchDatabase& db) {
        // First only the first file (a file root is accepted), then the whole folder.
        const auto one = ref_engine(db, "datasets ingest --source-type cmip6 " + tas.files.front().path.string());
        REQUIRE(one.exit_code == 0);
        CHECK_THAT(one.out, Catch::Contains("1 created"));
        const auto all = ref_engine(db, "datasets ingest --source-type cmip6 " +
                                            fs::path(tas.files.front().path).parent_path().string());
        REQUIRE(all.exit_code == 0);
        CHECK_THAT(all.out, Catch::Contains("0 created, 1 updated"));
        CHECK_THAT(all.out, Catch::Contains(std::to_string(tas.files.size() - 1) + " added"));
    });
}

TEST_CASE("a drs ingest followed by a complete one equals a complete ingest", "[ingest]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    const std::string root = (tree.root / "CMIP6").string();
    test::ScratchDatabase two_phase(store::Dialect::Sqlite);
    test::ScratchDatabase complete(store::Dialect::Sqlite);
    const auto drs = ref_engine(two_phase, "datasets ingest --parser drs --source-type cmip6 " + root);
    INFO(drs.out << drs.err);
    REQUIRE(drs.exit_code == 0);
    for (const auto& row : list(two_phase, "--source-type cmip6")) CHECK(row["finalised"] == 0);
    REQUIRE(ref_engine(two_phase, "datasets ingest --source-type cmip6 " + root).exit_code == 0);
    REQUIRE(ref_engine(complete, "datasets ingest --source-type cmip6 " + root).exit_code == 0);
    CHECK(comparable(list(two_phase, "--source-type cmip6")) == comparable(list(complete, "--source-type cmip6")));
    const std::string files = "--source-type cmip6 --include-files --column instance_id --column path --column start_time --column end_time";
    CHECK(list(two_phase, files) == list(complete, files));
}

TEST_CASE("bad files are reported one by one and every good dataset is still registered", "[ingest]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    const fs::path victim = tree.dataset("rsut-historical").files.front().path;
    fs::resize_file(victim, fs::file_size(victim) / 3);
    const fs::path text = fs::path(tree.dataset("tas-historical").files.front().path).parent_path() / "notes.nc";
    std::ofstream(text) << "these are notes, not netCDF\n";
    test::for_each_backend([&](test::ScratchDatabase& db) {
        const auto r = ref_engine(db, "datasets ingest --source-type cmip6 " + (tree.root / "CMIP6").string() + " " +
                                          (data.path() / "no-such-folder").string());
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.out, Catch::Contains(victim.string() + ":"));
        CHECK_THAT(r.out, Catch::Contains(text.string() + ":"));
        CHECK_THAT(r.out, Catch::Contains("no-such-folder"));
        const json rows = list(db, "--source-type cmip6 --column instance_id");
        bool has_tas = false, has_rsut = false;
        for (const auto& row : rows) {
            has_tas |= row["instance_id"] == tree.dataset("tas-historical").files.front().instance_id;
            has_rsut |= row["instance_id"] == tree.dataset("rsut-historical").files.front().instance_id;
        }
        CHECK(has_tas);
        CHECK_FALSE(has_rsut);  // its only file is broken
    });
}

TEST_CASE("a database that cannot be reached is one clear error without the password", "[ingest]") {
    test::TempDir data;
    const auto r = test::run_command("REF_DATABASE_URL='postgresql://ref:hunter2@127.0.0.1:1/ref' " +
                                     test::engine_program().string() + " datasets ingest --source-type cmip6 " +
                                     data.path().string());
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("cannot connect to PostgreSQL"));
    CHECK_THAT(r.err, !Catch::Contains("hunter2"));
}

TEST_CASE("parsing in several processes gives the same catalog as one", "[ingest]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::ScratchDatabase serial(store::Dialect::Sqlite);
    test::ScratchDatabase parallel(store::Dialect::Sqlite);
    REQUIRE(ref_engine(serial, "datasets ingest --source-type cmip6 " + (tree.root / "CMIP6").string()).exit_code == 0);
    REQUIRE(ref_engine(parallel, "datasets ingest --n-jobs 2 --source-type cmip6 " + (tree.root / "CMIP6").string()).exit_code == 0);
    CHECK(comparable(list(serial, "--source-type cmip6")) == comparable(list(parallel, "--source-type cmip6")));
}

TEST_CASE("the 34 sample files form 33 datasets", "[ingest][sample-data]") {
    const fs::path root = sample_data() / "CMIP6";
    if (!fs::is_directory(root)) {
        test::skip_test("the CMIP6 sample data is not at " + root.string());
        return;
    }
    test::for_each_backend([&](test::ScratchDatabase& db) {
        const auto r = ref_engine(db, "datasets ingest --n-jobs 2 --source-type cmip6 " + root.string());
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        CHECK_THAT(r.out, Catch::Contains("34 file(s) found, 0 invalid"));
        CHECK_THAT(r.out, Catch::Contains("33 created"));
        CHECK(list(db, "--source-type cmip6").size() == 33);
        const json files = list(db, "--source-type cmip6 --include-files --column instance_id --column path");
        CHECK(files.size() == 34);
    });
}

TEST_CASE("every source type of the generated tree registers on both backends", "[ingest]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    const std::vector<std::pair<std::string, std::string>> types{
        {"cmip7", "CMIP7"}, {"obs4mips", "obs4MIPs"}, {"obs4ref", "obs4REF"},
        {"pmp-climatology", "PMPClimatology"}, {"esmvaltool-reference", "ESMValToolReference"}};
    test::for_each_backend([&](test::ScratchDatabase& db) {
        for (const auto& [type, project] : types) {
            INFO(type);
            const auto r = ref_engine(db, "datasets ingest --source-type " + type + " " + tree.directory_of(project).string());
            INFO(r.out << r.err);
            CHECK(r.exit_code == 0);
            std::set<std::string> expected;
            for (const auto& f : tree.files_of(project)) expected.insert(f.instance_id);
            std::set<std::string> listed;
            for (const auto& row : list(db, "--source-type " + type + " --column instance_id")) listed.insert(row["instance_id"]);
            CHECK(listed == expected);
        }
    });
}

TEST_CASE("a CSV catalog registers the same datasets as the files it lists", "[ingest][catalog]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::ScratchDatabase from_files(store::Dialect::Sqlite);
    REQUIRE(ref_engine(from_files, "datasets ingest --source-type cmip6 " + (tree.root / "CMIP6").string()).exit_code == 0);

    // The listing with one row per file is a catalog in the intake-esm shape; make its paths relative to {data_dir}.
    auto exported = ref_engine(from_files, "datasets list --source-type cmip6 --include-files --format csv --limit 100000");
    REQUIRE(exported.exit_code == 0);
    std::string csv = exported.out;
    for (auto at = csv.find(tree.root.string()); at != std::string::npos; at = csv.find(tree.root.string(), at))
        csv.replace(at, tree.root.string().size(), "{data_dir}");
    const fs::path catalog = data.path() / "catalog.csv";
    std::ofstream(catalog) << csv;

    test::for_each_backend([&](test::ScratchDatabase& db) {
        const auto r = ref_engine(db, "datasets ingest --source-type cmip6 --catalog " + catalog.string() +
                                          " --set data_dir=" + tree.root.string());
        INFO(r.out << r.err);
        REQUIRE(r.exit_code == 0);
        const std::string files = "--source-type cmip6 --include-files --column instance_id --column path --column start_time --column end_time";
        CHECK(list(db, files) == list(from_files, files));
        CHECK(comparable(list(db, "--source-type cmip6")) == comparable(list(from_files, "--source-type cmip6")));
    });

    // In chunks of one row, a dataset's adjacent rows still register together: created once,
    // never "updated" by its own later rows.
    test::ScratchDatabase chunked(store::Dialect::Sqlite);
    const auto r = ref_engine(chunked, "datasets ingest --chunk-size 1 --source-type cmip6 --catalog " + catalog.string() +
                                           " --set data_dir=" + tree.root.string());
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("0 updated"));
    CHECK_THAT(r.err, !Catch::Contains("not found this time"));
}

TEST_CASE("a bad catalog row is reported by line and a catalog without its columns is refused", "[ingest][catalog]") {
    test::TempDir data;
    const fs::path good = data.path() / "good.csv";
    std::ofstream(good) << "path,activity_id,institution_id,source_id,experiment_id,member_id,table_id,variable_id,grid_label,version,variant_label,start_time,end_time\n"
                        << "/archive/a/tas_1.nc,CMIP,INST,MODEL,historical,r1i1p1f1,Amon,tas,gn,v20200101,r1i1p1f1,2000-01-16 12:00:00,2000-12-16 12:00:00\n"
                        << "/archive/a/tas_2.nc,CMIP,INST,MODEL,historical,r1i1p1f1,Amon,tas,gn,v20200101,r1i1p1f1\n"
                        << "relative/tas_3.nc,CMIP,INST,MODEL,historical,r1i1p1f1,Amon,tas,gn,v20200101,r1i1p1f1,,\n"
                        << "/archive/b/pr_1.nc,CMIP,INST,MODEL,historical,r1i1p1f1,Amon,pr,gn,v20200101,r1i1p1f1,2000-01-16 12:00:00,\"2000-12-16 12:00:00\"\n";
    const fs::path missing = data.path() / "missing.csv";
    std::ofstream(missing) << "file,source_id\n/archive/x.nc,MODEL\n";
    test::for_each_backend([&](test::ScratchDatabase& db) {
        const auto r = ref_engine(db, "datasets ingest --source-type cmip6 --catalog " + good.string());
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.out, Catch::Contains("good.csv:3: expected 13 fields, found 11"));
        CHECK_THAT(r.out, Catch::Contains("good.csv:4: path 'relative/tas_3.nc' is not absolute"));
        CHECK_THAT(r.out, Catch::Contains("2 created"));
        CHECK(list(db, "--source-type cmip6").size() == 2);

        const auto refused = ref_engine(db, "datasets ingest --source-type cmip6 --catalog " + missing.string());
        CHECK(refused.exit_code == 1);
        CHECK_THAT(refused.out, Catch::Contains("lacks the column(s) path, activity_id"));
    });
}

TEST_CASE("ingesting in small chunks gives the same catalog and counts each dataset once", "[ingest]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::ScratchDatabase whole(store::Dialect::Sqlite);
    test::ScratchDatabase chunked(store::Dialect::Sqlite);
    const auto a = ref_engine(whole, "datasets ingest --source-type cmip6 " + (tree.root / "CMIP6").string());
    const auto b = ref_engine(chunked, "datasets ingest --chunk-size 1 --source-type cmip6 " + (tree.root / "CMIP6").string());
    REQUIRE(a.exit_code == 0);
    REQUIRE(b.exit_code == 0);
    CHECK(a.out == b.out);  // the same summary: a dataset is created once, not "created, then updated"
    CHECK(comparable(list(whole, "--source-type cmip6")) == comparable(list(chunked, "--source-type cmip6")));
}

TEST_CASE("a dataset that cannot be registered is rolled back alone", "[ingest]") {
    test::TempDir data;
    const auto tree = datagen::generate_default_tree(data.path());
    test::for_each_backend([&](test::ScratchDatabase& db) {
        const std::string obs = tree.directory_of("obs4MIPs").string();
        REQUIRE(ref_engine(db, "datasets ingest --source-type obs4mips " + obs).exit_code == 0);
        // As a PMP climatology the obs4MIPs file gets the same slug, already taken by another type.
        const auto r = ref_engine(db, "datasets ingest --source-type pmp-climatology " + obs + " " +
                                          tree.directory_of("PMPClimatology").string());
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.out, Catch::Contains("1 created, 0 updated, 0 unchanged, 1 failed"));
        CHECK_THAT(r.out, Catch::Contains("is already registered as a obs4MIPs dataset"));
        CHECK(list(db, "--source-type pmp-climatology").size() == 1);
        CHECK(list(db, "--source-type obs4mips").size() == 1);
    });
}

TEST_CASE("a dataset whose files differ only where one is NULL is refused and the others still register", "[ingest][catalog]") {
    test::TempDir data;
    const fs::path catalog = data.path() / "catalog.csv";
    // tas: the second file has no units, which grouping accepts but registration does not.
    std::ofstream(catalog) << "path,activity_id,institution_id,source_id,experiment_id,member_id,table_id,variable_id,grid_label,version,variant_label,units\n"
                           << "/archive/a/tas_1.nc,CMIP,INST,MODEL,historical,r1i1p1f1,Amon,tas,gn,v20200101,r1i1p1f1,K\n"
                           << "/archive/a/tas_2.nc,CMIP,INST,MODEL,historical,r1i1p1f1,Amon,tas,gn,v20200101,r1i1p1f1,\n"
                           << "/archive/b/pr_1.nc,CMIP,INST,MODEL,historical,r1i1p1f1,Amon,pr,gn,v20200101,r1i1p1f1,kg m-2 s-1\n"
                           << "/archive/c/ts_1.nc,CMIP,INST,MODEL,historical,r1i1p1f1,Amon,ts,gn,v20200101,r1i1p1f1,K\n";
    test::for_each_backend([&](test::ScratchDatabase& db) {
        const auto r = ref_engine(db, "datasets ingest --source-type cmip6 --catalog " + catalog.string());
        INFO(r.out << r.err);
        CHECK(r.exit_code == 1);
        CHECK_THAT(r.out, Catch::Contains("2 created, 0 updated, 0 unchanged, 1 failed"));
        CHECK_THAT(r.out, Catch::Contains("CMIP6.CMIP.INST.MODEL.historical.r1i1p1f1.Amon.tas.gn.v20200101: not registered: "
                                          "the files of CMIP6.CMIP.INST.MODEL.historical.r1i1p1f1.Amon.tas.gn.v20200101 "
                                          "disagree on dataset-level metadata"));
        CHECK(list(db, "--source-type cmip6").size() == 2);
    });
}
