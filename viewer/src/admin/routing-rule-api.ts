import type { RoutingRule, RoutingRuleInput } from '../../../shared/api/exchange';
import { apiJson } from '../auth/api';

/** The archive's routing rule API as the admin's Routing rules page uses it: list, add, change, remove. */
export type { RoutingRule, RoutingRuleInput };

const rulePath = (id: string) => `/api/routing-rules/${encodeURIComponent(id)}`;

export const listRules = () => apiJson<RoutingRule[]>('GET', '/api/routing-rules');
export const createRule = (input: RoutingRuleInput) => apiJson<RoutingRule>('POST', '/api/routing-rules', input);
export const updateRule = (id: string, input: Partial<RoutingRuleInput>) => apiJson<RoutingRule>('PATCH', rulePath(id), input);
export const removeRule = (id: string) => apiJson<void>('DELETE', rulePath(id));
