#include "wellness/shipped_files.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

struct ScratchTree {
    fs::path root;
    ScratchTree() {
        std::string pattern = (fs::temp_directory_path() / "shipped-files-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr)
            throw std::runtime_error("mkdtemp failed");
        root = pattern;
    }
    ~ScratchTree() {
        std::error_code ignored;
        fs::remove_all(root, ignored);
    }
};

} // namespace

TEST_CASE("a program run from its build tree uses the source tree's files",
          "[core][shipped-files]") {
    ScratchTree tree;
    const auto build = tree.root / "build";
    fs::create_directories(build / "station-server");
    CHECK(wellness::shipped_files_dir(build / "station-server" / "station-server", build,
                                      tree.root / "src" / "web", "../share/wellness-station/web") ==
          tree.root / "src" / "web");
}

TEST_CASE("an installed program uses the files installed beside it, not the source tree's",
          "[core][shipped-files]") {
    ScratchTree tree;
    const auto build = tree.root / "build";
    const auto source_web = tree.root / "src" / "web";
    fs::create_directories(build);
    fs::create_directories(source_web);
    fs::create_directories(tree.root / "usr" / "bin");
    CHECK(wellness::shipped_files_dir(tree.root / "usr" / "bin" / "station-server", build,
                                      source_web, "../share/wellness-station/web") ==
          tree.root / "usr" / "share" / "wellness-station" / "web");
}

TEST_CASE("a program reached through a symbolic link into the build tree counts as in the build "
          "tree",
          "[core][shipped-files]") {
    ScratchTree tree;
    const auto build = tree.root / "build";
    fs::create_directories(build / "kiosk");
    fs::create_directories(tree.root / "bin");
    const auto program = build / "kiosk" / "wellness-kiosk";
    { std::ofstream(program.string()) << "program"; }
    fs::create_symlink(program, tree.root / "bin" / "wellness-kiosk");
    CHECK(wellness::shipped_files_dir(
              tree.root / "bin" / "wellness-kiosk", build, tree.root / "src" / "content",
              "../share/wellness-kiosk/content") == tree.root / "src" / "content");
}

TEST_CASE("the running test program is found, inside the build tree", "[core][shipped-files]") {
    const auto program = wellness::running_program();
    REQUIRE_FALSE(program.empty());
    CHECK(fs::exists(program));
    CHECK(wellness::shipped_files_dir(program, WELLNESS_BUILD_TREE, "source", "../installed") ==
          "source");
}
