// The content editor: forms for every part of the content document, every localized text in
// every locale side by side, a live preview of providers as the kiosk shows them, and the
// server's validation problems shown next to the field each concerns.

import { api, ApiError, listFrom } from './api.js';
import { h, append, clear, formatTime } from './dom.js';
import { changedFields, mergeEdits, shortValue } from './merge.js';
import {
  UI_STRING_KEYS, OPTIONAL_UI_STRING_KEYS, BUILTIN_UI_TEXT, PROVIDER_KINDS, PHASE_KINDS,
  SLUG_PATTERN, LOCALE_PATTERN,
  clone, pointer, parentPointer, getAt, setAt, localeIds, localeName,
  addLocale, removeLocale, newProvider, newCrisisLine, newEmergencyNumber, newExercise, newTopic,
  newSuggestion, moveItem, localized, publishedMessage, withoutBlankOptionalTexts,
  RATING_FACES, setStressRating, setRatingStyle, newTopicCard, settleSchema,
} from './content-model.js';

const KNOWN_ASSET = /^[a-z0-9._-]{1,64}$/;

function fieldId(path) {
  return 'f' + path.replaceAll('/', '.');
}

// A preview's kiosk screen in the document's theme colours (those that are valid colours).
function applyKioskTheme(screen, theme = {}) {
  for (const [prop, key] of [['--kiosk-bg', 'background'], ['--kiosk-surface', 'surface'], ['--kiosk-text', 'text'], ['--kiosk-accent', 'accent']]) {
    if (/^#[0-9a-fA-F]{6}$/.test((theme || {})[key] || '')) screen.style.setProperty(prop, theme[key]);
  }
}

function humanKey(key) {
  const words = key.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// The pointer a registered field was registered under.
function entryPath(registry, entry) {
  for (const [path, known] of registry) if (known === entry) return path;
  return '';
}

export class ContentEditor {
  constructor(root, { announce, assetUrl }) {
    this.root = root;
    this.announce = announce;
    this.assetUrl = assetUrl; // name -> Promise<blob URL>
    this.doc = null;
    this.version = null;
    this.dirty = false;
    this.problems = [];
    this.registry = new Map();
    this.assetNames = [];
    this.previewUpdaters = [];
    window.addEventListener('beforeunload', (event) => {
      if (this.dirty) event.preventDefault();
    });
  }

  async load() {
    clear(this.root).append(h('p', { class: 'loading' }, 'Loading the current content…'));
    const [content, assets, draft] = await Promise.all([
      api.getContent(),
      api.listAssets().catch(() => []),
      api.getDraft().catch(() => null),
    ]);
    this.setFromServer(content);
    // A draft kept on the station (from another tab or laptop) is offered, never applied unasked.
    this.draftOffer = draft && draft.document && (String(draft.based_on) !== String(this.version) || JSON.stringify(draft.document) !== JSON.stringify(this.doc)) ? draft : null;
    this.assetNames = listFrom(assets, 'assets').map((a) => (typeof a === 'string' ? a : a.name)).filter(Boolean);
    this.render();
  }

  // New uploads become choices for provider images without losing unpublished edits.
  async refreshAssets() {
    const assets = await api.listAssets().catch(() => null);
    if (assets) this.assetNames = listFrom(assets, 'assets').map((a) => (typeof a === 'string' ? a : a.name)).filter(Boolean);
    this.render();
  }

  setFromServer(content) {
    const document = content && typeof content === 'object' && content.document ? content.document : content;
    this.doc = clone(document) || {};
    // The version this edit is based on, kept whole: a publish names it (If-Match), and when
    // another admin has published since, it is what both sides' changes are measured from.
    this.base = clone(document) || {};
    this.version = content && content.version !== undefined ? content.version : null;
    this.conflict = null;
    this.dirty = false;
    this.problems = [];
  }

  markDirty() {
    if (!this.dirty) {
      this.dirty = true;
      this.updateStatus();
    }
    this.scheduleDraftSave();
  }

  // Every change is kept on the station as this admin's draft a moment after typing stops, so
  // a closed tab or another laptop loses nothing.
  scheduleDraftSave() {
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(async () => {
      if (!this.dirty || this.version === null) return;
      try {
        const saved = await api.saveDraft(this.version, withoutBlankOptionalTexts(this.doc));
        this.draftSavedAt = saved && saved.saved_at;
        this.updateStatus();
      } catch {
        // The edit is still in this tab; the next change tries again.
      }
    }, 1500);
  }

  async dropDraft() {
    clearTimeout(this.draftTimer);
    this.draftSavedAt = null;
    await api.deleteDraft().catch(() => {});
  }

  async resumeDraft() {
    const draft = this.draftOffer;
    const base = await api.getVersion(draft.based_on).catch(() => null);
    this.draftOffer = null;
    this.doc = clone(draft.document);
    // Measured from the version it started from, so a publish meanwhile is merged, not lost.
    if (base) {
      this.base = clone(base.document);
      this.version = base.version;
    }
    this.dirty = true;
    this.draftSavedAt = draft.saved_at;
    this.render('publish-button');
    const text = `Resumed your draft from ${formatTime(draft.saved_at)}, based on version ${draft.based_on}.`;
    this.statusEl.textContent = text;
    this.announce(text);
  }

  // ---- rendering -------------------------------------------------------------------------

  // Rebuilds the form from the document. `focus` names the element (or the first existing of
  // several) to focus afterwards, so keyboard users keep their place after a structural change.
  render(focus) {
    const candidates = focus ? [focus].flat() : [document.activeElement && document.activeElement.id];
    const scroll = window.scrollY;
    this.registry = new Map();
    this.previewUpdaters = [];
    const doc = this.doc;
    clear(this.root);

    this.statusEl = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
    this.problemBox = h('div', { class: 'problem-summary', id: 'problem-summary', tabindex: '-1', hidden: true });
    this.conflictBox = h('div', { class: 'conflict', id: 'conflict', tabindex: '-1', role: 'region', 'aria-labelledby': 'conflict-h', hidden: true });
    const draftBox = this.draftOffer ? h('div', { class: 'draft-offer', id: 'draft-offer', role: 'region', 'aria-labelledby': 'draft-offer-h' },
      h('h3', { id: 'draft-offer-h' }, 'You have an unpublished draft on the station'),
      h('p', {}, `Saved ${formatTime(this.draftOffer.saved_at)}, based on version ${this.draftOffer.based_on} (live: version ${this.version}).`),
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'primary', id: 'resume-draft', onclick: () => this.resumeDraft() }, 'Resume the draft'),
        h('button', { type: 'button', id: 'discard-draft', onclick: async () => {
          this.draftOffer = null;
          await this.dropDraft();
          this.render('publish-button');
        } }, 'Discard the draft'))) : null;
    const toolbar = h('div', { class: 'toolbar editor-toolbar' },
      h('button', { type: 'button', class: 'primary', id: 'publish-button', onclick: () => this.publish() }, 'Publish'),
      h('button', { type: 'button', id: 'discard-button', onclick: () => this.discard() }, 'Discard changes'),
      h('span', { class: 'publish-note' },
        h('label', { for: 'publish-note' }, 'Note for this publish (optional)'),
        h('input', { type: 'text', id: 'publish-note', maxlength: '200', autocomplete: 'off', value: this.note || '',
          oninput: (event) => { this.note = event.target.value; } })),
      this.statusEl);

    const sections = [
      ['sec-general', 'General and languages', () => this.renderGeneral()],
      ['sec-providers', 'Talk to someone: providers', () => this.renderProviders()],
      ['sec-crisis', 'Urgent help: crisis lines and emergency numbers', () => this.renderCrisisLines()],
      ['sec-exercises', 'Breathing exercises', () => this.renderExercises()],
      ['sec-checkin', 'Check-in', () => this.renderCheckin()],
      ['sec-rating', 'Stress rating before and after', () => this.renderStressRating()],
      ['sec-cards', 'Topic cards', () => this.renderTopicCards()],
      ['sec-ui', 'Kiosk words', () => this.renderUiStrings()],
    ];
    const toc = h('nav', { class: 'toc', 'aria-label': 'Content sections' },
      h('ul', {}, sections.map(([id, title]) => h('li', {}, h('a', { href: '#' + id, 'data-section-link': id }, title)))));
    toc.addEventListener('click', (event) => {
      const link = event.target.closest('a[data-section-link]');
      if (!link) return;
      event.preventDefault();
      const target = document.getElementById(link.dataset.sectionLink);
      if (target) {
        target.scrollIntoView();
        target.focus();
      }
    });

    const form = h('form', { class: 'content-form', novalidate: true, onsubmit: (e) => e.preventDefault() });
    form.addEventListener('input', (event) => this.onInput(event));
    form.addEventListener('change', (event) => this.onInput(event));
    for (const [id, title, build] of sections) {
      form.append(h('section', { id, class: 'editor-section', tabindex: '-1', 'aria-labelledby': id + '-h' },
        h('h3', { id: id + '-h' }, title), build()));
    }

    // dom.js's append skips the draft offer when there is none (Element.append would write
    // "null").
    append(this.root, [
      h('h2', {}, 'Content'),
      h('p', { class: 'hint' }, 'Change what the kiosks offer. Nothing reaches the kiosks until you publish; the server checks everything first and keeps the live version if anything is wrong.'),
      toolbar, draftBox, this.conflictBox, this.problemBox, toc, form]);

    this.renderProblems();
    this.renderConflict();
    this.updateStatus();
    for (const update of this.previewUpdaters) update();
    window.scrollTo(0, scroll);
    for (const id of candidates) {
      const el = id && document.getElementById(id);
      if (el) {
        el.focus({ preventScroll: !focus });
        if (focus) el.scrollIntoView({ block: 'nearest' });
        break;
      }
    }
  }

  updateStatus() {
    if (!this.statusEl) return;
    const live = this.version !== null ? `Live version: ${this.version}.` : '';
    const kept = this.dirty && this.draftSavedAt ? ` Draft saved on the station ${formatTime(this.draftSavedAt)}.` : '';
    this.statusEl.textContent = this.dirty ? `${live} You have unpublished changes.${kept}` : `${live} No unpublished changes.`;
  }

  register(path, container, focusTarget, errorList) {
    this.registry.set(path, { container, focusTarget, errorList });
  }

  errorList(path) {
    return h('ul', { class: 'field-errors', id: fieldId(path) + '-errors', hidden: true });
  }

  // Reads the control's value back into the document. Controls carry their JSON pointer and
  // how to convert their value in data attributes.
  onInput(event) {
    const el = event.target;
    if (!el.dataset || el.dataset.path === undefined) return;
    if (el.dataset.bind === 'none') return;
    const path = el.dataset.path;
    if (referencedIdKind(path)) {
      // What the id was when the admin began changing it; references follow once the change is
      // complete (on change), never through the ids typed on the way.
      if (event.type === 'input' && el.dataset.renamedFrom === undefined) el.dataset.renamedFrom = String(getAt(this.doc, path) ?? '');
      if (event.type === 'change') {
        const from = el.dataset.renamedFrom;
        delete el.dataset.renamedFrom;
        this.followRename(path, from, el.value, el.id);
        return;
      }
    }
    if (event.type === 'change' && el.tagName !== 'SELECT' && el.type !== 'checkbox' && el.type !== 'color') return;
    let value;
    switch (el.dataset.convert) {
      case 'number': {
        const n = Number(el.value);
        value = el.value.trim() !== '' && Number.isFinite(n) ? n : el.value;
        break;
      }
      case 'int': {
        const n = Number(el.value);
        value = el.value.trim() !== '' && Number.isInteger(n) ? n : el.value;
        break;
      }
      case 'optional-int': {
        // Empty leaves the setting out of the document (JSON drops undefined): its default.
        const n = Number(el.value);
        value = el.value.trim() === '' ? undefined : Number.isInteger(n) ? n : el.value;
        break;
      }
      case 'bool':
        value = el.checked;
        break;
      case 'int-list':
        value = el.value.split(/[\s,]+/).filter(Boolean).map((part) => {
          const n = Number(part);
          return Number.isInteger(n) ? n : part;
        });
        break;
      default:
        value = el.value;
    }
    setAt(this.doc, path, value);
    if (el.dataset.onchange === 'image') this.ensureAssetListed(value);
    this.markDirty();
    this.refreshProblems(path);
    const preview = el.closest('[data-preview-scope]');
    if (preview && preview.previewUpdate) preview.previewUpdate();
  }

  // One labelled control bound to a JSON pointer.
  field(path, label, { type = 'text', convert, options, hint, pattern, min, max, step, long, autocomplete = 'off', inputmode, required, onchange, placeholder } = {}) {
    const id = fieldId(path);
    const value = getAt(this.doc, path);
    const errors = this.errorList(path);
    const hintId = hint ? id + '-hint' : null;
    const describedBy = [hintId, errors.id].filter(Boolean).join(' ');
    let control;
    const common = { id, 'data-path': path, 'data-convert': convert, 'aria-describedby': describedBy, 'data-onchange': onchange };
    if (options) {
      control = h('select', common, options.map(([v, text]) => h('option', { value: v, selected: String(value ?? '') === String(v) }, text)));
    } else if (type === 'checkbox') {
      control = h('input', { ...common, type: 'checkbox', checked: Boolean(value), 'data-convert': 'bool' });
    } else if (long) {
      control = h('textarea', { ...common, rows: 3, value: value ?? '', placeholder });
    } else {
      const shown = Array.isArray(value) ? value.join(', ') : value ?? '';
      control = h('input', { ...common, type, value: shown, pattern, min, max, step, autocomplete, inputmode, required, placeholder, spellcheck: type === 'text' ? undefined : 'false' });
    }
    const wrapper = h('div', { class: ['field', type === 'checkbox' && 'field-check'] },
      type === 'checkbox' ? [control, h('label', { for: id }, label)] : [h('label', { for: id }, label), control],
      hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
      errors);
    this.register(path, wrapper, control, errors);
    return wrapper;
  }

  // A localized text: one column per locale, side by side (wrapping on narrow screens).
  // `placeholders` (locale -> text) shows what the kiosk uses when an optional text is blank.
  localizedField(path, label, { long = false, hint, placeholders } = {}) {
    const doc = this.doc;
    if (!getAt(doc, path) || typeof getAt(doc, path) !== 'object') setAt(doc, path, {});
    const errors = this.errorList(path);
    const legendId = fieldId(path) + '-legend';
    const fieldset = h('fieldset', { class: 'localized', 'aria-describedby': errors.id },
      h('legend', { id: legendId }, label),
      hint ? h('p', { class: 'hint' }, hint) : null,
      h('div', { class: 'locale-columns' }, localeIds(doc).map((locale) =>
        this.field(pointer(...pathParts(path), locale), localeName(doc, locale), {
          long, placeholder: placeholders ? placeholders[locale] || placeholders.en : undefined,
        }))),
      errors);
    const firstInput = fieldset.querySelector('input, textarea');
    this.register(path, fieldset, firstInput, errors);
    return fieldset;
  }

  listControls(listPath, index, count, noun, { removable = true, minimum = 0 } = {}) {
    const base = fieldId(listPath) + '.' + index;
    const name = `${noun} ${index + 1}`;
    return h('div', { class: 'item-controls' },
      h('button', { type: 'button', id: base + '.up', disabled: index === 0, 'aria-label': `Move ${name} up`,
        onclick: () => this.move(listPath, index, index - 1, noun) }, 'Move up'),
      h('button', { type: 'button', id: base + '.down', disabled: index === count - 1, 'aria-label': `Move ${name} down`,
        onclick: () => this.move(listPath, index, index + 1, noun) }, 'Move down'),
      removable ? h('button', { type: 'button', class: 'danger', id: base + '.remove', disabled: count <= minimum,
        'aria-label': `Remove ${name}`, onclick: () => this.remove(listPath, index, noun) }, 'Remove') : null);
  }

  move(listPath, from, to, noun) {
    const list = getAt(this.doc, listPath);
    if (!moveItem(list, from, to)) return;
    this.markDirty();
    const direction = to < from ? 'up' : 'down';
    let focus = `${fieldId(listPath)}.${to}.${direction}`;
    if ((direction === 'up' && to === 0) || (direction === 'down' && to === list.length - 1)) {
      focus = `${fieldId(listPath)}.${to}.${direction === 'up' ? 'down' : 'up'}`;
    }
    this.render(focus);
    this.announce(`Moved ${noun} to position ${to + 1}.`);
  }

  remove(listPath, index, noun) {
    const list = getAt(this.doc, listPath);
    const item = list[index];
    const name = item && item.id ? `${noun} "${item.id}"` : `${noun} ${index + 1}`;
    if (!window.confirm(`Remove ${name}? It disappears from the kiosks when you publish.`)) return;
    list.splice(index, 1);
    // Without its last card the document needs only its other parts' schema again, so older
    // kiosks keep reading it.
    if (listPath === '/topic_cards') settleSchema(this.doc);
    this.markDirty();
    this.render(`${fieldId(listPath)}-add`);
    this.announce(`Removed ${name}.`);
  }

  addButton(listPath, text, make, { max } = {}) {
    const list = getAt(this.doc, listPath) || [];
    return h('button', { type: 'button', class: 'add', id: `${fieldId(listPath)}-add`, disabled: max !== undefined && list.length >= max,
      onclick: () => {
        if (!getAt(this.doc, listPath)) setAt(this.doc, listPath, []);
        const target = getAt(this.doc, listPath);
        target.push(make(this.doc));
        this.markDirty();
        const itemPath = pointer(...pathParts(listPath), target.length - 1);
        this.render([fieldId(itemPath + '/id'), fieldId(itemPath + '/kind'), fieldId(itemPath) + '.target', `${fieldId(listPath)}-add`]);
        this.announce(`Added ${text.replace(/^Add /, '')}.`);
      } }, text);
  }

  listBlock(path, nodes) {
    const errors = this.errorList(path);
    const block = h('div', { class: 'list-block' }, errors, nodes);
    this.register(path, block, null, errors);
    return block;
  }

  // ---- sections --------------------------------------------------------------------------

  renderGeneral() {
    const doc = this.doc;
    doc.locales = doc.locales || [];
    const localeRows = doc.locales.map((locale, index) => {
      const base = pointer('locales', index);
      const errors = this.errorList(base + '/id');
      const row = h('div', { class: 'locale-row' },
        h('p', { class: 'locale-code' }, h('span', { class: 'hint' }, 'Code '), h('strong', {}, locale.id), errors),
        this.field(base + '/name', `Name of ${locale.id} on the language switch`),
        h('button', { type: 'button', class: 'danger', id: `locale-remove-${index}`, disabled: doc.locales.length <= 1,
          'aria-label': `Remove language ${locale.id}`,
          onclick: () => {
            if (!window.confirm(`Remove the language ${locale.id} and every text in it?`)) return;
            removeLocale(doc, locale.id);
            this.markDirty();
            this.render('new-locale-id');
          } }, 'Remove language'));
      this.register(base + '/id', row, null, errors);
      this.register(base, row, null, null);
      return row;
    });

    const newId = h('input', { id: 'new-locale-id', type: 'text', pattern: LOCALE_PATTERN, 'data-bind': 'none', autocomplete: 'off', 'aria-describedby': 'new-locale-hint' });
    const newName = h('input', { id: 'new-locale-name', type: 'text', 'data-bind': 'none', autocomplete: 'off' });
    const addMessage = h('p', { class: 'inline-message', role: 'status' });
    const addLocaleForm = h('div', { class: 'add-locale' },
      h('h4', {}, 'Add a language'),
      h('p', { class: 'hint', id: 'new-locale-hint' }, 'Every text gets an empty column for the new language; fill them in before you publish.'),
      h('div', { class: 'field' }, h('label', { for: 'new-locale-id' }, 'New language code'), newId),
      h('div', { class: 'field' }, h('label', { for: 'new-locale-name' }, 'Its name, in that language'), newName),
      h('button', { type: 'button', id: 'add-locale-button', onclick: () => {
        const id = newId.value.trim().toLowerCase();
        const name = newName.value.trim();
        if (!/^[a-z-]{2,8}$/.test(id)) { addMessage.textContent = 'Use 2 to 8 lowercase letters or hyphens, e.g. "fr" or "pt-br".'; newId.focus(); return; }
        if (localeIds(doc).includes(id)) { addMessage.textContent = `The language ${id} is already there.`; newId.focus(); return; }
        if (!name) { addMessage.textContent = 'Give the language a name.'; newName.focus(); return; }
        addLocale(doc, id, name);
        this.markDirty();
        this.render('new-locale-id');
        this.announce(`Added the language ${name} (${id}). Its texts are empty until you fill them in.`);
      } }, 'Add language'),
      addMessage);

    const localeOptions = doc.locales.map((l) => [l.id, localeName(doc, l.id)]);
    const theme = doc.theme || (doc.theme = { background: '#10202a', surface: '#1b3340', text: '#f4f7f8', accent: '#5cc8b0' });
    const assetChoices = [...new Set([...(doc.assets || []), ...this.assetNames])].sort();

    return h('div', {},
      h('fieldset', { class: 'group' }, h('legend', {}, 'Languages'), this.listBlock('/locales', localeRows), addLocaleForm),
      this.field('/default_locale', 'Default language', { options: localeOptions }),
      this.field('/idle_timeout_seconds', 'Idle timeout (seconds)', { type: 'number', convert: 'int', min: 30, max: 300, step: 1, hint: 'After this long without a touch the kiosk returns to the start screen and forgets every choice (30 to 300).' }),
      this.field('/help_idle_timeout_seconds', 'Idle timeout on help screens (seconds)', { type: 'number', convert: 'optional-int', min: 30, max: 900, step: 1, hint: 'Urgent help, the check-in\'s suggestions and a provider\'s QR code wait this long, since people read, scan and call from them (30 to 900; 180 when empty, never less than the idle timeout). Then, as after a breathing session, the kiosk asks "Still there?" for a few seconds before it forgets everything. Kiosks apply a change at the start of the next week.' }),
      this.field('/visit_rest_seconds', 'Rest before a new visit (seconds)', { type: 'number', convert: 'optional-int', min: 60, max: 900, step: 1, hint: 'A tap past the start screen counts as a new visit only after the start screen has rested untouched this long (60 to 900; 120 when empty), so one person starting again is one visit. Kiosks apply a change at the start of the next week.' }),
      this.field('/tone_enabled', 'Soft tone at breathing phase changes', { type: 'checkbox' }),
      this.localizedField('/attract_text', 'Attract text (the one line on the start screen)'),
      h('fieldset', { class: 'group theme' }, h('legend', {}, 'Theme colours'),
        ['background', 'surface', 'text', 'accent'].map((key) => {
          if (!theme[key]) theme[key] = '#000000';
          return this.field(pointer('theme', key), humanKey(key), { type: 'color' });
        })),
      h('fieldset', { class: 'group' }, h('legend', {}, 'Images in the content bundle'),
        h('p', { class: 'hint' }, 'Kiosks download these. Upload new ones under Images; an image chosen for a provider is added here.'),
        assetChoices.length ? h('div', { class: 'check-list' }, assetChoices.map((name, i) => {
          const id = `asset-choice-${i}`;
          return h('div', { class: 'field field-check' },
            h('input', { type: 'checkbox', id, 'data-bind': 'none', checked: (doc.assets || []).includes(name),
              onchange: (e) => {
                doc.assets = (doc.assets || []).filter((n) => n !== name);
                if (e.target.checked) doc.assets.push(name);
                this.markDirty();
              } }),
            h('label', { for: id }, name));
        })) : h('p', { class: 'empty' }, 'No images uploaded yet.'),
        this.listBlock('/assets', [])));
  }

  ensureAssetListed(name) {
    if (!name) return;
    this.doc.assets = this.doc.assets || [];
    if (!this.doc.assets.includes(name)) this.doc.assets.push(name);
  }

  renderProviders() {
    const doc = this.doc;
    doc.providers = doc.providers || [];
    const items = doc.providers.map((provider, index) => {
      const base = pointer('providers', index);
      const imageOptions = [['', 'No image'], ...[...new Set([...this.assetNames, ...(doc.assets || [])])].filter((n) => KNOWN_ASSET.test(n)).map((n) => [n, n])];
      if (provider.image && !imageOptions.some(([v]) => v === provider.image)) imageOptions.push([provider.image, provider.image]);
      const fieldset = h('fieldset', { class: 'item', 'data-preview-scope': true },
        h('legend', {}, `Provider ${index + 1}: ${provider.id || 'new'}`),
        this.listControls('/providers', index, doc.providers.length, 'provider'),
        h('div', { class: 'row' },
          this.field(base + '/id', 'Id (used in counts; lowercase letters, digits, hyphens)', { pattern: SLUG_PATTERN }),
          this.field(base + '/kind', 'Kind', { options: PROVIDER_KINDS })),
        this.localizedField(base + '/name', 'Name'),
        this.localizedField(base + '/description', 'Description', { long: true }),
        this.localizedField(base + '/hours', 'Hours'),
        h('div', { class: 'row' },
          this.field(base + '/booking_url', 'Booking link (https only; shown as a QR code)', { type: 'url', hint: 'The same link for everyone: no tracking parameters.' }),
          this.field(base + '/phone', 'Phone', { type: 'tel' }),
          this.field(base + '/phone_24h', 'Number answered day and night (optional)', { type: 'tel', hint: 'Peer support\'s on-call phone or the EAP\'s 24-hour line: Urgent help lists it, after the crisis lines, with a QR code to call it. Adding or removing it takes effect on kiosks at the start of the next week.' }),
          this.field(base + '/image', 'Image', { options: imageOptions, onchange: 'image' })),
        this.field(base + '/booking_url_confirmed', 'This link\'s query (?…) or fragment (#…) identifies no one', {
          type: 'checkbox',
          hint: 'Warning: anything after ? or # reaches the booking site when an officer opens the link on their own phone. A precinct, room or kiosk name there tells the site where they came from. Tick this only if the link needs it and it names no place or person.',
        }),
        this.providerPreview(index));
      this.register(base, fieldset, fieldset.querySelector('input'), null);
      const preview = fieldset.querySelector('.preview');
      fieldset.previewUpdate = preview.previewUpdate;
      this.previewUpdaters.push(preview.previewUpdate);
      return fieldset;
    });
    return h('div', {},
      h('p', { class: 'hint' }, 'The kiosk lists these in this order under "Talk to someone". Choosing one shows its booking link as a large QR code.'),
      this.listBlock('/providers', items),
      this.addButton('/providers', 'Add provider', newProvider, { max: 24 }));
  }

  // How the kiosk will show a provider: QR of the booking link, the link in text, phone, hours.
  providerPreview(index) {
    const doc = this.doc;
    const localeSelectId = `preview-locale-${index}`;
    const localeSelect = h('select', { id: localeSelectId, 'data-bind': 'none' },
      localeIds(doc).map((id) => h('option', { value: id, selected: id === doc.default_locale }, localeName(doc, id))));
    const qrImg = h('img', { class: 'qr', alt: '', width: 200, height: 200, hidden: true });
    const qrNote = h('p', { class: 'qr-note' });
    const name = h('p', { class: 'kiosk-title' });
    const description = h('p', { class: 'kiosk-text' });
    const scan = h('p', { class: 'kiosk-text kiosk-scan' });
    const link = h('p', { class: 'kiosk-link' });
    const phone = h('p', { class: 'kiosk-text' });
    const hours = h('p', { class: 'kiosk-text' });
    const image = h('img', { class: 'kiosk-image', alt: '', hidden: true });
    const screen = h('div', { class: 'kiosk-screen' }, h('div', { class: 'kiosk-qr' }, qrImg, qrNote),
      h('div', { class: 'kiosk-details' }, image, name, description, scan, link, phone, hours));
    const section = h('section', { class: 'preview', 'aria-label': `Preview of provider ${index + 1} on the kiosk` },
      h('h4', {}, 'Preview on the kiosk'),
      h('div', { class: 'field' }, h('label', { for: localeSelectId }, 'Preview language'), localeSelect),
      screen);

    let qrUrl = null;
    let qrFor = null;
    let timer = null;
    let generation = 0;
    const loadQr = async (data) => {
      const mine = ++generation;
      if (!/^https:\/\/[^\s]+$/.test(data)) {
        qrImg.hidden = true;
        qrNote.textContent = 'No QR code: the booking link must start with https://';
        qrFor = null;
        return;
      }
      if (data === qrFor) return;
      qrNote.textContent = 'Drawing the QR code…';
      try {
        const blob = await api.qrSvg(data);
        if (mine !== generation) return;
        if (qrUrl) URL.revokeObjectURL(qrUrl);
        qrUrl = URL.createObjectURL(blob);
        qrImg.src = qrUrl;
        qrImg.alt = `QR code of ${data}`;
        qrImg.hidden = false;
        qrNote.textContent = '';
        qrFor = data;
      } catch (error) {
        if (mine !== generation) return;
        qrImg.hidden = true;
        qrNote.textContent = `No QR code: ${error.message}`;
        qrFor = null;
      }
    };
    const update = () => {
      const provider = (this.doc.providers || [])[index];
      if (!provider) return;
      const locale = localeSelect.value || this.doc.default_locale;
      const def = this.doc.default_locale;
      const ui = this.doc.ui || {};
      applyKioskTheme(screen, this.doc.theme);
      name.textContent = localized(provider.name, locale, def) || '(no name)';
      description.textContent = localized(provider.description, locale, def);
      scan.textContent = localized(ui.scan_qr, locale, def);
      link.textContent = provider.booking_url || '';
      phone.textContent = provider.phone ? `${localized(ui.phone_label, locale, def) || 'Phone'}: ${provider.phone}` : '';
      const hoursText = localized(provider.hours, locale, def);
      hours.textContent = hoursText ? `${localized(ui.hours_label, locale, def) || 'Hours'}: ${hoursText}` : '';
      if (provider.image && this.assetUrl) {
        this.assetUrl(provider.image).then((url) => {
          image.src = url;
          image.alt = '';
          image.hidden = false;
        }).catch(() => { image.hidden = true; });
      } else {
        image.hidden = true;
      }
      clearTimeout(timer);
      timer = setTimeout(() => loadQr(provider.booking_url || ''), 300);
    };
    localeSelect.addEventListener('change', update);
    section.previewUpdate = update;
    return section;
  }

  renderCrisisLines() {
    const doc = this.doc;
    doc.crisis_lines = doc.crisis_lines || [];
    const items = doc.crisis_lines.map((line, index) => {
      const base = pointer('crisis_lines', index);
      const fieldset = h('fieldset', { class: 'item' },
        h('legend', {}, `Crisis line ${index + 1}: ${line.id || 'new'}`),
        this.listControls('/crisis_lines', index, doc.crisis_lines.length, 'crisis line', { minimum: 1 }),
        this.field(base + '/id', 'Id (lowercase letters, digits, hyphens)', { pattern: SLUG_PATTERN }),
        this.localizedField(base + '/name', 'Name'),
        this.localizedField(base + '/description', 'Description', { long: true }),
        h('div', { class: 'row' },
          this.field(base + '/call', 'Number to call', { type: 'tel' }),
          this.field(base + '/text', 'Number to text', { type: 'tel', hint: 'At least one of call or text.' })));
      this.register(base, fieldset, fieldset.querySelector('input'), null);
      return fieldset;
    });
    const emergency = (doc.emergency_numbers || []).map((number, index) => {
      const base = pointer('emergency_numbers', index);
      const fieldset = h('fieldset', { class: 'item' },
        h('legend', {}, `Emergency number ${index + 1}: ${number.id || 'new'}`),
        this.listControls('/emergency_numbers', index, doc.emergency_numbers.length, 'emergency number'),
        this.field(base + '/id', 'Id (lowercase letters, digits, hyphens)', { pattern: SLUG_PATTERN }),
        this.localizedField(base + '/name', 'Name'),
        this.localizedField(base + '/description', 'Description (optional)', { long: true }),
        this.field(base + '/call', 'Number to call', { type: 'tel' }));
      this.register(base, fieldset, fieldset.querySelector('input'), null);
      return fieldset;
    });
    return h('div', {},
      h('p', { class: 'hint' }, 'Always one tap away on the kiosk, and shown first when someone checks in at the most serious level. Every number is shown large, with a QR code (tel: or sms:) the officer scans with their own phone to call or text.'),
      this.listBlock('/crisis_lines', items),
      this.addButton('/crisis_lines', 'Add crisis line', newCrisisLine, { max: 12 }),
      h('h4', {}, 'Emergency numbers'),
      h('p', { class: 'hint' }, 'Listed last on Urgent help, after the crisis lines and the providers\' 24-hour numbers: dispatch, 911 or your local equivalent.'),
      this.listBlock('/emergency_numbers', emergency),
      this.addButton('/emergency_numbers', 'Add emergency number', newEmergencyNumber, { max: 4 }));
  }

  renderExercises() {
    const doc = this.doc;
    doc.exercises = doc.exercises || [];
    const items = doc.exercises.map((exercise, index) => {
      const base = pointer('exercises', index);
      exercise.phases = exercise.phases || [];
      const phasesPath = base + '/phases';
      const phaseRows = exercise.phases.map((phase, p) => {
        const pb = pointer('exercises', index, 'phases', p);
        const row = h('div', { class: 'phase-row' },
          h('span', { class: 'phase-number', 'aria-hidden': 'true' }, `${p + 1}.`),
          this.field(pb + '/kind', `Phase ${p + 1} kind`, { options: PHASE_KINDS }),
          this.field(pb + '/seconds', `Phase ${p + 1} seconds`, { type: 'number', convert: 'number', min: 0.5, max: 20, step: 0.5 }),
          this.listControls(phasesPath, p, exercise.phases.length, `phase`, { minimum: 1 }));
        this.register(pb, row, row.querySelector('select'), null);
        return row;
      });
      const cycle = exercise.phases.reduce((sum, ph) => sum + (Number(ph.seconds) || 0), 0);
      const fieldset = h('fieldset', { class: 'item' },
        h('legend', {}, `Exercise ${index + 1}: ${exercise.id || 'new'}`),
        this.listControls('/exercises', index, doc.exercises.length, 'exercise', { minimum: 1 }),
        this.field(base + '/id', 'Id (used in counts; lowercase letters, digits, hyphens)', { pattern: SLUG_PATTERN }),
        this.localizedField(base + '/name', 'Name'),
        this.localizedField(base + '/description', 'Description', { long: true }),
        h('fieldset', { class: 'group phases' }, h('legend', {}, 'Phases of one breath cycle'),
          h('p', { class: 'hint' }, `One cycle takes ${cycle} seconds. 1 to 8 phases, at least one breathing in and one breathing out; each 0.5 to 20 seconds.`),
          this.listBlock(phasesPath, phaseRows),
          this.addButton(phasesPath, 'Add phase', () => ({ kind: 'hold', seconds: 4 }), { max: 8 })),
        this.field(base + '/lengths_minutes', 'Session lengths offered (minutes, separated by commas)', { convert: 'int-list', hint: 'Each 1 to 20, ascending, e.g. 1, 3, 5.', inputmode: 'numeric' }));
      this.register(base, fieldset, fieldset.querySelector('input'), null);
      return fieldset;
    });
    return h('div', {},
      this.listBlock('/exercises', items),
      this.addButton('/exercises', 'Add exercise', newExercise, { max: 12 }));
  }

  renderCheckin() {
    const doc = this.doc;
    const checkin = doc.checkin || (doc.checkin = { question: {}, topics_question: {}, levels: [], topics: [] });
    checkin.levels = checkin.levels || [];
    checkin.topics = checkin.topics || [];
    const targetOptions = [['none', 'Nothing (text only)'], ['crisis', 'The crisis lines'],
      ...(doc.exercises || []).map((e) => [`exercise:${e.id}`, `Exercise: ${localized(e.name, doc.default_locale, doc.default_locale) || e.id}`]),
      ...(doc.providers || []).map((p) => [`provider:${p.id}`, `Provider: ${localized(p.name, doc.default_locale, doc.default_locale) || p.id}`])];

    const levels = checkin.levels.map((level, index) => {
      const base = pointer('checkin', 'levels', index);
      level.suggestions = level.suggestions || [];
      const suggestionsPath = base + '/suggestions';
      const suggestions = level.suggestions.map((s, si) => {
        const sb = pointer('checkin', 'levels', index, 'suggestions', si);
        const targetId = fieldId(sb) + '.target';
        const current = s.crisis_lines ? 'crisis' : s.exercise_id ? `exercise:${s.exercise_id}` : s.provider_id ? `provider:${s.provider_id}` : 'none';
        const options = targetOptions.some(([v]) => v === current) ? targetOptions : [...targetOptions, [current, current]];
        const errors = this.errorList(sb + '/target');
        const select = h('select', { id: targetId, 'data-bind': 'none', 'aria-describedby': errors.id,
          onchange: (e) => {
            const [kind, id] = e.target.value.split(':');
            // Core counts every present target field as a target, so only the chosen one is kept.
            delete s.crisis_lines;
            delete s.exercise_id;
            delete s.provider_id;
            if (kind === 'crisis') s.crisis_lines = true;
            else if (kind === 'exercise') s.exercise_id = id;
            else if (kind === 'provider') s.provider_id = id;
            this.markDirty();
          } }, options.map(([v, t]) => h('option', { value: v, selected: v === current }, t)));
        const targetField = h('div', { class: 'field' }, h('label', { for: targetId }, 'Points to'), select, errors);
        for (const key of ['exercise_id', 'provider_id', 'crisis_lines']) this.register(sb + '/' + key, targetField, select, errors);
        // The topics it fits: none ticked, it shows for everybody at this level.
        const topicsField = this.topicChecks(sb, s, 'Only for these topics',
          'None ticked: shown to everyone who picks this level. Ticked: shown only when one of them was chosen, and then first.',
          { keepEmpty: false });
        const box = h('fieldset', { class: 'item suggestion' },
          h('legend', {}, `Suggestion ${si + 1}`),
          this.listControls(suggestionsPath, si, level.suggestions.length, `suggestion`),
          this.localizedField(sb + '/text', 'Text'),
          targetField,
          topicsField);
        this.register(sb, box, null, null);
        return box;
      });
      const fieldset = h('fieldset', { class: 'item level' },
        h('legend', {}, `Level ${index + 1} of 4: ${level.id || ''}`),
        h('div', { class: 'row' },
          this.field(base + '/id', 'Id (used in counts)', { pattern: SLUG_PATTERN }),
          this.field(base + '/color', 'Colour', { type: 'color' })),
        this.localizedField(base + '/label', 'Label'),
        this.localizedField(base + '/description', 'Description', { long: true }),
        this.localizedField(base + '/first_line', 'First line (optional)', { hint: 'A warm, short line that heads this level\'s suggestions instead of the kiosk\'s generic heading; meant for the serious levels. Leave blank in every language for the generic heading.' }),
        h('fieldset', { class: 'group' }, h('legend', {}, 'Suggestions shown for this level'),
          index === checkin.levels.length - 1 ? h('p', { class: 'hint' }, 'The most serious level always shows the crisis lines first, so a suggestion pointing at the crisis lines is not shown here.') : null,
          this.listBlock(suggestionsPath, suggestions),
          this.addButton(suggestionsPath, 'Add suggestion', newSuggestion, { max: 6 })));
      this.register(base, fieldset, fieldset.querySelector('input'), null);
      return fieldset;
    });

    const topics = checkin.topics.map((topic, index) => {
      const base = pointer('checkin', 'topics', index);
      const fieldset = h('fieldset', { class: 'item topic' },
        h('legend', {}, `Topic ${index + 1}: ${topic.id || 'new'}`),
        this.listControls('/checkin/topics', index, checkin.topics.length, 'topic'),
        this.field(base + '/id', 'Id (used in counts)', { pattern: SLUG_PATTERN }),
        this.localizedField(base + '/label', 'Label'));
      this.register(base, fieldset, fieldset.querySelector('input'), null);
      return fieldset;
    });

    return h('div', {},
      this.localizedField('/checkin/question', 'Question'),
      h('h4', {}, 'Levels, from healthy to ill'),
      h('p', { class: 'hint' }, 'Exactly four levels. The last is the most serious.'),
      this.listBlock('/checkin/levels', levels),
      h('h4', {}, 'Topics'),
      this.localizedField('/checkin/topics_question', 'Topics question'),
      this.listBlock('/checkin/topics', topics),
      this.addButton('/checkin/topics', 'Add topic', newTopic, { max: 16 }));
  }

  // Ticks for the check-in topics an item (a suggestion, a topic card) fits, in the check-in's
  // order, with the station's problems at `base`/topics. `keepEmpty`: none ticked is an empty list
  // (a card needs one, and the station says so there) rather than no list (a suggestion for all).
  topicChecks(base, item, legend, hint, { keepEmpty }) {
    const doc = this.doc;
    const checkin = doc.checkin || {};
    const topicErrors = this.errorList(base + '/topics');
    const chosenTopics = Array.isArray(item.topics) ? item.topics : [];
    const topicBoxes = (checkin.topics || []).map((topic, ti) => {
      const id = `${fieldId(base)}.topics.${ti}`;
      return h('div', { class: 'field field-check' },
        h('input', { type: 'checkbox', id, 'data-bind': 'none', checked: chosenTopics.includes(topic.id),
          'aria-describedby': topicErrors.id,
          onchange: (e) => {
            const order = (checkin.topics || []).map((t) => t.id);
            const now = new Set(Array.isArray(item.topics) ? item.topics : []);
            if (e.target.checked) now.add(topic.id); else now.delete(topic.id);
            const list = order.filter((t) => now.has(t));
            if (list.length || keepEmpty) item.topics = list; else delete item.topics;
            this.markDirty();
          } }),
        h('label', { for: id }, localized(topic.label, doc.default_locale, doc.default_locale) || topic.id));
    });
    const topicsField = h('fieldset', { class: 'group suggestion-topics' },
      h('legend', {}, legend),
      h('p', { class: 'hint' }, hint),
      topicBoxes.length ? h('div', { class: 'check-list' }, topicBoxes) : h('p', { class: 'empty' }, 'No topics yet.'),
      topicErrors);
    this.register(base + '/topics', topicsField, topicsField.querySelector('input'), topicErrors);
    return topicsField;
  }

  // Topic cards (content schema 3): a few lines on a check-in topic, offered on the suggestions
  // screen to whoever chose one of its topics, with an optional take-home link as a QR. Their ids
  // and topics decide what kiosks count (card.viewed per card), so adding, removing or
  // re-topicking a card reaches kiosks at the start of the next week; wording and links at once.
  renderTopicCards() {
    const doc = this.doc;
    const cards = Array.isArray(doc.topic_cards) ? doc.topic_cards : [];
    const items = cards.map((card, index) => {
      const base = pointer('topic_cards', index);
      const preview = this.cardPreview(index);
      const fieldset = h('fieldset', { class: 'item topic-card', 'data-preview-scope': true },
        h('legend', {}, `Card ${index + 1}: ${card.id || 'new'}`),
        this.listControls('/topic_cards', index, cards.length, 'card'),
        this.field(base + '/id', 'Id (used in counts)', { pattern: SLUG_PATTERN }),
        this.topicChecks(base, card, 'Shown to people who chose',
          'Tick at least one topic: the card is offered with the suggestions when the person chose one of them.',
          { keepEmpty: true }),
        this.localizedField(base + '/title', 'Title'),
        this.localizedField(base + '/body', 'Text (at most 700 characters: under a minute to read)', { long: true }),
        this.field(base + '/take_home_url', 'Take-home link (optional)', {
          type: 'url', inputmode: 'url',
          hint: 'Shown as a QR code the person scans with their own phone. https only, with no ?query or #fragment: the QR is the same for everyone, so the site cannot tell which room it was read in.',
        }),
        preview);
      fieldset.previewUpdate = preview.previewUpdate;
      this.register(base, fieldset, fieldset.querySelector('input'), null);
      return fieldset;
    });
    return h('div', {},
      h('p', { class: 'hint' }, 'Kiosks need a station and kiosk of this version (content schema 3). A new, removed or re-topicked card takes effect on kiosks at the start of the next week; its words and link at their next sync.'),
      this.listBlock('/topic_cards', items),
      this.addButton('/topic_cards', 'Add topic card', newTopicCard, { max: 24 }));
  }

  // The card as the kiosk shows it: its title, its text and, with a link, where the QR goes.
  cardPreview(index) {
    const localeSelect = h('select', { id: `card-preview-locale-${index}`, 'data-bind': 'none' },
      localeIds(this.doc).map((id) => h('option', { value: id, selected: id === this.doc.default_locale }, localeName(this.doc, id))));
    const title = h('p', { class: 'kiosk-title' });
    const body = h('p', { class: 'kiosk-text kiosk-card-body' });
    const qr = h('p', { class: 'kiosk-text kiosk-card-qr' });
    const screen = h('div', { class: 'kiosk-screen kiosk-card' }, title, body, qr);
    const section = h('section', { class: 'preview', 'aria-label': `Preview of card ${index + 1} on the kiosk` },
      h('h4', {}, 'Preview on the kiosk'),
      h('div', { class: 'field' }, h('label', { for: `card-preview-locale-${index}` }, 'Preview language'), localeSelect),
      screen);
    const update = () => {
      const card = (this.doc.topic_cards || [])[index];
      if (!card) return;
      const locale = localeSelect.value || this.doc.default_locale;
      const def = this.doc.default_locale;
      applyKioskTheme(screen, this.doc.theme);
      title.textContent = localized(card.title, locale, def) || '(no title)';
      body.textContent = localized(card.body, locale, def) || '(no text)';
      qr.textContent = card.take_home_url ? `QR: ${card.take_home_url}` : '';
      qr.hidden = !card.take_home_url;
    };
    localeSelect.addEventListener('change', update);
    section.previewUpdate = update;
    this.previewUpdaters.push(update);
    return section;
  }

  // The optional before / after stress rating. Turning it on or off, or changing its style,
  // changes what kiosks count (two histograms of its steps), so kiosks apply that at the start of
  // the next week; its wording reaches them at their next sync.
  renderStressRating() {
    const doc = this.doc;
    const rating = doc.stress_rating;
    const toggle = h('div', { class: 'field field-check' },
      h('input', { type: 'checkbox', id: 'rating-enabled', 'data-bind': 'none', checked: Boolean(rating),
        'aria-describedby': 'rating-enabled-hint',
        onchange: (event) => {
          setStressRating(doc, event.target.checked);
          this.markDirty();
          this.render('rating-enabled');
          this.announce(event.target.checked ? 'Stress rating added: fill in its texts.' : 'Stress rating removed.');
        } }),
      h('label', { for: 'rating-enabled' }, 'Ask for a stress rating before and after each exercise'),
      h('p', { class: 'hint', id: 'rating-enabled-hint' }, 'People may skip it. The kiosk shows the person their own change ("7 → 4") and forgets it with Done; it counts only how many gave each rating before and, separately, after, never the two together. Kiosks need a station and kiosk of this version (content schema 2). Turning it on or off, or changing the style, takes effect on kiosks at the start of the next week.'));
    this.register('/stress_rating', toggle, toggle.querySelector('input'), null);
    if (!rating) return h('div', {}, toggle);

    const styleErrors = this.errorList('/stress_rating/style');
    const styleSelect = h('select', { id: 'rating-style', 'data-bind': 'none', 'aria-describedby': styleErrors.id,
      onchange: (event) => {
        setRatingStyle(doc, event.target.value);
        this.markDirty();
        this.render('rating-style');
      } }, [['scale', 'A scale from 0 to 10'], ['faces', 'Five faces, calm first']].map(([value, text]) =>
      h('option', { value, selected: rating.style === value }, text)));
    const styleField = h('div', { class: 'field' }, h('label', { for: 'rating-style' }, 'How people rate'), styleSelect, styleErrors);
    this.register('/stress_rating/style', styleField, styleSelect, styleErrors);
    const faces = rating.style === 'faces'
      ? h('fieldset', { class: 'group' }, h('legend', {}, 'The five faces, calm first'),
        this.listBlock('/stress_rating/face_labels', Array.from({ length: RATING_FACES }, (_, i) =>
          this.localizedField(pointer('stress_rating', 'face_labels', i), `Face ${i + 1}${i === 0 ? ' (calmest)' : i === RATING_FACES - 1 ? ' (most stressed)' : ''}`))))
      : null;
    const section = h('div', { 'data-preview-scope': true },
      toggle,
      styleField,
      this.localizedField('/stress_rating/question_before', 'Question before an exercise'),
      this.localizedField('/stress_rating/question_after', 'Question after it'),
      h('div', { class: 'row' },
        this.localizedField('/stress_rating/low_label', rating.style === 'faces' ? 'Word at the calm end' : 'Word at 0 (the calm end)'),
        this.localizedField('/stress_rating/high_label', rating.style === 'faces' ? 'Word at the stressed end' : 'Word at 10 (the stressed end)')),
      this.localizedField('/stress_rating/change_heading', 'Heading over the person\'s own change'),
      faces,
      this.ratingPreview());
    const preview = section.querySelector('.preview');
    section.previewUpdate = preview.previewUpdate;
    this.previewUpdaters.push(preview.previewUpdate);
    return section;
  }

  // The rating screen as the kiosk shows it before an exercise: the question, the steps (0 to 10
  // or the five faces) and the words at both ends.
  ratingPreview() {
    const doc = this.doc;
    const localeSelect = h('select', { id: 'rating-preview-locale', 'data-bind': 'none' },
      localeIds(doc).map((id) => h('option', { value: id, selected: id === doc.default_locale }, localeName(doc, id))));
    const question = h('p', { class: 'kiosk-title' });
    const steps = h('div', { class: 'kiosk-rating-steps' });
    const ends = h('p', { class: 'kiosk-text kiosk-rating-ends' });
    const screen = h('div', { class: 'kiosk-screen kiosk-rating' }, question, steps, ends);
    const section = h('section', { class: 'preview', 'aria-label': 'Preview of the stress rating on the kiosk' },
      h('h4', {}, 'Preview on the kiosk'),
      h('div', { class: 'field' }, h('label', { for: 'rating-preview-locale' }, 'Preview language'), localeSelect),
      screen);
    const update = () => {
      const rating = this.doc.stress_rating;
      if (!rating) return;
      const locale = localeSelect.value || this.doc.default_locale;
      const def = this.doc.default_locale;
      applyKioskTheme(screen, this.doc.theme);
      question.textContent = localized(rating.question_before, locale, def) || '(no question)';
      const labels = rating.style === 'faces'
        ? (rating.face_labels || []).map((label, i) => localized(label, locale, def) || `(face ${i + 1})`)
        : Array.from({ length: 11 }, (_, i) => String(i));
      clear(steps).append(...labels.map((label) => h('span', { class: 'kiosk-rating-step' }, label)));
      ends.textContent = `${localized(rating.low_label, locale, def) || '(calm end)'} · ${localized(rating.high_label, locale, def) || '(stressed end)'}`;
    };
    localeSelect.addEventListener('change', update);
    section.previewUpdate = update;
    return section;
  }

  renderUiStrings() {
    const doc = this.doc;
    doc.ui = doc.ui || {};
    const known = [...UI_STRING_KEYS, ...OPTIONAL_UI_STRING_KEYS];
    const keys = [...known, ...Object.keys(doc.ui).filter((k) => !known.includes(k))];
    return h('div', {},
      h('p', { class: 'hint' }, 'The words of the kiosk itself: tiles, buttons and phase names, in every language. Words marked optional may be left blank in every language: the kiosk then uses its own wording, shown greyed.'),
      this.listBlock('/ui', keys.map((key) => {
        const optional = OPTIONAL_UI_STRING_KEYS.includes(key);
        return this.localizedField(pointer('ui', key), optional ? `${humanKey(key)} (optional)` : humanKey(key),
          optional ? { placeholders: BUILTIN_UI_TEXT[key] } : {});
      })));
  }

  // ---- validation problems ---------------------------------------------------------------

  renderProblems() {
    const box = this.problemBox;
    clear(box);
    box.hidden = this.problems.length === 0;
    if (!this.problems.length) return;
    const unmapped = [];
    const mapped = [];
    for (const problem of this.problems) {
      let path = problem.path || '';
      let entry = null;
      while (path) {
        entry = this.registry.get(path);
        if (entry && entry.errorList) break;
        entry = null;
        path = parentPointer(path);
      }
      if (!entry) {
        unmapped.push(problem);
        continue;
      }
      mapped.push({ problem, entry });
      entry.errorList.hidden = false;
      const prefix = path === problem.path ? '' : `${problem.path}: `;
      entry.errorList.append(h('li', {}, prefix + problem.message));
      entry.container.classList.add('has-error');
      if (entry.focusTarget) entry.focusTarget.setAttribute('aria-invalid', 'true');
    }
    // One line per problem, each a button that takes the admin to its field. Editing that
    // field moves the line to "edited": the station checks it again at the next publish, so
    // the console never claims a problem is solved, only that it has been worked on.
    this.problemItems = mapped.map(({ problem, entry }, index) => {
      const label = entry.container.querySelector('label, legend');
      const where = label ? label.textContent.trim() : problem.path;
      const go = h('button', { type: 'button', class: 'link problem-link', 'data-problem-path': problem.path, onclick: () => {
        const target = entry.focusTarget || entry.container;
        target.scrollIntoView({ block: 'center' });
        if (entry.focusTarget) entry.focusTarget.focus({ preventScroll: true });
      } }, where);
      const state = h('span', { class: 'problem-state' });
      const li = h('li', { 'data-problem-index': String(index) }, go, ': ', problem.message, ' ', state);
      return { problem, entry, path: entryPath(this.registry, entry), original: JSON.stringify(getAt(this.doc, entryPath(this.registry, entry)) ?? null), li, state, edited: false };
    });
    this.problemHeading = h('h3', { id: 'problem-heading' });
    box.append(this.problemHeading,
      h('p', {}, 'The kiosks still get the live version. Each problem is also shown next to its field; choose one to go there.'));
    if (this.problemItems.length) box.append(h('ol', { class: 'problem-list', id: 'problem-list' }, this.problemItems.map((item) => item.li)));
    if (unmapped.length) {
      box.append(h('ul', { class: 'unmapped' }, unmapped.map((p) => h('li', {}, p.path ? h('code', {}, p.path) : 'Whole document', ': ', p.message))));
    }
    this.updateProblemCount();
  }

  updateProblemCount() {
    const items = this.problemItems || [];
    const edited = items.filter((item) => item.edited).length;
    const open = this.problems.length - edited;
    this.problemHeading.textContent = `Not published: ${open} ${open === 1 ? 'problem' : 'problems'} to fix`
      + (edited ? `, ${edited} edited (checked again when you publish)` : '');
  }

  // After an edit at `path`: each problem of that field is "edited" while its value differs
  // from the one the station refused and the browser finds nothing wrong with the field.
  refreshProblems(path) {
    let changed = false;
    for (const item of this.problemItems || []) {
      if (!(path === item.path || path.startsWith(`${item.path}/`))) continue;
      const differs = JSON.stringify(getAt(this.doc, item.path) ?? null) !== item.original;
      const invalid = item.entry.container.querySelector(':invalid') !== null;
      const edited = differs && !invalid;
      if (edited === item.edited) continue;
      item.edited = edited;
      changed = true;
      item.li.classList.toggle('problem-edited', edited);
      item.state.textContent = edited ? '(edited)' : '';
      const stillOpen = this.problemItems.some((other) => other.entry === item.entry && !other.edited);
      item.entry.container.classList.toggle('has-error', stillOpen);
      if (item.entry.focusTarget) {
        if (stillOpen) item.entry.focusTarget.setAttribute('aria-invalid', 'true');
        else item.entry.focusTarget.removeAttribute('aria-invalid');
      }
    }
    if (changed) this.updateProblemCount();
  }

  // An exercise, provider or topic got a new id: the check-in suggestions that point at it
  // follow, unless another one of its kind already has that id (then nothing is moved and the
  // validator names the duplicate).
  followRename(path, from, to, focusId) {
    const kind = referencedIdKind(path);
    if (!kind || !from || from === to) return;
    const list = getAt(this.doc, parentPointer(parentPointer(path))) || [];
    const index = Number(path.split('/').slice(-2, -1)[0]);
    if (list.some((item, i) => i !== index && item && item.id === to)) {
      this.statusEl.textContent = `Another ${kind.word} already has the id "${to}": what pointed at "${from}" still does.`;
      return;
    }
    let moved = 0;
    for (const level of (this.doc.checkin && this.doc.checkin.levels) || []) {
      for (const suggestion of level.suggestions || []) {
        if (kind.field === 'topics') {
          if (Array.isArray(suggestion.topics) && suggestion.topics.includes(from)) {
            suggestion.topics = suggestion.topics.map((topic) => (topic === from ? to : topic));
            moved += 1;
          }
        } else if (suggestion[kind.field] === from) {
          suggestion[kind.field] = to;
          moved += 1;
        }
      }
    }
    if (!moved) return;
    this.markDirty();
    this.render(focusId);
    const text = `Renamed ${kind.word} "${from}" to "${to}": ${moved} check-in suggestion${moved === 1 ? '' : 's'} now point${moved === 1 ? 's' : ''} at "${to}".`;
    this.statusEl.textContent = text;
    this.announce(text);
  }

  // Another admin published after this edit began: what each side changed, then merge (their
  // version with these changes on top) or reload (theirs, dropping these changes).
  renderConflict() {
    const box = this.conflictBox;
    clear(box);
    box.hidden = !this.conflict;
    if (!this.conflict) return;
    const { theirs, message } = this.conflict;
    // As it would be published: the form's empty optional texts are no change.
    const mine = withoutBlankOptionalTexts(this.doc);
    const mineChanged = changedFields(this.base, mine);
    const theirsChanged = changedFields(this.base, theirs.document);
    const { conflicts } = mergeEdits(this.base, mine, theirs.document);
    const fields = [...new Set([...theirsChanged, ...mineChanged])].sort();
    box.append(
      h('h3', { id: 'conflict-h' }, `Not published: version ${theirs.version} was published by ${theirs.published_by || 'another admin'} while you were editing`),
      h('p', {}, message),
      h('p', {}, `Your edit is based on version ${this.version}. Below, every field either of you changed since then`
        + (conflicts.length ? `; ${conflicts.length} field(s) were changed by both, and merging keeps yours for those.` : '.')),
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Changes since your version' },
        h('table', { id: 'conflict-diff' },
          h('caption', {}, `Changes since version ${this.version}`),
          h('thead', {}, h('tr', {}, ['Field', `Version ${this.version}`, `Live now (version ${theirs.version})`, 'Your edit', 'Changed by'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, fields.slice(0, 300).map((path) => {
            const who = conflicts.includes(path) || (theirsChanged.includes(path) && mineChanged.includes(path)) ? 'both'
              : theirsChanged.includes(path) ? (theirs.published_by || 'them') : 'you';
            return h('tr', { 'data-field': path, class: who === 'both' ? 'both' : '' },
              h('td', {}, h('code', {}, path)),
              h('td', {}, shortValue(getAt(this.base, path))),
              h('td', {}, shortValue(getAt(theirs.document, path))),
              h('td', {}, shortValue(getAt(mine, path))),
              h('td', {}, who));
          })))),
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'primary', id: 'merge-button', onclick: () => this.merge() }, `Merge my changes into version ${theirs.version}`),
        h('button', { type: 'button', id: 'reload-button', onclick: () => this.reloadTheirs() }, `Drop my changes and load version ${theirs.version}`)));
  }

  merge() {
    const { theirs } = this.conflict;
    const { merged, conflicts } = mergeEdits(this.base, withoutBlankOptionalTexts(this.doc), theirs.document);
    this.doc = clone(merged);
    this.base = clone(theirs.document);
    this.version = theirs.version;
    this.conflict = null;
    this.dirty = true;
    this.render('publish-button');
    const text = `Merged into version ${theirs.version}: check the result, then publish.`
      + (conflicts.length ? ` Yours was kept where both changed: ${conflicts.join(', ')}.` : '');
    this.statusEl.textContent = text;
    this.announce(text);
  }

  reloadTheirs() {
    const { theirs } = this.conflict;
    this.dropDraft();
    this.setFromServer(theirs);
    this.render('publish-button');
    this.statusEl.textContent = `Loaded version ${theirs.version}; your changes were dropped.`;
    this.announce(`Loaded version ${theirs.version}.`);
  }

  // ---- actions ---------------------------------------------------------------------------

  async publish() {
    const button = document.getElementById('publish-button');
    button.disabled = true;
    this.statusEl.textContent = 'Publishing…';
    try {
      const answer = await api.putContent(withoutBlankOptionalTexts(this.doc), this.version, (this.note || '').trim());
      this.problems = [];
      this.note = '';
      clearTimeout(this.draftTimer); // the station dropped the draft with the publish
      this.draftSavedAt = null;
      const version = answer && answer.version !== undefined ? answer.version : null;
      const content = await api.getContent();
      this.setFromServer(content);
      this.render('publish-button');
      const shown = version ?? this.version;
      this.statusEl.textContent = publishedMessage(shown, answer);
      this.announce(`Published version ${shown}.`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        const theirs = await api.getContent().catch(() => null);
        if (theirs) {
          this.conflict = { theirs, message: error.message };
          this.render('merge-button');
          this.conflictBox.scrollIntoView({ block: 'start' });
          this.statusEl.textContent = `Not published: version ${theirs.version} was published meanwhile.`;
          this.announce(`Not published: version ${theirs.version} was published meanwhile. Merge or reload.`);
          return;
        }
      }
      if (error instanceof ApiError && error.status === 422) {
        this.problems = error.details.length ? error.details : [{ path: '', message: error.message }];
        this.render('publish-button');
        this.problemBox.focus();
        this.statusEl.textContent = `Not published: ${this.problems.length} ${this.problems.length === 1 ? 'problem' : 'problems'} to fix.`;
      } else if (error instanceof ApiError && error.status === 401) {
        // The sign-in screen has taken over.
      } else {
        button.disabled = false;
        this.statusEl.textContent = `Not published: ${error.message}`;
        this.announce(`Not published: ${error.message}`);
      }
    } finally {
      const again = document.getElementById('publish-button');
      if (again) again.disabled = false;
    }
  }

  async discard() {
    if (this.dirty && !window.confirm('Throw away your unpublished changes and reload the live content?')) return;
    await this.dropDraft();
    await this.load();
    this.announce('Reloaded the live content.');
  }
}

// Ids other parts of the document point at, and where they are pointed at from.
function referencedIdKind(path) {
  if (/^\/exercises\/\d+\/id$/.test(path)) return { field: 'exercise_id', word: 'exercise' };
  if (/^\/providers\/\d+\/id$/.test(path)) return { field: 'provider_id', word: 'provider' };
  if (/^\/checkin\/topics\/\d+\/id$/.test(path)) return { field: 'topics', word: 'topic' };
  return null;
}

function pathParts(path) {
  return path ? path.slice(1).split('/').map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~')) : [];
}

