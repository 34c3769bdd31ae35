// ISO weeks as the station counts them: a week belongs to the year and the month of its
// Thursday. Labels are always written "2026-W47", whatever the browser's locale.

const DAY = 86400000;

// The Monday (UTC midnight) of an ISO week label, or null when the label is not a real week.
export function mondayOf(label) {
  const match = /^(\d{4})-W(\d{2})$/.exec(label);
  if (!match) return null;
  const year = Number(match[1]);
  const week = Number(match[2]);
  const jan4 = Date.UTC(year, 0, 4);
  const jan4Day = new Date(jan4).getUTCDay() || 7;
  const monday = jan4 - (jan4Day - 1) * DAY + (week - 1) * 7 * DAY;
  if (week < 1 || weekOf(new Date(monday)) !== label) return null;
  return monday;
}

// The ISO week of a UTC instant (a Date or milliseconds).
export function weekOf(instant) {
  const d = new Date(instant);
  const day = d.getUTCDay() || 7;
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) + (4 - day) * DAY;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

// The week of the browser's local calendar day, as a person reads "this week".
export function localWeekOf(date) {
  return weekOf(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()));
}

export function plusWeeks(label, weeks) {
  return weekOf(mondayOf(label) + weeks * 7 * DAY);
}

// Typed weeks are forgiving about case and the dash ("2026w47", " 2026-W47 "); anything else,
// or a week number the year does not have, gives null.
export function parseWeek(text) {
  const match = /^\s*(\d{4})-?[wW](\d{1,2})\s*$/.exec(String(text));
  if (!match) return null;
  const label = `${match[1]}-W${match[2].padStart(2, '0')}`;
  return mondayOf(label) === null ? null : label;
}

export function monthOf(label) {
  const thursday = new Date(mondayOf(label) + 3 * DAY);
  return `${thursday.getUTCFullYear()}-${String(thursday.getUTCMonth() + 1).padStart(2, '0')}`;
}

export function yearOf(label) {
  return label.slice(0, 4);
}

export function weeksBetween(from, to) {
  const weeks = [];
  for (let week = from; week <= to && weeks.length < 6000; week = plusWeeks(week, 1)) weeks.push(week);
  return weeks;
}

// "16 Nov – 22 Nov 2026" for 2026-W47, for the picker's labels.
export function weekDates(label) {
  const monday = new Date(mondayOf(label));
  const sunday = new Date(mondayOf(label) + 6 * DAY);
  const day = (d) => d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return `${day(monday)} – ${day(sunday)} ${sunday.getUTCFullYear()}`;
}

// Every period a summary of [from, to] grouped by `period` would have if all were published,
// each with why it may be missing from the station's answer: "open" (this week or later, not
// over yet), "unsealed" (over but not sealed), "partial" (a month or year the range cuts).
export function expectedPeriods({ from, to, period, publishedThrough, currentWeek }) {
  const weeks = weeksBetween(from, to);
  const stateOf = (first, last, cut) => {
    if (last >= currentWeek) return 'open';
    if (!publishedThrough || last > publishedThrough) return 'unsealed';
    return cut ? 'partial' : 'published';
  };
  if (period === 'week') return weeks.map((week) => ({ label: week, state: stateOf(week, week, false) }));
  if (period === 'total') {
    const last = weeks[weeks.length - 1];
    const covered = publishedThrough && publishedThrough >= from;
    return [{ label: 'total', state: covered ? 'published' : stateOf(from, last, false), through: covered && publishedThrough < last ? publishedThrough : null }];
  }
  const labelOf = period === 'month' ? monthOf : yearOf;
  const groups = new Map();
  for (const week of weeks) {
    const label = labelOf(week);
    if (!groups.has(label)) groups.set(label, []);
    groups.get(label).push(week);
  }
  return [...groups].map(([label, inRange]) => {
    const before = plusWeeks(inRange[0], -1);
    const after = plusWeeks(inRange[inRange.length - 1], 1);
    const cut = labelOf(before) === label || labelOf(after) === label;
    // The whole period's last week decides whether it could be sealed, not the range's.
    let last = inRange[inRange.length - 1];
    while (labelOf(plusWeeks(last, 1)) === label) last = plusWeeks(last, 1);
    return { label, state: stateOf(inRange[0], last, cut) };
  });
}
