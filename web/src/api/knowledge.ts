// The knowledge base: search and browse, one article (rendered) and its versions and diffs, writing and moving
// articles, the editor's preview, suggestions while a request is typed and "this solved my problem", a
// ticket's linked and suggested articles and its draft, and the manager's deflections and search gaps.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import type { QueryOf, RequestOf, ResponseOf } from './types';

export type ArticleQuery = QueryOf<'/api/v1/articles', 'get'>;
export type ArticleHit = ResponseOf<'/api/v1/articles', 'get'>['items'][number];
export type SnippetPart = ArticleHit['snippet'][number];
export type Suggestion = ResponseOf<'/api/v1/articles/suggest', 'get'>['items'][number];
export type RenderedArticle = ResponseOf<'/api/v1/articles/{id}', 'get'>;
export type Article = ResponseOf<'/api/v1/articles/{id}', 'patch'>;
export type ArticleKind = Article['kind'];
export type ArticleAudience = Article['audience'];
export type ArticleStatus = Article['status'];
export type ArticleSummary = ResponseOf<'/api/v1/tickets/{id}/articles', 'get'>['items'][number];
export type NewArticle = RequestOf<'/api/v1/articles', 'post'>;
export type ArticlePatch = RequestOf<'/api/v1/articles/{id}', 'patch'>;
export type ArticleVersion = ResponseOf<'/api/v1/articles/{id}/versions', 'get'>['items'][number];
export type ArticleVersionFull = ResponseOf<'/api/v1/articles/{id}/versions/{version}', 'get'>;
export type VersionHit = ResponseOf<'/api/v1/articles/{id}/versions/search', 'get'>['items'][number];
export type ArticleDiff = ResponseOf<'/api/v1/articles/{id}/diff', 'get'>;
export type KbCategory = ResponseOf<'/api/v1/knowledge/categories', 'get'>['items'][number];
export type DeflectionReport = ResponseOf<'/api/v1/knowledge/deflections', 'get'>;
export type SearchGap = ResponseOf<'/api/v1/knowledge/gaps', 'get'>['items'][number];

/** Every query key of the knowledge pages; writes invalidate `kb` (and the ticket's) wholesale. */
export const kbKeys = {
  all: ['kb'] as const,
  search: (q: ArticleQuery) => ['kb', 'search', q] as const,
  suggest: (text: string) => ['kb', 'suggest', text] as const,
  article: (id: number) => ['kb', 'article', id] as const,
  versions: (id: number) => ['kb', 'article', id, 'versions'] as const,
  version: (id: number, v: number) => ['kb', 'article', id, 'versions', v] as const,
  versionSearch: (id: number, q: string) => ['kb', 'article', id, 'versions', 'search', q] as const,
  diff: (id: number, from: number, to: number) => ['kb', 'article', id, 'diff', from, to] as const,
  preview: (body: string) => ['kb', 'preview', body] as const,
  categories: ['kb', 'categories'] as const,
  deflections: ['kb', 'deflections'] as const,
  gaps: ['kb', 'gaps'] as const,
  ticketArticles: (ticketId: number) => ['kb', 'ticket', ticketId, 'articles'] as const,
  ticketSuggestions: (ticketId: number) => ['kb', 'ticket', ticketId, 'suggestions'] as const,
};

// The kinds in the order forms offer them; their words are in the knowledge catalogue (kind.*).
export const articleKinds: ArticleKind[] = ['faq', 'guide', 'manual', 'runbook', 'policy', 'procedure'];
export const isPolicyKind = (k: ArticleKind) => k === 'policy' || k === 'procedure';

export function useArticleSearch(query: ArticleQuery) {
  return useQuery({
    queryKey: kbKeys.search(query),
    queryFn: ({ signal }) => unwrap(client.GET('/api/v1/articles', { params: { query }, signal })),
    placeholderData: (prev) => prev,
  });
}

/** Articles that may answer what is being typed; nothing is asked for under three letters. */
export function useSuggestions(text: string, limit = 5) {
  const t = text.trim();
  return useQuery({
    queryKey: kbKeys.suggest(t),
    queryFn: ({ signal }) =>
      unwrap(client.GET('/api/v1/articles/suggest', { params: { query: { text: t, limit } }, signal })).then(
        (r) => r.items,
      ),
    enabled: t.length >= 3,
    placeholderData: (prev) => prev,
    staleTime: 30_000,
  });
}

export function fetchArticle(id: number) {
  return unwrap(client.GET('/api/v1/articles/{id}', { params: { path: { id } } }));
}

export function useArticle(id: number, enabled = true) {
  return useQuery({ queryKey: kbKeys.article(id), queryFn: () => fetchArticle(id), enabled, retry: false });
}

export function useKbCategories() {
  return useQuery({
    queryKey: kbKeys.categories,
    queryFn: () => unwrap(client.GET('/api/v1/knowledge/categories')).then((r) => r.items),
    staleTime: 60_000,
  });
}

export function useArticleVersions(id: number, enabled: boolean) {
  return useQuery({
    queryKey: kbKeys.versions(id),
    queryFn: () =>
      unwrap(client.GET('/api/v1/articles/{id}/versions', { params: { path: { id } } })).then((r) => r.items),
    enabled,
  });
}

export function useArticleVersion(id: number, version: number | null) {
  return useQuery({
    queryKey: kbKeys.version(id, version ?? 0),
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/articles/{id}/versions/{version}', {
          params: { path: { id, version: version ?? 0 } },
        }),
      ),
    enabled: version !== null,
  });
}

