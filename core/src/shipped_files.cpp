#include "wellness/shipped_files.hpp"

#include <system_error>

namespace wellness {

namespace {

std::filesystem::path resolved(const std::filesystem::path& path) {
    std::error_code error;
    auto canonical = std::filesystem::weakly_canonical(path, error);
    return error ? path.lexically_normal() : canonical;
}

bool is_inside(const std::filesystem::path& path, const std::filesystem::path& directory) {
    const auto relative = path.lexically_relative(directory);
    return !relative.empty() && *relative.begin() != "..";
}

} // namespace

std::filesystem::path shipped_files_dir(const std::filesystem::path& program,
                                        const std::filesystem::path& build_tree,
                                        const std::filesystem::path& source_dir,
                                        const std::filesystem::path& installed_from_bindir) {
    const auto program_path = resolved(program);
    if (program.empty() || is_inside(program_path, resolved(build_tree)))
        return source_dir;
    return (program_path.parent_path() / installed_from_bindir).lexically_normal();
}

std::filesystem::path running_program() {
    std::error_code error;
    auto program = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::filesystem::path{} : program;
}

} // namespace wellness
