import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { button, formWithHeading, labelled, textInput } from '../ui/form-parts';
import type { PeerSummary } from './peer-api';
import type { RoutingRule, RoutingRuleInput } from './routing-rule-api';
import { routingRuleMessages } from './routing-rule-messages';

const t = translator(routingRuleMessages);

export interface RuleForm {
  element: HTMLFormElement;
  /** Fills the form with a saved rule to change it, or empties it for a new one. */
  edit(rule: RoutingRule | undefined): void;
  /** The rule being changed, if any. */
  editing(): RoutingRule | undefined;
  /** The peers offered in the peer picker (GET /api/peers). */
  setPeers(peers: PeerSummary[]): void;
}

/**
 * The add / edit form of a routing rule: name, the peer it sends to (picked from the peers),
 * the criteria (modality, the account that stored, institution and description patterns with
 * `*` and `?`) and whether it is enabled. The archive checks every field again.
 */
export function createRuleForm(onSave: (input: Partial<RoutingRuleInput>, form: RuleForm) => void): RuleForm {
  const form = formWithHeading('admin-create rule-form', 'rule-form', t('addTitle'), 'h3');
  const heading = form.querySelector('h3')!;
  const name = textInput('rule-name', { autocomplete: 'off', required: true, maxLength: 64 });
  const peer = element('select', { className: 'input', testid: 'rule-peer' });
  const modality = textInput('rule-modality', { autocomplete: 'off', maxLength: 16 });
  modality.placeholder = t('modalityHint');
  const source = textInput('rule-source', { autocomplete: 'off', maxLength: 64 });
  source.placeholder = t('sourceHint');
  const institution = textInput('rule-institution', { autocomplete: 'off', maxLength: 64 });
  institution.placeholder = t('patternHint');
  const description = textInput('rule-description', { autocomplete: 'off', maxLength: 64 });
  description.placeholder = t('patternHint');
  const enabled = element('input', { testid: 'rule-enabled' });
  enabled.type = 'checkbox';
  const save = button(t('save'), 'rule-save', 'submit', 'btn btn-primary');
  const cancel = button(t('cancelEdit'), 'rule-cancel');
  form.append(
    labelled(t('name'), name),
    labelled(t('peer'), peer),
    labelled(t('modality'), modality),
    labelled(t('source'), source),
    labelled(t('institution'), institution),
    labelled(t('description'), description),
    labelled(t('enabledField'), enabled, 'form-field form-check'),
    element('div', { className: 'admin-filter-actions' }, save, cancel),
  );

  let current: RoutingRule | undefined;
  const ruleForm: RuleForm = {
    element: form,
    editing: () => current,
    setPeers(peers) {
      const chosen = peer.value;
      peer.replaceChildren(
        ...peers.map((p) => {
          const option = element('option', { text: p.name });
          option.value = p.id;
          return option;
        }),
      );
      if (peers.some((p) => p.id === chosen)) peer.value = chosen;
    },
    edit(rule) {
      current = rule;
      form.reset();
      heading.textContent = rule ? t('editTitle', { name: rule.name }) : t('addTitle');
      form.dataset.editing = rule?.id ?? '';
      name.value = rule?.name ?? '';
      if (rule) peer.value = rule.peerId;
      modality.value = rule?.modality ?? '';
      source.value = rule?.source ?? '';
      institution.value = rule?.institution ?? '';
      description.value = rule?.description ?? '';
      enabled.checked = rule?.enabled ?? true;
      cancel.hidden = !rule;
    },
  };

  cancel.addEventListener('click', () => ruleForm.edit(undefined));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onSave(
      {
        name: name.value.trim(),
        peerId: peer.value,
        modality: modality.value.trim(),
        source: source.value.trim(),
        institution: institution.value.trim(),
        description: description.value.trim(),
        enabled: enabled.checked,
      },
      ruleForm,
    );
  });
  ruleForm.edit(undefined);
  return ruleForm;
}
