// The content document as core/include/wellness/content.hpp defines it (snake_case JSON), and
// the operations the editor needs on it. The editor works on a deep copy, so fields it does
// not know survive a round trip.

export const UI_STRING_KEYS = [
  'tile_breathe', 'tile_checkin', 'tile_talk', 'tile_urgent',
  'done', 'back', 'next', 'skip', 'start', 'language',
  'choose_exercise', 'choose_length', 'minutes_unit',
  'phase_inhale', 'phase_hold', 'phase_exhale', 'session_complete', 'again',
  'topics_prompt', 'suggestions_heading', 'talk_heading', 'scan_qr',
  'phone_label', 'hours_label', 'urgent_heading', 'call_label', 'text_label',
  'privacy_note', 'maintenance_title',
];

// Kiosk words added later (core: optional_ui_string_keys). A document may leave them out; the
// kiosk then uses its built-in wording, shown here as each field's placeholder.
export const OPTIONAL_UI_STRING_KEYS = [
  'home', 'still_there', 'still_there_hint', 'still_here', 'phase_top_up', 'scan_to_call',
  'pace_slower', 'pace_faster', 'breaths_unit', 'decimal_mark',
  'cards_heading', 'take_home', 'talk_to_someone', 'scan_to_text',
];

export const BUILTIN_UI_TEXT = {
  home: { en: 'Home', es: 'Inicio' },
  still_there: { en: 'Still there?', es: '¿Sigues ahí?' },
  still_there_hint: {
    en: 'Tap anywhere to stay. Otherwise this screen clears in a few seconds.',
    es: 'Toca en cualquier lugar para seguir. Si no, la pantalla se borrará en unos segundos.',
  },
  still_here: { en: "I'm still here", es: 'Sigo aquí' },
  phase_top_up: { en: 'Top up', es: 'Un poco más' },
  scan_to_call: {
    en: 'Scan with your own phone to call or text.',
    es: 'Escanea con tu propio teléfono para llamar o enviar un mensaje.',
  },
  pace_slower: { en: 'Slower', es: 'Más lento' },
  pace_faster: { en: 'Faster', es: 'Más rápido' },
  breaths_unit: { en: 'breaths a minute', es: 'respiraciones por minuto' },
  decimal_mark: { en: '.', es: ',' },
  cards_heading: { en: 'To read', es: 'Para leer' },
  take_home: {
    en: 'Scan with your own phone to read it at home.',
    es: 'Escanea con tu propio teléfono para leerlo en casa.',
  },
  talk_to_someone: { en: 'Someone to talk to', es: 'Alguien con quien hablar' },
  scan_to_text: {
    en: 'Scan with your own phone to text them. Nobody here learns who you are.',
    es: 'Escanea con tu propio teléfono para enviarles un mensaje. Aquí nadie sabe quién eres.',
  },
};

export const PROVIDER_KINDS = [
  ['eap', 'Employee assistance (EAP)'],
  ['therapist', 'Therapist'],
  ['peer-support', 'Peer support'],
  ['chaplain', 'Chaplain'],
  ['other', 'Other'],
];

export const PHASE_KINDS = [
  ['inhale', 'Breathe in'],
  ['hold', 'Hold'],
  ['exhale', 'Breathe out'],
];

export const SLUG_PATTERN = '[a-z0-9\\-]{1,32}';
export const LOCALE_PATTERN = '[a-z\\-]{2,8}';

export function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