export function useVersionSearch(id: number, q: string) {
  return useQuery({
    queryKey: kbKeys.versionSearch(id, q),
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/articles/{id}/versions/search', { params: { path: { id }, query: { q } } }),
      ).then((r) => r.items),
    enabled: q.trim().length > 0,
  });
}

export function useArticleDiff(id: number, pair: [number, number] | null) {
  const [from, to] = pair ?? [0, 0];
  return useQuery({
    queryKey: kbKeys.diff(id, from, to),
    queryFn: () =>
      unwrap(client.GET('/api/v1/articles/{id}/diff', { params: { path: { id }, query: { from, to } } })),
    enabled: pair !== null,
  });
}

/** The editor's preview of Markdown, rendered by the server exactly as the article will be. */
export function usePreview(body: string) {
  return useQuery({
    queryKey: kbKeys.preview(body),
    queryFn: ({ signal }) =>
      unwrap(client.POST('/api/v1/articles/preview', { body: { body }, signal })).then((r) => r.html),
    placeholderData: (prev) => prev,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

function useRefreshKb() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: kbKeys.all });
}

export function useCreateArticle() {
  const refresh = useRefreshKb();
  return useMutation({
    mutationFn: (body: NewArticle) => unwrap(client.POST('/api/v1/articles', { body })),
    onSuccess: refresh,
  });
}

export function useUpdateArticle(id: number) {
  const refresh = useRefreshKb();
  return useMutation({
    mutationFn: (body: ArticlePatch) =>
      unwrap(client.PATCH('/api/v1/articles/{id}', { params: { path: { id } }, body })),
    onSuccess: refresh,
  });
}

export function useTransitionArticle(id: number) {
  const refresh = useRefreshKb();
  return useMutation({
    mutationFn: (status: ArticleStatus) =>
      unwrap(client.PUT('/api/v1/articles/{id}/status', { params: { path: { id } }, body: { status } })),
    onSuccess: refresh,
  });
}

export function useRestoreVersion(id: number) {
  const refresh = useRefreshKb();
  return useMutation({
    mutationFn: (version: number) =>
      unwrap(
        client.POST('/api/v1/articles/{id}/versions/{version}/restore', {
          params: { path: { id, version } },
        }),
      ),
    onSuccess: refresh,
  });
}

/** "This solved my problem": counted for the article; the request is not filed. */
export function useDeflect() {
  return useMutation({
    mutationFn: ({ articleId, text }: { articleId: number; text: string }) =>
      unwrap(
        client.POST('/api/v1/articles/{id}/deflections', {
          params: { path: { id: articleId } },
          body: { text },
        }),
      ),
  });
}

export function useTicketArticles(ticketId: number) {
  return useQuery({
    queryKey: kbKeys.ticketArticles(ticketId),
    queryFn: () =>
      unwrap(client.GET('/api/v1/tickets/{id}/articles', { params: { path: { id: ticketId } } })).then(
        (r) => r.items,
      ),
  });
}

export function useTicketSuggestions(ticketId: number) {
  return useQuery({
    queryKey: kbKeys.ticketSuggestions(ticketId),
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/tickets/{id}/article-suggestions', {
          params: { path: { id: ticketId }, query: { limit: 5 } },
        }),
      ).then((r) => r.items),
  });
}

export function useLinkArticle(ticketId: number) {
  const refresh = useRefreshKb();
  return useMutation({
    mutationFn: (articleId: number) =>
      unwrap(
        client.POST('/api/v1/tickets/{id}/articles', {
          params: { path: { id: ticketId } },
          body: { articleId },
        }),
      ),
    onSuccess: refresh,
  });
}

export function useUnlinkArticle(ticketId: number) {
  const refresh = useRefreshKb();
  return useMutation({
    mutationFn: (articleId: number) =>
      unwrap(
        client.DELETE('/api/v1/tickets/{id}/articles/{articleId}', {
          params: { path: { id: ticketId, articleId } },
        }),
      ),
    onSuccess: refresh,
  });
}

export function useDraftFromTicket(ticketId: number) {
  const refresh = useRefreshKb();
  return useMutation({
    mutationFn: () =>
      unwrap(client.POST('/api/v1/tickets/{id}/article-draft', { params: { path: { id: ticketId } } })),
    onSuccess: refresh,
  });
}

export function useDeflectionReport() {
  return useQuery({
    queryKey: kbKeys.deflections,
    queryFn: () => unwrap(client.GET('/api/v1/knowledge/deflections')),
  });
}

export function useSearchGaps() {
  return useQuery({
    queryKey: kbKeys.gaps,
    queryFn: () =>
      unwrap(client.GET('/api/v1/knowledge/gaps', { params: { query: { limit: 8 } } })).then((r) => r.items),
  });
}

export type KbCategoryBody = RequestOf<'/api/v1/knowledge/categories', 'post'>;

/** Add a category (id null) or rename, describe or move one. */
export function useSaveKbCategory() {
  const refresh = useRefreshKb();
  return useMutation({
    mutationFn: ({ id, body }: { id: number | null; body: KbCategoryBody }) =>
      id === null
        ? unwrap(client.POST('/api/v1/knowledge/categories', { body }))
        : unwrap(client.PUT('/api/v1/knowledge/categories/{id}', { params: { path: { id } }, body })),
    onSuccess: refresh,
  });
}

/** Delete a category: its articles stay, without one. */
export function useDeleteKbCategory() {
  const refresh = useRefreshKb();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.DELETE('/api/v1/knowledge/categories/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });
}
