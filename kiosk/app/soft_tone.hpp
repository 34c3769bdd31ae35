#pragma once

// A soft tone at breathing phase changes: a generated sine with a gentle fade in and out, no
// audio asset. Opening the audio device may fail (no sound card); the kiosk then stays silent.

#include <SDL.h>

namespace wellness::kiosk {

class SoftTone {
  public:
    SoftTone() = default;
    ~SoftTone() { close(); }
    SoftTone(const SoftTone&) = delete;
    SoftTone& operator=(const SoftTone&) = delete;

    bool open();
    void close();
    bool is_open() const { return device_ != 0; }
    void play(double frequency_hz);

  private:
    static void fill(void* self, Uint8* stream, int length);

    SDL_AudioDeviceID device_ = 0;
    int sample_rate_ = 48000;
    // Touched by the audio thread; changed only under SDL_LockAudioDevice.
    double frequency_ = 0;
    double phase_ = 0;
    int sample_ = 0;
    int samples_total_ = 0;
};

} // namespace wellness::kiosk
