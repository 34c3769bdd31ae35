// A disk that stops taking writes, as a full or failing one does: RLIMIT_FSIZE makes every
// write past a file's first byte fail in this process (as root, permissions would not); and a
// real small filesystem (a 4 MiB tmpfs, mounted as root) filled to its last byte.

#include "station_fixture.hpp"

#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sys/mount.h>
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

// A 4 MiB tmpfs mounted on a fresh directory for as long as this lives.
class SmallFilesystem {
  public:
    SmallFilesystem() {
        std::filesystem::create_directories(dir_.path() / "fs");
        if (::mount("tmpfs", mount_point().c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                    "size=4m,mode=0700") != 0)
            FAIL("mounting a 4 MiB tmpfs needs root (CI and scripts/test.sh run as root): "
                 << std::strerror(errno));
    }
    ~SmallFilesystem() { ::umount2(mount_point().c_str(), MNT_DETACH); }
    SmallFilesystem(const SmallFilesystem&) = delete;
    SmallFilesystem& operator=(const SmallFilesystem&) = delete;
    std::filesystem::path mount_point() const { return dir_.path() / "fs"; }

    // Writes a file until the filesystem has no byte left.
    void fill() {
        std::ofstream filler(mount_point() / "filler", std::ios::binary);
        const std::string block(4096, 'x');
        for (int i = 0; i < 2048 && filler.write(block.data(), block.size()); ++i)
            filler.flush();
        REQUIRE_FALSE(filler.good());
    }
    void make_room() { std::filesystem::remove(mount_point() / "filler"); }

  private:
    TempDir dir_;
};

} // namespace

TEST_CASE("A station stopped on a full filesystem starts again once there is room, with nothing "
          "lost or doubled",
          "[station][disk]") {
    SmallFilesystem disk;
    const auto data = disk.mount_point() / "station";
    std::filesystem::create_directories(data);
    TestStation station({}, data);
    const std::string kiosk = station.kiosk_token("room 1");
    const Json before = visit_batch(new_batch_id(), "2026-W45", 7);
    REQUIRE(station.post("/api/v1/kiosk/counts", before, kiosk).json()["status"] == "applied");

    disk.fill();
    const Json during = visit_batch(new_batch_id(), "2026-W46", 9);
    const Reply refused = station.post("/api/v1/kiosk/counts", during, kiosk);
    CHECK(refused.status >= 500); // the kiosk keeps it and sends it again
    CHECK(station.get("/healthz").status == 503);
    station.stop(); // a clean stop on a full disk

    disk.make_room();
    station.restart();
    CHECK(station.get("/healthz").status == 200);
    CHECK(station.post("/api/v1/kiosk/counts", before, kiosk).json()["status"] == "duplicate");
    CHECK(station.post("/api/v1/kiosk/counts", during, kiosk).json()["status"] == "applied");
    CHECK(stored_visits(station, "2026-W45") == 7);
    CHECK(stored_visits(station, "2026-W46") == 9);
    // The write-ahead log is checkpointed well before it could fill a small disk again.
    CHECK(std::filesystem::file_size(data / "station.sqlite3-wal") < 4 * 1024 * 1024);
}

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

TEST_CASE("An admin signs in while the disk takes no writes, and signing out ends that session",
          "[station][disk]") {
    TestStation station;
    const std::string earlier = station.admin_token(); // the admin exists, with an ended session
    station.now += 9 * 3600;
    std::string token;
    {
        NoRoomOnDisk full;
        const Reply signed_in =
            station.post("/api/v1/admin/session",
                         {{"username", "alice"}, {"password", TestStation::admin_password}});
        INFO(signed_in.body);
        REQUIRE(signed_in.status == 200);
        token = signed_in.json()["token"].get<std::string>();
        // Enough to see what is wrong: the kiosks, the station's health.
        CHECK(station.get("/api/v1/admin/kiosks", token).status == 200);
        CHECK(station.get("/healthz").status == 503);
        CHECK(station.get("/api/v1/admin/kiosks", earlier).status == 401);
        CHECK(station.del("/api/v1/admin/session", token).status == 204);
        CHECK(station.get("/api/v1/admin/kiosks", token).status == 401);
    }
    const Reply again =
        station.post("/api/v1/admin/session",
                     {{"username", "alice"}, {"password", TestStation::admin_password}});
    REQUIRE(again.status == 200);
    CHECK(station.get("/api/v1/admin/kiosks", again.json()["token"].get<std::string>()).status ==
          200);
}
