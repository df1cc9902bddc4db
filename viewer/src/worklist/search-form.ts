import { translator } from '../i18n/i18n';
import { worklistMessages, type WorklistKey } from './messages';
import { MODALITIES, PAGE_SIZES, type DatePreset, type WorklistSearch } from './worklist-search';

const t = translator(worklistMessages);

export interface SearchForm {
  element: HTMLFormElement;
  /** The criteria as now typed (offset and sort are the caller's). */
  read(): Pick<
    WorklistSearch,
    'patientName' | 'patientId' | 'accessionNumber' | 'datePreset' | 'dateFrom' | 'dateTo' | 'modality' | 'pageSize'
  >;
}

/** The search bar; `onSearch` runs on submit (Enter in any field, or the button), `onChange` on each edit. */
export function createSearchForm(initial: WorklistSearch, handlers: { onSearch(): void; onClear(): void; onChange(): void }): SearchForm {
  const form = document.createElement('form');
  form.className = 'worklist-form';
  form.dataset.testid = 'worklist-form';
  form.noValidate = true;

  const name = textInput('patientName', initial.patientName, t('patientNamePlaceholder'));
  const id = textInput('patientId', initial.patientId);
  const accession = textInput('accessionNumber', initial.accessionNumber);
  const preset = select<DatePreset>(
    'datePreset',
    [
      ['any', t('dateAny')],
      ['today', t('dateToday')],
      ['last7', t('dateLast7')],
      ['custom', t('dateCustom')],
    ],
    initial.datePreset,
  );
  const from = dateInput('dateFrom', initial.dateFrom);
  const to = dateInput('dateTo', initial.dateTo);
  const modality = select('modality', [['', t('modalityAny')], ...MODALITIES.map((m): [string, string] => [m, m])], initial.modality);
  const pageSize = select(
    'pageSize',
    PAGE_SIZES.map((n): [string, string] => [String(n), String(n)]),
    String(initial.pageSize),
  );

  const fromField = field('dateFrom', from);
  const toField = field('dateTo', to);
  const showCustom = () => {
    fromField.hidden = toField.hidden = preset.value !== 'custom';
  };
  showCustom();
  preset.addEventListener('change', showCustom);

  const search = button('search', 'submit', 'btn btn-primary');
  const clear = button('clear', 'button', 'btn');
  clear.addEventListener('click', handlers.onClear);
  const actions = document.createElement('div');
  actions.className = 'worklist-actions';
  actions.append(search, clear);

  form.append(
    field('patientName', name),
    field('patientId', id),
    field('accessionNumber', accession),
    field('studyDate', preset),
    fromField,
    toField,
    field('modality', modality),
    field('pageSize', pageSize),
    actions,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    handlers.onSearch();
  });
  form.addEventListener('input', handlers.onChange);
  form.addEventListener('change', handlers.onChange);

  return {
    element: form,
    read: () => ({
      patientName: name.value,
      patientId: id.value,
      accessionNumber: accession.value,
      datePreset: preset.value as DatePreset,
      dateFrom: from.value,
      dateTo: to.value,
      modality: modality.value,
      pageSize: Number(pageSize.value),
    }),
  };
}

function field(label: WorklistKey, control: HTMLElement): HTMLLabelElement {
  const wrapper = document.createElement('label');
  wrapper.className = 'worklist-field';
  const caption = document.createElement('span');
  caption.textContent = t(label);
  caption.dataset.testid = `label-${label}`;
  wrapper.append(caption, control);
  return wrapper;
}

function textInput(name: string, value: string, placeholder = ''): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'search';
  input.className = 'input';
  input.name = name;
  input.value = value;
  input.placeholder = placeholder;
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.dataset.testid = `search-${name}`;
  return input;
}

function dateInput(name: string, value: string): HTMLInputElement {
  const input = document.createElement('input');
  input.type = 'date';
  input.className = 'input';
  input.name = name;
  input.value = value;
  input.dataset.testid = `search-${name}`;
  return input;
}

function select<V extends string>(name: string, options: [V, string][], value: string): HTMLSelectElement {
  const el = document.createElement('select');
  el.className = 'input';
  el.name = name;
  el.dataset.testid = `search-${name}`;
  for (const [optionValue, text] of options) {
    const option = document.createElement('option');
    option.value = optionValue;
    option.textContent = text;
    el.append(option);
  }
  el.value = value;
  return el;
}

function button(label: WorklistKey, type: 'submit' | 'button', className: string): HTMLButtonElement {
  const el = document.createElement('button');
  el.type = type;
  el.className = className;
  el.textContent = t(label);
  el.dataset.testid = `worklist-${label}`;
  return el;
}
