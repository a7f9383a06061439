// Automation rules (managers, admins): the ordered list and its writes, the dry run of a rule being edited,
// and the rule log (rules' firings with the SLA escalations'), paged.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type AutomationRule = ResponseOf<'/api/v1/automation/rules', 'get'>['items'][number];
export type AutomationRuleInput = RequestOf<'/api/v1/automation/rules', 'post'>;
export type RuleCondition = NonNullable<AutomationRuleInput['conditions']>['all'][number];
export type RuleAction = AutomationRuleInput['actions'][number];
export type DryRun = ResponseOf<'/api/v1/automation/dry-run', 'post'>;
export type AutomationLogEntry = ResponseOf<'/api/v1/automation/log', 'get'>['items'][number];

export function useAutomationRules() {
  return useQuery({
    queryKey: keys.automationRules,
    queryFn: () => unwrap(client.GET('/api/v1/automation/rules')).then((r) => r.items),
  });
}

/** Create (id null), replace, or delete (body null) a rule; the list and the log refresh. */
export function useSaveRule(onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: number | null; body: AutomationRuleInput | null }) => {
      const path = { params: { path: { id: id ?? 0 } } };
      if (body === null) return unwrap(client.DELETE('/api/v1/automation/rules/{id}', path));
      return id === null
        ? unwrap(client.POST('/api/v1/automation/rules', { body }))
        : unwrap(client.PUT('/api/v1/automation/rules/{id}', { ...path, body }));
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['automation'] });
      onDone();
    },
  });
}

export function useOrderRules() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: number[]) => unwrap(client.POST('/api/v1/automation/rules/order', { body: { ids } })),
    onSuccess: (r) => qc.setQueryData(keys.automationRules, r.items),
  });
}

/** The dry run of a rule as edited (saved or not): the existing tickets it matches now. */
export function useDryRun() {
  return useMutation({
    mutationFn: ({ body, cursor }: { body: AutomationRuleInput; cursor?: string }) =>
      unwrap(
        client.POST('/api/v1/automation/dry-run', {
          params: { query: { limit: 20, ...(cursor ? { cursor } : {}) } },
          body,
        }),
      ),
  });
}

export function useAutomationLog(ruleId: number | null) {
  return useInfiniteQuery({
    queryKey: keys.automationLog(ruleId),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/automation/log', {
          params: {
            query: {
              limit: 25,
              ...(ruleId !== null ? { ruleId } : {}),
              ...(pageParam ? { cursor: pageParam } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
