// Settings: the priority matrix (impact × urgency → priority level).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';

export function usePriorityMatrix() {
  return useQuery({
    queryKey: keys.priorityMatrix,
    queryFn: () => unwrap(client.GET('/api/v1/settings/priority-matrix')).then((r) => r.matrix),
  });
}

export function useSavePriorityMatrix() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (matrix: number[][]) =>
      unwrap(client.PUT('/api/v1/settings/priority-matrix', { body: { matrix } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.priorityMatrix }),
  });
}