// JSON pointers (RFC 6901), as the server's 422 details use them.
export function pointer(...parts) {
  return parts.map((p) => '/' + String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

export function splitPointer(path) {
  if (!path) return [];
  return path.slice(1).split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
}

export function parentPointer(path) {
  const parts = splitPointer(path);
  parts.pop();
  return parts.length ? pointer(...parts) : '';
}

export function getAt(doc, path) {
  let node = doc;
  for (const part of splitPointer(path)) {
    if (node === undefined || node === null) return undefined;
    node = node[part];
  }
  return node;
}

export function setAt(doc, path, value) {
  const parts = splitPointer(path);
  const last = parts.pop();
  let node = doc;
  for (const part of parts) {
    if (node[part] === undefined || node[part] === null) node[part] = {};
    node = node[part];
  }
  node[last] = value;
}

export function localeIds(doc) {
  return (doc.locales || []).map((l) => l.id);
}

export function localeName(doc, id) {
  const locale = (doc.locales || []).find((l) => l.id === id);
  return locale && locale.name ? `${locale.name} (${id})` : id;
}

export function emptyText(doc) {
  return Object.fromEntries(localeIds(doc).map((id) => [id, '']));
}

// Every localized text of the document, so a new language can be added everywhere at once.
export function localizedTexts(doc) {
  const texts = [];
  const add = (t) => {
    if (t && typeof t === 'object' && !Array.isArray(t)) texts.push(t);
  };
  add(doc.attract_text);
  for (const value of Object.values(doc.ui || {})) add(value);
  for (const e of doc.exercises || []) { add(e.name); add(e.description); }
  const checkin = doc.checkin || {};
  add(checkin.question);
  add(checkin.topics_question);
  for (const level of checkin.levels || []) {
    add(level.label);
    add(level.description);
    add(level.first_line);
    for (const s of level.suggestions || []) add(s.text);
  }
  for (const t of checkin.topics || []) add(t.label);
  for (const p of doc.providers || []) { add(p.name); add(p.description); add(p.hours); }
  for (const c of doc.crisis_lines || []) { add(c.name); add(c.description); }
  for (const n of doc.emergency_numbers || []) { add(n.name); add(n.description); }
  const rating = doc.stress_rating;
  if (rating && typeof rating === 'object') {
    for (const key of RATING_TEXT_KEYS) add(rating[key]);
    for (const label of Array.isArray(rating.face_labels) ? rating.face_labels : []) add(label);
  }
  return texts;
}

export function addLocale(doc, id, name) {
  doc.locales = doc.locales || [];
  doc.locales.push({ id, name });
  for (const text of localizedTexts(doc)) if (!(id in text)) text[id] = '';
}

export function removeLocale(doc, id) {
  doc.locales = (doc.locales || []).filter((l) => l.id !== id);
  for (const text of localizedTexts(doc)) delete text[id];
  if (doc.default_locale === id && doc.locales.length) doc.default_locale = doc.locales[0].id;
}

export function renameLocale(doc, oldId, newId) {
  for (const text of localizedTexts(doc)) {
    if (oldId in text) {
      const value = text[oldId];
      delete text[oldId];
      text[newId] = value;
    }
  }
  if (doc.default_locale === oldId) doc.default_locale = newId;
}

function freshId(existing, stem) {
  const taken = new Set(existing.map((x) => x.id));
  for (let i = 1; i < 1000; i += 1) {
    const id = `${stem}-${i}`;
    if (!taken.has(id)) return id;
  }
  return stem;
}

export function newProvider(doc) {
  return {
    id: freshId(doc.providers || [], 'provider'),
    kind: 'therapist',
    name: emptyText(doc),
    description: emptyText(doc),
    hours: emptyText(doc),
    booking_url: 'https://',
    phone: '',
    image: '',
  };
}

export function newCrisisLine(doc) {
  return {
    id: freshId(doc.crisis_lines || [], 'line'),
    name: emptyText(doc),
    description: emptyText(doc),
    call: '',
    text: '',
  };
}

export function newEmergencyNumber(doc) {
  return {
    id: freshId(doc.emergency_numbers || [], 'emergency'),
    name: emptyText(doc),
    description: emptyText(doc),
    call: '',
  };
}

function blankText(text) {
  return !text || typeof text !== 'object' || Array.isArray(text)
    || Object.values(text).every((value) => typeof value !== 'string' || value.trim() === '');
}

// The document to publish: optional texts the editor shows but the admin left blank in every
// language (a level's first line, an emergency number's description, the later kiosk words)
// are left out, as core reads a missing one; a blank one would be refused. A text filled in
// for some languages only stays, so the server names the missing translations.
export function withoutBlankOptionalTexts(doc) {
  const out = clone(doc);
  for (const level of (out.checkin && out.checkin.levels) || []) {
    if ('first_line' in level && blankText(level.first_line)) delete level.first_line;
    for (const suggestion of level.suggestions || []) {
      if (Array.isArray(suggestion.topics) && suggestion.topics.length === 0) delete suggestion.topics;
    }
  }
  for (const number of out.emergency_numbers || []) {
    if ('description' in number && blankText(number.description)) delete number.description;
  }
  if (Array.isArray(out.emergency_numbers) && out.emergency_numbers.length === 0) delete out.emergency_numbers;
  for (const provider of out.providers || []) {
    if (provider.phone_24h === '') delete provider.phone_24h;
  }
  for (const key of OPTIONAL_UI_STRING_KEYS) {
    if (out.ui && key in out.ui && blankText(out.ui[key])) delete out.ui[key];
  }
  return out;
}

export function newExercise(doc) {
  return {
    id: freshId(doc.exercises || [], 'exercise'),
    name: emptyText(doc),
    description: emptyText(doc),
    phases: [{ kind: 'inhale', seconds: 4 }, { kind: 'exhale', seconds: 4 }],
    lengths_minutes: [1, 3, 5],
  };
}

export function newTopic(doc) {
  return { id: freshId((doc.checkin && doc.checkin.topics) || [], 'topic'), label: emptyText(doc) };
}

// A new suggestion points at nothing: core reads any target field that is present as a target.
// The before / after stress rating (content schema 2): its texts, and the number of faces core
// asks for (content.hpp's rating_faces).
export const RATING_TEXT_KEYS = ['question_before', 'question_after', 'low_label', 'high_label', 'change_heading'];
export const RATING_FACES = 5;

// The lowest schema that holds the document's parts (core's required_schema): 3 with topic
// cards, 2 with a stress rating, else 1, which every kiosk reads.
export function requiredSchema(doc) {
  if (Array.isArray(doc.topic_cards) && doc.topic_cards.length) return 3;
  return doc.stress_rating ? 2 : 1;
}

// Turns the rating on with empty texts in every language (a document with one is schema 2), or
// off again (back to the lowest schema its other parts need).
export function setStressRating(doc, on) {
  if (on) {
    if (!doc.stress_rating) {
      doc.stress_rating = { style: 'scale', ...Object.fromEntries(RATING_TEXT_KEYS.map((key) => [key, emptyText(doc)])) };
    }
  } else {
    delete doc.stress_rating;
  }
  doc.schema = requiredSchema(doc);
}

// A new topic card (content schema 3, so the document becomes schema 3): empty texts in every
// language and no topic yet, which the station reports next to the topics until one is ticked.
export function newTopicCard(doc) {
  doc.schema = 3;
  return { id: freshId(doc.topic_cards || [], 'card'), topics: [], title: emptyText(doc), body: emptyText(doc) };
}

// After a card is removed: without cards the document drops the empty list (a schema 3 part) and
// needs only the schema of its other parts.
export function settleSchema(doc) {
  if (Array.isArray(doc.topic_cards) && !doc.topic_cards.length) delete doc.topic_cards;
  doc.schema = requiredSchema(doc);
}

// A scale shows the numbers 0 to 10; faces need five labels, calm first (core refuses labels on
// a scale and a faces rating without them).
export function setRatingStyle(doc, style) {
  const rating = doc.stress_rating;
  if (!rating) return;
  rating.style = style;
  if (style === 'faces') {
    const labels = Array.isArray(rating.face_labels) ? rating.face_labels : [];
    while (labels.length < RATING_FACES) labels.push(emptyText(doc));
    rating.face_labels = labels.slice(0, RATING_FACES);
  } else {
    delete rating.face_labels;
  }
}

export function newSuggestion(doc) {
  return { text: emptyText(doc) };
}

export function moveItem(list, from, to) {
  if (to < 0 || to >= list.length) return false;
  const [item] = list.splice(from, 1);
  list.splice(to, 0, item);
  return true;
}

// The text for a locale, falling back to the default locale, as the kiosk does.
export function localized(text, locale, defaultLocale) {
  if (!text) return '';
  if (text[locale]) return text[locale];
  return text[defaultLocale] || '';
}

// What the station said of a publish or rollback, in words for the admin. A change to what
// decides counting (ids, what a level suggests, the idle time) reaches kiosks only when the
// next ISO week starts, so one person's uses cannot be dated inside a week by changing content.
export function publishedMessage(version, answer) {
  if (answer && answer.counting_change && answer.counting_applies_from) {
    return `Published version ${version}. Wording, links and phone numbers reach kiosks at their next sync; `
      + `the change to what is counted (ids, suggestions and their topics, the numbers on Urgent help, the idle times, the stress rating, the topic cards and their topics) takes effect at the start of week ${answer.counting_applies_from}.`;
  }
  return `Published version ${version}. Kiosks pick it up at their next sync.`;
}
