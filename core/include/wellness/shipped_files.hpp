#pragma once

#include <filesystem>

namespace wellness {

// Where a program finds the files shipped with it (the station's web pages, the default
// content). Run from its build tree it uses the source tree's copy, so an edit shows without
// installing. Installed, it uses only the copy installed with it, found relative to its own
// location: a package built from any tree with any install prefix finds its own files and
// never those of the machine that built it, and a file missing from a package is noticed.
//   program: the running executable; build_tree: the CMake binary directory;
//   source_dir: the files in the source tree; installed_from_bindir: the installed copy,
//   relative to the directory that holds the installed program.
std::filesystem::path shipped_files_dir(const std::filesystem::path& program,
                                        const std::filesystem::path& build_tree,
                                        const std::filesystem::path& source_dir,
                                        const std::filesystem::path& installed_from_bindir);

// The executable of this process (/proc/self/exe), or an empty path when the kernel does not say.
std::filesystem::path running_program();

} // namespace wellness
