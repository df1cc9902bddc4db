import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { button } from '../ui/form-parts';
import { tableWithHead } from '../ui/table-with-head';
import type { RoutingRule } from './routing-rule-api';
import { routingRuleMessages, type RoutingRuleKey } from './routing-rule-messages';

const t = translator(routingRuleMessages);

const COLUMNS: RoutingRuleKey[] = ['colName', 'colPeer', 'colCriteria', 'colStatus', 'colActions'];

export interface RuleRowActions {
  edit(rule: RoutingRule): void;
  setEnabled(rule: RoutingRule, enabled: boolean): void;
  remove(rule: RoutingRule): void;
}

/** A rule's criteria in words, e.g. "modality CT · stored by ct-scanner"; "any study" without any. */
export function criteriaText(rule: RoutingRule): string {
  const parts = [
    rule.modality && t('criterionModality', { value: rule.modality }),
    rule.source && t('criterionSource', { value: rule.source }),
    rule.institution && t('criterionInstitution', { value: rule.institution }),
    rule.description && t('criterionDescription', { value: rule.description }),
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : t('anyStudy');
}

/** The rules as a table, one row per rule (`data-rule-id`, `data-enabled`): name, peer, criteria, status, actions. */
export function createRuleTable(rules: RoutingRule[], actions: RuleRowActions): HTMLTableElement {
  const { table, body } = tableWithHead(
    'rules-table',
    COLUMNS.map((key) => t(key)),
  );
  for (const rule of rules) body.append(ruleRow(rule, actions));
  return table;
}

function ruleRow(rule: RoutingRule, actions: RuleRowActions): HTMLTableRowElement {
  const row = element('tr', { testid: 'rule-row' });
  row.dataset.ruleId = rule.id;
  row.dataset.enabled = String(rule.enabled);
  if (!rule.enabled) row.classList.add('admin-row-disabled');
  row.append(
    element('td', { testid: 'rule-cell-name', text: rule.name }),
    element('td', { testid: 'rule-cell-peer', text: rule.peerName }),
    element('td', { testid: 'rule-cell-criteria', text: criteriaText(rule) }),
    element('td', { testid: 'rule-cell-status', text: t(rule.enabled ? 'enabled' : 'disabled') }),
  );
  const edit = button(t('edit'), 'rule-edit');
  edit.addEventListener('click', () => actions.edit(rule));
  const toggle = button(t(rule.enabled ? 'disable' : 'enable'), 'rule-toggle');
  toggle.addEventListener('click', () => actions.setEnabled(rule, !rule.enabled));
  const remove = button(t('remove'), 'rule-remove');
  remove.addEventListener('click', () => actions.remove(rule));
  row.append(element('td', { className: 'admin-actions', testid: 'rule-actions' }, edit, toggle, remove));
  return row;
}
