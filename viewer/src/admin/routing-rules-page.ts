import type { Page } from '../app/page';
import { translator } from '../i18n/i18n';
import { element } from '../ui/element';
import { adminList } from './admin-list';
import { adminSection } from './admin-shell';
import { listPeers } from './peer-api';
import { createRule, listRules, removeRule, updateRule, type RoutingRuleInput } from './routing-rule-api';
import { createRuleForm, type RuleForm } from './routing-rule-form';
import { routingRuleMessages } from './routing-rule-messages';
import { createRuleTable } from './routing-rule-table';

const t = translator(routingRuleMessages);

/**
 * Routing rules at `/admin/routing-rules` (admins only): the rules in a table (enable / disable,
 * edit, delete) above the add / edit form whose peer picker lists the peers. The archive's
 * refusals show in place. The section carries `data-state` (loading | done | error) and
 * `data-loads` (lists drawn), for tests.
 */
export const page: Page = {
  async mount(root) {
    const section = adminSection(root, '/admin/routing-rules', 'admin-rules');
    if (!section) return;
    const { notice, error, tableWrap, reload, attempt, attemptConfirmed } = adminList(section, async () => {
      const [rules, peers] = await Promise.all([listRules(), listPeers()]);
      form.setPeers(peers);
      form.element.hidden = peers.length === 0 && !form.editing();
      const empty = peers.length === 0 ? t('noPeers') : rules.length === 0 ? t('noRules') : undefined;
      if (empty !== undefined && rules.length === 0) return element('p', { className: 'form-notice', testid: 'rules-empty', text: empty });
      return createRuleTable(rules, {
        edit: (rule) => {
          form.edit(rule);
          form.element.scrollIntoView({ block: 'nearest' });
        },
        setEnabled: (rule, enabled) =>
          void attempt(async () => {
            await updateRule(rule.id, { enabled });
            return t(enabled ? 'enabledNotice' : 'disabledNotice', { name: rule.name });
          }),
        remove: (rule) =>
          void attemptConfirmed(t('removeConfirm', { name: rule.name }), t('remove'), async () => {
            await removeRule(rule.id);
            if (form.editing()?.id === rule.id) form.edit(undefined);
            return t('removed', { name: rule.name });
          }),
      });
    });

    const save = (input: Partial<RoutingRuleInput>, ruleForm: RuleForm) =>
      attempt(async () => {
        if (!input.name) throw new Error(t('nameRequired'));
        if (!input.peerId) throw new Error(t('peerRequired'));
        const editing = ruleForm.editing();
        const saved = editing ? await updateRule(editing.id, input) : await createRule(input as RoutingRuleInput);
        ruleForm.edit(undefined);
        return t(editing ? 'saved' : 'added', { name: saved.name });
      });

    const form = createRuleForm((input, f) => void save(input, f));
    section.append(
      element('h2', { text: t('rulesTitle') }),
      element('p', { className: 'form-notice', text: t('rulesIntro') }),
      error,
      notice,
      tableWrap,
      form.element,
    );
    await reload();
  },
};
