#pragma once

// One small class per screen. Draw() reads the flow's state and records the person's intents
// in the UiContext; no IO, no state of its own that outlives a frame.

#include "ui_kit.hpp"

namespace wellness::kiosk {

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

class CheckinScreen {
  public:
    void Draw(UiContext& ui);

  private:
    void DrawLevels(UiContext& ui);
    void DrawTopics(UiContext& ui);
    void DrawSuggestions(UiContext& ui);
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

// Draws the crisis lines as a block from the cursor; shared by Urgent and the most serious
// check-in level's suggestions. Returns the height used.
float draw_crisis_lines(UiContext& ui, float width);

// The breathing circle: `fullness` 0 (empty lungs) to 1 (full).
void draw_breathing_circle(UiContext& ui, ImVec2 centre, float max_radius, float fullness);

} // namespace wellness::kiosk
