#include "soft_tone.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace wellness::kiosk {

namespace {
constexpr double tone_seconds = 0.6;
constexpr double fade_seconds = 0.15;
constexpr double loudness = 0.12; // soft
} // namespace

bool SoftTone::open() {
    if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        return false;
    }
    SDL_AudioSpec wanted{};
    wanted.freq = 48000;
    wanted.format = AUDIO_F32SYS;
    wanted.channels = 1;
    wanted.samples = 1024;
    wanted.callback = &SoftTone::fill;
    wanted.userdata = this;
    SDL_AudioSpec got{};
    device_ = SDL_OpenAudioDevice(nullptr, 0, &wanted, &got, SDL_AUDIO_ALLOW_FREQUENCY_CHANGE);
    if (device_ == 0) {
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
        return false;
    }
    sample_rate_ = got.freq;
    SDL_PauseAudioDevice(device_, 0);
    return true;
}

void SoftTone::close() {
    if (device_ != 0) {
        SDL_CloseAudioDevice(device_);
        device_ = 0;
        SDL_QuitSubSystem(SDL_INIT_AUDIO);
    }
}

void SoftTone::play(double frequency_hz) {
    if (device_ == 0) {
        return;
    }
    SDL_LockAudioDevice(device_);
    frequency_ = frequency_hz;
    phase_ = 0;
    sample_ = 0;
    samples_total_ = static_cast<int>(tone_seconds * sample_rate_);
    SDL_UnlockAudioDevice(device_);
}

void SoftTone::fill(void* self, Uint8* stream, int length) {
    auto& tone = *static_cast<SoftTone*>(self);
    auto* out = reinterpret_cast<float*>(stream);
    const int count = length / static_cast<int>(sizeof(float));
    const int fade = static_cast<int>(fade_seconds * tone.sample_rate_);
    for (int i = 0; i < count; ++i) {
        float value = 0;
        if (tone.sample_ < tone.samples_total_) {
            const int left = tone.samples_total_ - tone.sample_;
            const double envelope = std::min(
                {1.0, static_cast<double>(tone.sample_) / fade, static_cast<double>(left) / fade});
            value = static_cast<float>(loudness * envelope * std::sin(tone.phase_));
            tone.phase_ += 2 * std::numbers::pi * tone.frequency_ / tone.sample_rate_;
            ++tone.sample_;
        }
        out[i] = value;
    }
}

} // namespace wellness::kiosk
