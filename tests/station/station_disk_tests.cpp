// A disk that stops taking writes, as a full or failing one does: RLIMIT_FSIZE makes every
// write past a file's first byte fail in this process (as root, permissions would not).

#include "station_fixture.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <sys/resource.h>

using namespace station_test;

namespace {

// Until destroyed, no file of this process may grow past one byte.
class NoRoomOnDisk {
  public:
    NoRoomOnDisk() {
        REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved_) == 0);
        previous_ = std::signal(SIGXFSZ, SIG_IGN); // the write fails with EFBIG instead
        rlimit tiny = saved_;
        tiny.rlim_cur = 1;
        REQUIRE(::setrlimit(RLIMIT_FSIZE, &tiny) == 0);
    }
    ~NoRoomOnDisk() {
        ::setrlimit(RLIMIT_FSIZE, &saved_);
        std::signal(SIGXFSZ, previous_);
    }
    NoRoomOnDisk(const NoRoomOnDisk&) = delete;
    NoRoomOnDisk& operator=(const NoRoomOnDisk&) = delete;

  private:
    rlimit saved_{};
    void (*previous_)(int) = nullptr;
};

} // namespace

TEST_CASE("/healthz says 503 while the disk takes no writes; a kiosk still gets its content",
          "[station][disk]") {
    TestStation station;
    const std::string kiosk = station.kiosk_token();
    REQUIRE(station.get("/healthz").status == 200);
    {
        NoRoomOnDisk full;
        const Reply health = station.get("/healthz");
        CHECK(health.status == 503);
        CHECK(health.json()["status"] == "storage_failing");
        // Recording the kiosk's contact fails; the content it asked for does not.
        const Reply manifest = station.get("/api/v1/kiosk/content", kiosk);
        CHECK(manifest.status == 200);
        CHECK(manifest.json().contains("document"));
    }
    CHECK(station.get("/healthz").status == 200); // once there is room again
    bool warned = false;
    for (const auto& line : station.log_lines())
        warned = warned || line.find("could not record a kiosk's contact") != std::string::npos;
    CHECK(warned);
}
