// Technicians and assignment: profiles (skills with levels, working calendar, capacity, time off), the skills
// catalogue, routing rules, each group's assignment policy, and the queue optimiser's proposals.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type Technician = ResponseOf<'/api/v1/technicians', 'get'>['items'][number];
export type TechnicianChanges = RequestOf<'/api/v1/technicians/{userId}', 'put'>;
export type TimeOff = ResponseOf<'/api/v1/technicians/{userId}/time-off', 'get'>['items'][number];
export type Skill = ResponseOf<'/api/v1/skills', 'get'>['items'][number];
export type SkillInput = RequestOf<'/api/v1/skills', 'post'>;
export type AssignmentRule = ResponseOf<'/api/v1/assignment-rules', 'get'>['items'][number];
export type AssignmentRuleInput = RequestOf<'/api/v1/assignment-rules', 'post'>;
export type AssignmentPolicy = ResponseOf<'/api/v1/groups/{id}/assignment-policy', 'get'>;
export type Proposal = ResponseOf<'/api/v1/groups/{id}/assignment-proposals', 'get'>['items'][number];
export type AcceptOutcome = ResponseOf<
  '/api/v1/groups/{id}/assignment-proposals/accept',
  'post'
>['items'][number];

export function useTechnicians() {
  return useQuery({
    queryKey: keys.technicians,
    queryFn: () => unwrap(client.GET('/api/v1/technicians')).then((r) => r.items),
  });
}

export function useTimeOff(userId: number) {
  return useQuery({
    queryKey: keys.timeOff(userId),
    queryFn: () =>
      unwrap(client.GET('/api/v1/technicians/{userId}/time-off', { params: { path: { userId } } })).then(
        (r) => r.items,
      ),
  });
}

export function useSkills() {
  return useQuery({
    queryKey: keys.skills,
    queryFn: () => unwrap(client.GET('/api/v1/skills')).then((r) => r.items),
  });
}

export function useAssignmentRules() {
  return useQuery({
    queryKey: keys.assignmentRules,
    queryFn: () => unwrap(client.GET('/api/v1/assignment-rules')).then((r) => r.items),
  });
}

export function useAssignmentPolicy(groupId: number) {
  return useQuery({
    queryKey: keys.assignmentPolicy(groupId),
    queryFn: () =>
      unwrap(client.GET('/api/v1/groups/{id}/assignment-policy', { params: { path: { id: groupId } } })),
  });
}

export function useProposals(groupId: number) {
  return useQuery({
    queryKey: keys.proposals(groupId),
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/groups/{id}/assignment-proposals', { params: { path: { id: groupId } } }),
      ).then((r) => r.items),
  });
}

function useRefresh() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: keys.staffing });
    void qc.invalidateQueries({ queryKey: keys.tickets });
  };
}

export function useUpdateTechnician(userId: number, onDone?: () => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: TechnicianChanges) =>
      unwrap(client.PUT('/api/v1/technicians/{userId}', { params: { path: { userId } }, body })),
    onSuccess: () => {
      onDone?.();
      refresh();
    },
  });
}

export function useAddTimeOff(userId: number, onDone?: () => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: { startsAt: string; endsAt: string; reason?: string }) =>
      unwrap(client.POST('/api/v1/technicians/{userId}/time-off', { params: { path: { userId } }, body })),
    onSuccess: () => {
      onDone?.();
      refresh();
    },
  });
}

export function useDeleteTimeOff(userId: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(
        client.DELETE('/api/v1/technicians/{userId}/time-off/{id}', { params: { path: { userId, id } } }),
      ),
    onSuccess: refresh,
  });
}

export function useCreateSkill(onDone?: () => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: SkillInput) => unwrap(client.POST('/api/v1/skills', { body })),
    onSuccess: () => {
      onDone?.();
      refresh();
    },
  });
}

export function useDeleteSkill() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: number) => unwrap(client.DELETE('/api/v1/skills/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });
}

export function useCreateRule(onDone?: () => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: AssignmentRuleInput) => unwrap(client.POST('/api/v1/assignment-rules', { body })),
    onSuccess: () => {
      onDone?.();
      refresh();
    },
  });
}

export function useDeleteRule() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.DELETE('/api/v1/assignment-rules/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });
}

export function useSetPolicy(groupId: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: { policy: AssignmentPolicy['policy']; auto?: boolean }) =>
      unwrap(
        client.PUT('/api/v1/groups/{id}/assignment-policy', { params: { path: { id: groupId } }, body }),
      ),
    onSuccess: refresh,
  });
}

export function useAcceptProposals(groupId: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: { ticketIds: number[] } | { all: true }) =>
      unwrap(
        client.POST('/api/v1/groups/{id}/assignment-proposals/accept', {
          params: { path: { id: groupId } },
          body,
        }),
      ).then((r) => r.items),
    onSuccess: refresh,
  });
}
