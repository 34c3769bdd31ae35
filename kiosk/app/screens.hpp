#pragma once

// One small class per screen. Draw() reads the flow's state and records the person's intents
// in the UiContext; no IO, no state of its own that outlives a frame.

#include "ui_kit.hpp"
#include "urgent_contacts.hpp"

namespace wellness::kiosk {

// What Attract shows at a moment, in the steps it is drawn in (the circle's radius in whole
// pixels, the line's opacity in 64ths): two moments with the same picture give the same
// pixels, so the main loop draws a frame only when the picture changes.
struct AttractPicture {
    int radius_px = 0;
    int text_alpha_64ths = 0;
    std::string locale;
    bool operator==(const AttractPicture&) const = default;
};
AttractPicture attract_picture(const Flow& flow, const Layout& layout, MonotonicMs now);

class AttractScreen {
  public:
    void Draw(UiContext& ui);
};

class HomeScreen {
  public:
    void Draw(UiContext& ui);
};

class BreatheScreen {
  public:
    void Draw(UiContext& ui);

  private:
    void DrawChooseExercise(UiContext& ui);
    void DrawChooseLength(UiContext& ui);
    void DrawRunning(UiContext& ui);
    void DrawFinished(UiContext& ui);
};

// The optional stress rating before and after a session: the content's question, the ratings
// as big targets (0 to 10, or five faces), its two end labels, and Skip.
class RatingScreen {
  public:
    void Draw(UiContext& ui);

  private:
    void DrawScale(UiContext& ui, float top, float bottom);
    void DrawFaces(UiContext& ui, float top, float bottom);
};

// "7 → 4": a person's own change, shown on the session's end screen until Done.
std::string rating_change_text(const Flow& flow);

class CheckinScreen {
  public:
    void Draw(UiContext& ui);

  private:
    void DrawLevels(UiContext& ui);
    void DrawTopics(UiContext& ui);
    void DrawSuggestions(UiContext& ui);
};

// A topic card opened from the suggestions (its title, its text, its take-home QR), or a
// peer-support team's "someone to talk to" card (its description, its on-call number in large
// text with a QR to text it).
class CardScreen {
  public:
    void Draw(UiContext& ui);

  private:
    void DrawTopicCard(UiContext& ui);
    void DrawPeerSupport(UiContext& ui);
};

class TalkScreen {
  public:
    void Draw(UiContext& ui);

  private:
    void DrawList(UiContext& ui);
    void DrawProvider(UiContext& ui);
};

class UrgentScreen {
  public:
    void Draw(UiContext& ui);
};

class MaintenanceScreen {
  public:
    void Draw(UiContext& ui);
};

class StillThereOverlay {
  public:
    // Drawn over the screen while the flow asks "Still there?": any touch keeps the visit.
    void Draw(UiContext& ui);
};

// Draws contact cards (name, description, each number as a QR with the number in large text)
// as a block from the cursor. Returns the height used.
float draw_contacts(UiContext& ui, const std::vector<UrgentContact>& contacts, float width);
// The crisis lines as cards; the most serious check-in level's suggestions start with them.
float draw_crisis_lines(UiContext& ui, float width);
// Side of a contact's QR code.
float contact_qr_side(const Layout& layout);

// The breathing circle: `fullness` 0 (empty lungs) to 1 (full), its radius from
// `min_radius` to `max_radius` (a third of it when min_radius is 0).
void draw_breathing_circle(UiContext& ui, ImVec2 centre, float max_radius, float fullness,
                           float min_radius = 0);
// The fill of the circle's disc, where the phase label sits.
ImU32 breathing_circle_fill(const Palette& palette);

} // namespace wellness::kiosk
