// Map PNGs: the file is a PNG of the documented size, one panel per map.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>

#include "ref/datagen/temp_dir.hpp"
#include "ref/science/map_plot.hpp"
#include "ref/science/plot.hpp"

using namespace ref::science;

namespace {

std::uint32_t big_endian(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

// Width and height from the PNG's IHDR chunk.
std::pair<std::uint32_t, std::uint32_t> png_size(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char header[24] = {};
    in.read(reinterpret_cast<char*>(header), sizeof header);
    REQUIRE(in.good());
    REQUIRE(header[1] == 'P');
    REQUIRE(header[2] == 'N');
    REQUIRE(header[3] == 'G');
    return {big_endian(header + 16), big_endian(header + 20)};
}

MapPlot sample_map() {
    MapPlot p;
    p.title = "sample";
    p.units = "K";
    for (double la = 85; la > -90; la -= 10) p.lat.push_back(la);  // north first
    for (double lo = -175; lo < 180; lo += 10) p.lon.push_back(lo);
    for (const double la : p.lat)
        for (const double lo : p.lon) p.values.push_back(lo > 0 && lo < 40 ? NAN : la + 0.1 * lo);
    return p;
}

}  // namespace

TEST_CASE("map plots are PNGs with one 900x520 panel per map") {
    const ref::datagen::TemporaryDirectory dir;
    write_map_plot((dir / "one.png").string(), sample_map());
    CHECK(png_size(dir / "one.png") == std::pair<std::uint32_t, std::uint32_t>{900, 520});
    MapPlot signed_map = sample_map();
    signed_map.diverging = true;
    signed_map.values.assign(signed_map.values.size(), NAN);  // all missing: blank, still drawn
    write_map_panels((dir / "three.png").string(), {sample_map(), sample_map(), signed_map});
    CHECK(png_size(dir / "three.png") == std::pair<std::uint32_t, std::uint32_t>{900, 1560});
    MapPlot bad = sample_map();
    bad.values.pop_back();
    CHECK_THROWS_AS(write_map_plot((dir / "bad.png").string(), bad), std::invalid_argument);
    CHECK_FALSE(std::filesystem::exists(dir / "bad.png"));
}

TEST_CASE("bar charts are 900x500 PNGs and refuse labels without values") {
    const ref::datagen::TemporaryDirectory dir;
    write_bar_chart((dir / "bars.png").string(), {"bars", "K", {"a", "b", "c"}, {1.5, -0.5, NAN}});
    CHECK(png_size(dir / "bars.png") == std::pair<std::uint32_t, std::uint32_t>{900, 500});
    CHECK_THROWS_AS(write_bar_chart((dir / "bad.png").string(), {"bad", "K", {"a", "b"}, {1.0}}), std::runtime_error);
    CHECK_FALSE(std::filesystem::exists(dir / "bad.png"));
}
