import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { button, labelled, textInput } from '../ui/form-parts';
import { AUDIT_ACTION_NAMES, type AuditFilter } from './admin-api';
import { auditActionName } from './audit-vocabulary';
import { adminMessages } from './messages';

const t = translator(adminMessages);

export interface AuditFilterForm {
  element: HTMLFormElement;
  read(): AuditFilter;
}

/**
 * The audit filters: user (a part of the principal id), patient (name or a part of the ID, found
 * through the archive's index), study UID, action, from / to. The time fields are
 * the browser's local time (datetime-local) and are sent as ISO 8601 UTC instants.
 */
export function createAuditFilters(initial: AuditFilter, handlers: { onSearch(): void; onClear(): void }): AuditFilterForm {
  const form = element('form', { className: 'admin-filters', testid: 'audit-filters' });
  const user = textInput('audit-user', { autocomplete: 'off', maxLength: 128 });
  user.value = initial.user ?? '';
  const patient = textInput('audit-patient', { autocomplete: 'off', maxLength: 128 });
  patient.value = initial.patient ?? '';
  const study = textInput('audit-study', { autocomplete: 'off', maxLength: 64 });
  study.value = initial.study ?? '';
  const action = element('select', { className: 'input', testid: 'audit-action' });
  action.append(new Option(t('anyAction'), ''), ...AUDIT_ACTION_NAMES.map((name) => new Option(auditActionName(name), name)));
  action.value = initial.action ?? '';
  const from = textInput('audit-from', { type: 'datetime-local' });
  from.value = toLocalInput(initial.from);
  const to = textInput('audit-to', { type: 'datetime-local' });
  to.value = toLocalInput(initial.to);
  const search = button(t('search'), 'audit-search', 'submit', 'btn btn-primary');
  const clear = button(t('clear'), 'audit-clear');
  clear.addEventListener('click', handlers.onClear);
  form.append(
    labelled(t('filterUser'), user),
    labelled(t('filterPatient'), patient),
    labelled(t('filterStudy'), study),
    labelled(t('filterAction'), action),
    labelled(t('filterFrom'), from),
    labelled(t('filterTo'), to),
    element('div', { className: 'admin-filter-actions' }, search, clear),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    handlers.onSearch();
  });
  return {
    element: form,
    read: () => ({
      user: user.value.trim() || undefined,
      patient: patient.value.trim() || undefined,
      study: study.value.trim() || undefined,
      action: action.value || undefined,
      from: fromLocalInput(from.value),
      to: fromLocalInput(to.value),
    }),
  };
}

/** `2024-05-01T08:30` (local time) → ISO 8601 instant; undefined when empty or invalid. */
function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** An ISO 8601 instant → the datetime-local value of that moment in local time. */
function toLocalInput(iso: string | undefined): string {
  const time = iso ? new Date(iso) : undefined;
  if (!time || Number.isNaN(time.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())}T${pad(time.getHours())}:${pad(time.getMinutes())}`;
}
